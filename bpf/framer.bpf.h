/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The monitor-protocol framer: [u32 BE len][u8 type][len-1 body bytes] on an
 * AF_UNIX stream socket, followed as a byte stream across writes.
 *
 * A socketpair created by an sshd-image process registers both ends in
 * framed_pending (LRU, keyed by inode; the entry stores the inode and the sock
 * address and both are checked). The first send on such an end moves it into
 * socket-local storage, which lives exactly as long as the socket, so the state
 * of an idle session can never be evicted by newer connections.
 */
#ifndef SSHTRACE_FRAMER_BPF_H
#define SSHTRACE_FRAMER_BPF_H

#define FRAME_HDR_LEN 5
#define FRAME_LEN_MAX (16u << 20) /* above any OpenSSH maximum (4 MiB in 10.1+) */
#define FRAMER_STEPS 10           /* pieces (a header or a body chunk) followed per send */

struct framed_pending_entry {
	__u64 ino;
	__u64 sk; /* address of the struct sock: a reused inode number cannot match */
};

struct frame_state {
	__u64 ino;
	__u32 len;       /* declared length of the current frame (type + body) */
	__u32 body_left; /* body bytes of the current frame not yet sent */
	__u8 hdr_have;   /* header bytes seen, 0..5 */
	__u8 msg_type;
	__u8 announced;  /* EV_FRAME of the current frame was emitted */
	__u8 desynced;   /* framing lost for good: nothing more from this socket */
	__u32 _pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64); /* socket inode */
	__type(value, struct framed_pending_entry);
} framed_pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct frame_state);
} frame_states SEC(".maps");

/* The same states keyed by socket inode, for the syscall-exit substitute (kalt_): there the struct sock is
 * read from the fd table, a pointer socket storage does not accept. Socket inodes are not reused soon. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64); /* socket inode */
	__type(value, struct frame_state);
} frame_states_by_ino SEC(".maps");

/* The write being framed: where its bytes are and how many were sent */
struct frame_cursor {
	const __u8 *p;
	__u32 left;
	__u32 sent;     /* for EV_FRAME_DESYNC.bytes */
	__u64 ino;
	__u8 track_flags;
};

/* Called from socketpair's exit: this end's frames will be followed */
static __always_inline void framer_register(__u64 ino, struct sock *sk)
{
	struct framed_pending_entry entry = { .ino = ino, .sk = (__u64)sk };

	if (ino && sk)
		bpf_map_update_elem(&framed_pending, &ino, &entry, BPF_ANY);
}

static __always_inline void emit_desync(struct frame_state *st, struct frame_cursor *c,
					__u32 reason)
{
	struct frame_desync_event *ev = scratch_buf();
	struct counters *cnt = counters_buf();

	st->desynced = 1;
	if (cnt)
		cnt->frame_desync++;
	if (!ev)
		return;
	fill_header(&ev->h, EV_FRAME_DESYNC, sizeof(*ev), c->track_flags);
	ev->sock_ino = c->ino;
	ev->reason = reason;
	ev->bytes = c->sent;
	emit(ev);
}

/* State of a framed socket, adopting a pending registration on its first send */
/* `by_ino` is a constant at every call site: each program keeps one of the two stores */
static __always_inline struct frame_state *framer_state(struct sock *sk, struct frame_cursor *c, bool by_ino)
{
	struct frame_state *st = by_ino ? bpf_map_lookup_elem(&frame_states_by_ino, &c->ino)
					: bpf_sk_storage_get(&frame_states, sk, 0, 0);
	struct framed_pending_entry *pending;
	struct frame_state fresh = {};

	if (st)
		return st->ino == c->ino ? st : NULL;
	pending = bpf_map_lookup_elem(&framed_pending, &c->ino);
	if (!pending || pending->ino != c->ino || pending->sk != (__u64)sk)
		return NULL;
	bpf_map_delete_elem(&framed_pending, &c->ino);
	fresh.ino = c->ino;
	if (by_ino) {
		bpf_map_update_elem(&frame_states_by_ino, &c->ino, &fresh, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&frame_states_by_ino, &c->ino);
	} else {
		st = bpf_sk_storage_get(&frame_states, sk, &fresh, BPF_SK_STORAGE_GET_F_CREATE);
	}
	if (!st)
		emit_desync(&fresh, c, DESYNC_NO_STATE);
	return st;
}

/* One EV_FRAME, body bytes only for allow-listed types and only from this chunk */
static __always_inline int emit_frame(struct frame_state *st, struct frame_cursor *c)
{
	struct frame_event *ev = scratch_buf();
	__u32 cap = frame_body_cap(st->msg_type);
	__u32 body_total = st->len - 1;
	__u64 take = c->left < body_total ? c->left : body_total;

	if (!ev)
		return 0;
	fill_header(&ev->h, EV_FRAME, sizeof(*ev), c->track_flags);
	ev->sock_ino = c->ino;
	ev->len = st->len;
	ev->msg_type = st->msg_type;
	ev->_pad = 0;
	if (cap == 0) {
		ev->h.flags |= EVF_FRAME_WITHHELD;
		take = 0;
	} else if (take > cap) {
		take = cap;
	}
	barrier_var(take); /* bound-check the very register handed to the helper */
	if (take > FRAME_BODY_CAP)
		take = FRAME_BODY_CAP;
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
static __always_inline int framer_header(struct frame_state *st, struct frame_cursor *c)
{
	__u8 bytes[8] = {};
	__u32 want = FRAME_HDR_LEN - st->hdr_have;
	__u64 k = c->left < want ? c->left : want;

	barrier_var(k);
	if (k > FRAME_HDR_LEN || bpf_probe_read_user(bytes, k, c->p))
		return DESYNC_READ_FAILED;
	for (__u32 i = 0; i < FRAME_HDR_LEN; i++) {
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
	if (st->hdr_have < FRAME_HDR_LEN)
		return 0;
	if (st->len == 0 || st->len > FRAME_LEN_MAX)
		return DESYNC_BAD_LENGTH;
	st->body_left = st->len - 1;
	st->announced = 0;
	return 0;
}

/* Body bytes: announce the frame on its first chunk, then skip what was sent */
static __always_inline int framer_body(struct frame_state *st, struct frame_cursor *c)
{
	__u32 k = c->left < st->body_left ? c->left : st->body_left;

	if (!st->announced && k) {
		if (emit_frame(st, c))
			return DESYNC_READ_FAILED;
		st->announced = 1;
	}
	c->p += k;
	c->left -= k;
	st->body_left -= k;
	return 0;
}

static __always_inline void framer_next_frame(struct frame_state *st)
{
	st->hdr_have = 0;
	st->len = 0;
	st->announced = 0;
}

/* One piece of a send (a header or a body chunk); bpf_loop's callback */
struct framer_loop {
	struct frame_state *st;
	struct frame_cursor c;
	int err;
};

static long framer_step(__u32 index, void *data)
{
	struct framer_loop *x = data;
	struct frame_state *st = x->st;

	if (!x->c.left || x->err)
		return 1; /* stop */
	if (st->hdr_have < FRAME_HDR_LEN) {
		x->err = framer_header(st, &x->c);
		if (!x->err && st->hdr_have == FRAME_HDR_LEN && st->body_left == 0) {
			x->err = emit_frame(st, &x->c) ? DESYNC_READ_FAILED : 0;
			framer_next_frame(st);
		}
	} else {
		x->err = framer_body(st, &x->c);
		if (!x->err && st->body_left == 0)
			framer_next_frame(st);
	}
	return 0;
}

/*
 * Runs the state machine over one send; any inconsistency desyncs the socket
 * for good. bpf_loop keeps the verifier's work to one pass over the step.
 */
static __always_inline void framer_feed(struct frame_state *st, struct frame_cursor *c)
{
	struct framer_loop x = { .st = st, .c = *c, .err = 0 };

	bpf_loop(FRAMER_STEPS, framer_step, &x, 0);
	if (!x.err && x.c.left)
		x.err = DESYNC_TOO_MANY;
	if (x.err)
		emit_desync(st, &x.c, x.err);
}

#endif /* SSHTRACE_FRAMER_BPF_H */
