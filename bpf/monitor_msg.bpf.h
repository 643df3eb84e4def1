/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The monitor message splitter: sshd's privilege-separation messages are
 * [u32 BE len][u8 type][len-1 body bytes] on an AF_UNIX stream socket, followed
 * as a byte stream across writes and cut into one EV_MONITOR_MSG each.
 *
 * A socketpair created by an sshd-image process registers both ends in
 * monitor_pending (LRU, keyed by inode; the entry stores the inode and the sock
 * address and both are checked). The first send on such an end moves it into
 * socket-local storage, which lives exactly as long as the socket, so the state
 * of an idle session can never be evicted by newer connections.
 */
#ifndef SSHTRACE_MONITOR_MSG_BPF_H
#define SSHTRACE_MONITOR_MSG_BPF_H

#define MSG_HDR_LEN 5
#define MSG_LEN_MAX (16u << 20) /* above any OpenSSH maximum (4 MiB in 10.1+) */
#define MSG_STEPS 10		/* pieces (a header or a body chunk) followed per send */

struct monitor_pending_entry {
	__u64 ino;
	__u64 sk; /* address of the struct sock: a reused inode number cannot match */
};

struct msg_stream {
	__u64 ino;
	__u32 len;	 /* declared length of the current message (type + body) */
	__u32 body_left; /* body bytes of the current message not yet sent */
	__u8 hdr_have;	 /* header bytes seen, 0..5 */
	__u8 msg_type;
	__u8 announced; /* EV_MONITOR_MSG of the current message was emitted */
	__u8 desynced;	/* boundaries lost for good: nothing more from this socket */
	__u32 _pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64); /* socket inode */
	__type(value, struct monitor_pending_entry);
} monitor_pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct msg_stream);
} msg_streams SEC(".maps");

/* The same states keyed by socket inode, for the syscall-exit substitute (kalt_): there the struct sock is
 * read from the fd table, a pointer socket storage does not accept. Socket inodes are not reused soon. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64); /* socket inode */
	__type(value, struct msg_stream);
} msg_streams_by_ino SEC(".maps");

/* The write being split: where its bytes are and how many were sent */
struct msg_cursor {
	const __u8 *p;
	__u32 left;
	__u32 sent; /* for EV_MSG_DESYNC.bytes */
	__u64 ino;
	__u8 track_flags;
};

/* Called from socketpair's exit: this end's messages will be followed */
static __always_inline void msg_stream_register(__u64 ino, struct sock *sk)
{
	struct monitor_pending_entry entry = {.ino = ino, .sk = (__u64)sk};

	if (ino && sk)
		bpf_map_update_elem(&monitor_pending, &ino, &entry, BPF_ANY);
}

static __always_inline void emit_msg_desync(struct msg_stream *st, struct msg_cursor *c, __u32 reason)
{
	struct msg_desync_event *ev = scratch_buf();
	struct counters *cnt = counters_buf();

	st->desynced = 1;
	if (cnt)
		cnt->msg_desync++;
	if (!ev)
		return;
	fill_header(&ev->h, EV_MSG_DESYNC, sizeof(*ev), c->track_flags);
	ev->sock_ino = c->ino;
	ev->reason = reason;
	ev->bytes = c->sent;
	emit(ev);
}

/* State of a monitor socket, adopting a pending registration on its first send */
/* `by_ino` is a constant at every call site: each program keeps one of the two stores */
static __always_inline struct msg_stream *msg_stream_get(struct sock *sk, struct msg_cursor *c, bool by_ino)
{
	struct msg_stream *st =
	    by_ino ? bpf_map_lookup_elem(&msg_streams_by_ino, &c->ino) : bpf_sk_storage_get(&msg_streams, sk, 0, 0);
	struct monitor_pending_entry *pending;
	struct msg_stream fresh = {};

	if (st)
		return st->ino == c->ino ? st : NULL;
	pending = bpf_map_lookup_elem(&monitor_pending, &c->ino);
	if (!pending || pending->ino != c->ino || pending->sk != (__u64)sk)
		return NULL;
	bpf_map_delete_elem(&monitor_pending, &c->ino);
	fresh.ino = c->ino;
	if (by_ino) {
		bpf_map_update_elem(&msg_streams_by_ino, &c->ino, &fresh, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&msg_streams_by_ino, &c->ino);
	} else {
		st = bpf_sk_storage_get(&msg_streams, sk, &fresh, BPF_SK_STORAGE_GET_F_CREATE);
	}
	if (!st)
		emit_msg_desync(&fresh, c, DESYNC_NO_STATE);
	return st;
}

/* One EV_MONITOR_MSG, body bytes only for allow-listed types and only from this chunk */
static __always_inline int emit_monitor_msg(struct msg_stream *st, struct msg_cursor *c)
{
	struct monitor_msg_event *ev = scratch_buf();
	__u32 cap = msg_body_cap(st->msg_type);
	__u32 body_total = st->len - 1;
	__u64 take = c->left < body_total ? c->left : body_total;

	if (!ev)
		return 0;
	fill_header(&ev->h, EV_MONITOR_MSG, sizeof(*ev), c->track_flags);
	ev->sock_ino = c->ino;
	ev->len = st->len;
	ev->msg_type = st->msg_type;
	ev->_pad = 0;
	if (cap == 0) {
		ev->h.flags |= EVF_MSG_WITHHELD;
		take = 0;
	} else if (take > cap) {
		take = cap;
	}
	barrier_var(take); /* bound-check the very register handed to the helper */
	if (take > MSG_BODY_CAP)
		take = MSG_BODY_CAP;
	if (cap && take < body_total)
		ev->h.flags |= EVF_TRUNCATED;
	if (take && bpf_probe_read_user(ev->data, take, c->p))
		return -1;
	ev->body_len = take;
	ev->h.size = sizeof(*ev) + take;
	emit(ev);
	return 0;
}

/* Header bytes: accumulate up to 5 across sends; returns 0 or a DESYNC_* reason */
static __always_inline int msg_read_header(struct msg_stream *st, struct msg_cursor *c)
{
	__u8 bytes[8] = {};
	__u32 want = MSG_HDR_LEN - st->hdr_have;
	__u64 k = c->left < want ? c->left : want;

	barrier_var(k);
	if (k > MSG_HDR_LEN || bpf_probe_read_user(bytes, k, c->p))
		return DESYNC_READ_FAILED;
	for (__u32 i = 0; i < MSG_HDR_LEN; i++) {
		if (i >= k)
			break;
		if (st->hdr_have < 4)
			st->len = (st->len << 8) | bytes[i];
		else
			st->msg_type = bytes[i];
		st->hdr_have++;
	}
	c->p += k;
	c->left -= k;
	if (st->hdr_have < MSG_HDR_LEN)
		return 0;
	if (st->len == 0 || st->len > MSG_LEN_MAX)
		return DESYNC_BAD_LENGTH;
	st->body_left = st->len - 1;
	st->announced = 0;
	return 0;
}

/* Body bytes: announce the message on its first chunk, then skip what was sent */
static __always_inline int msg_read_body(struct msg_stream *st, struct msg_cursor *c)
{
	__u32 k = c->left < st->body_left ? c->left : st->body_left;

	if (!st->announced && k) {
		if (emit_monitor_msg(st, c))
			return DESYNC_READ_FAILED;
		st->announced = 1;
	}
	c->p += k;
	c->left -= k;
	st->body_left -= k;
	return 0;
}

static __always_inline void msg_next(struct msg_stream *st)
{
	st->hdr_have = 0;
	st->len = 0;
	st->announced = 0;
}

/* One piece of a send (a header or a body chunk); bpf_loop's callback */
struct msg_loop {
	struct msg_stream *st;
	struct msg_cursor c;
	int err;
};

static long msg_step(__u32 index, void *data)
{
	struct msg_loop *x = data;
	struct msg_stream *st = x->st;

	if (!x->c.left || x->err)
		return 1; /* stop */
	if (st->hdr_have < MSG_HDR_LEN) {
		x->err = msg_read_header(st, &x->c);
		if (!x->err && st->hdr_have == MSG_HDR_LEN && st->body_left == 0) {
			x->err = emit_monitor_msg(st, &x->c) ? DESYNC_READ_FAILED : 0;
			msg_next(st);
		}
	} else {
		x->err = msg_read_body(st, &x->c);
		if (!x->err && st->body_left == 0)
			msg_next(st);
	}
	return 0;
}

/*
 * Runs the state machine over one send; any inconsistency desyncs the socket
 * for good. bpf_loop keeps the verifier's work to one pass over the step.
 */
static __always_inline void msg_stream_feed(struct msg_stream *st, struct msg_cursor *c)
{
	struct msg_loop x = {.st = st, .c = *c, .err = 0};

	bpf_loop(MSG_STEPS, msg_step, &x, 0);
	if (!x.err && x.c.left)
		x.err = DESYNC_TOO_MANY;
	if (x.err)
		emit_msg_desync(st, &x.c, x.err);
}

#endif /* SSHTRACE_MONITOR_MSG_BPF_H */
