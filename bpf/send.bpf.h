/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sock:sock_send_length fires once per socket send, after the data was queued,
 * in the sender's context: the user buffer is found again through the saved
 * syscall registers (write, sendto, sendmsg; other callers are kernel-internal).
 */
#ifndef SSHTRACE_SEND_BPF_H
#define SSHTRACE_SEND_BPF_H

#define NR_WRITE 1
#define NR_WRITEV 20
#define NR_SENDTO 44
#define NR_SENDMSG 46

/* x86_64 struct user_msghdr and struct iovec as user space lays them out */
struct user_msghdr64 {
	__u64 msg_name;
	__s32 msg_namelen;
	__u32 _pad;
	__u64 msg_iov;
	__u64 msg_iovlen;
	__u64 msg_control;
	__u64 msg_controllen;
	__u32 msg_flags;
};

struct iovec64 {
	__u64 base;
	__u64 len;
};

/* The data of one send: only the first chunk (sshd never sends more than one iovec) */
struct send_data {
	const __u8 *buf;
	__u64 buf_len;
	__u64 controllen;
};

static __always_inline bool read_send_data(struct send_data *d)
{
	struct syscall_args a;
	struct user_msghdr64 msg;
	struct iovec64 iov = {};

	read_syscall_args(&a);
	d->controllen = 0;
	if (a.nr == NR_WRITE || a.nr == NR_SENDTO) {
		d->buf = (const __u8 *)a.arg[1];
		d->buf_len = a.arg[2];
		return true;
	}
	if (a.nr != NR_SENDMSG)
		return false;
	if (bpf_probe_read_user(&msg, sizeof(msg), (void *)a.arg[1]) ||
	    (msg.msg_iovlen && bpf_probe_read_user(&iov, sizeof(iov), (void *)msg.msg_iov))) {
		count_read_failed();
		return false;
	}
	d->buf = (const __u8 *)iov.base;
	d->buf_len = iov.len;
	d->controllen = msg.msg_controllen;
	return true;
}

static __always_inline void emit_fdpass(__u64 ino, struct send_data *d, int sent, __u8 flags)
{
	struct fdpass_event *ev = scratch_buf();

	if (!ev)
		return;
	fill_header(&ev->h, EV_FDPASS, sizeof(*ev), flags);
	ev->sock_ino = ino;
	ev->controllen = d->controllen;
	ev->datalen = sent;
	emit(ev);
}

/*
 * A monitor socket's stream must be seen whole: a send the splitter cannot follow
 * (another syscall, more than one iovec, a sender that is not an sshd image)
 * desyncs the socket for good instead of risking a misparse of later bytes.
 */
static __always_inline void on_unix_stream_send(struct sock *sk, int sent, __u8 flags, bool by_ino)
{
	struct msg_cursor c = {.ino = sock_ino(sk), .sent = sent, .track_flags = flags};
	struct msg_stream *st = msg_stream_get(sk, &c, by_ino);
	struct send_data d;

	if (!st)
		return;
	if (!read_send_data(&d) || !(flags & TRACK_SSHD_IMAGE)) {
		if (!st->desynced)
			emit_msg_desync(st, &c, DESYNC_READ_FAILED);
		return;
	}
	if (d.controllen) {
		emit_fdpass(c.ino, &d, sent, flags); /* SCM_RIGHTS byte: not part of the message stream */
		return;
	}
	if (st->desynced)
		return;
	if ((__u64)sent > d.buf_len) {
		emit_msg_desync(st, &c, DESYNC_READ_FAILED); /* bytes beyond the first iovec */
		return;
	}
	c.p = d.buf;
	c.left = sent;
	msg_stream_feed(st, &c);
}

/* A syslog line (starts with '<') or an audit netlink message, raw */
static __always_inline void emit_dgram(struct sock *sk, struct send_data *d, int sent, __u32 kind, __u8 flags)
{
	struct dgram_event *ev = scratch_buf();
	__u64 n = sent;

	if (!ev)
		return;
	if (n > d->buf_len)
		n = d->buf_len;
	barrier_var(n);
	if (n > DGRAM_CAP)
		n = DGRAM_CAP;
	if (n == 0 || bpf_probe_read_user(ev->data, n, d->buf))
		return;
	if (kind == DGRAM_SYSLOG && ev->data[0] != '<')
		return;
	fill_header(&ev->h, EV_DGRAM, sizeof(*ev) + n, flags);
	if (n < (__u32)sent)
		ev->h.flags |= EVF_TRUNCATED;
	ev->sock_ino = sock_ino(sk);
	ev->kind = kind;
	ev->len = n;
	ev->_pad = 0;
	emit(ev);
}

/* The "SSH-2.0-..." identification line on a TCP socket; other TCP data is never read past 4 bytes */
static __always_inline void emit_banner(struct sock *sk, struct send_data *d, int sent, __u8 flags)
{
	struct banner_event *ev;
	char magic[4];
	__u64 n = sent;

	if (n > d->buf_len)
		n = d->buf_len;
	if (n < sizeof(magic) || bpf_probe_read_user(magic, sizeof(magic), d->buf))
		return;
	if (magic[0] != 'S' || magic[1] != 'S' || magic[2] != 'H' || magic[3] != '-')
		return;
	ev = scratch_buf();
	if (!ev)
		return;
	barrier_var(n);
	if (n > BANNER_CAP)
		n = BANNER_CAP;
	if (bpf_probe_read_user(ev->data, n, d->buf)) {
		count_read_failed();
		return;
	}
	fill_header(&ev->h, EV_BANNER, sizeof(*ev) + n, flags);
	if (n < (__u32)sent)
		ev->h.flags |= EVF_TRUNCATED;
	ev->sock_ino = sock_ino(sk);
	ev->len = n;
	__builtin_memset(ev->_pad, 0, sizeof(ev->_pad));
	emit(ev);
}

/* `by_ino`: the splitter's state store (see msg_stream_get), a constant at each call site */
static __always_inline void on_sock_send(struct sock *sk, int sent, bool by_ino)
{
	struct send_data d;
	__u16 family;
	short type;
	__u8 flags;

	if (sent <= 0)
		return;
	flags = caller_flags();
	if (!(flags & TRACK_FOLLOWED))
		return;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	type = BPF_CORE_READ(sk, sk_socket, type);
	if (family == AF_UNIX && type == SOCK_STREAM) {
		on_unix_stream_send(sk, sent, flags, by_ino); /* any tracked sender: the stream must stay whole */
		return;
	}
	if (!(flags & TRACK_SSHD_IMAGE) || !read_send_data(&d))
		return;
	if (family == AF_UNIX && type == SOCK_DGRAM)
		emit_dgram(sk, &d, sent, DGRAM_SYSLOG, flags);
	else if (family == AF_NETLINK && sock_protocol(sk) == NETLINK_AUDIT)
		emit_dgram(sk, &d, sent, DGRAM_AUDIT, flags);
	else if ((family == AF_INET || family == AF_INET6) && type == SOCK_STREAM)
		emit_banner(sk, &d, sent, flags);
}

/*
 * Kernels without sock:sock_send_length (Debian 12's 6.1): the same sends, seen at the exit of the syscalls
 * sshd sends with. Every write, writev, sendto and sendmsg on the machine then pays a tracked-caller lookup,
 * so this loads only where the tracepoint is missing (or when asked: --send-hook syscalls).
 */
static __always_inline void on_send_syscall_exit(long ret)
{
	struct syscall_args a;
	struct sock *sk;
	__u64 ino;

	if (ret <= 0 || !(caller_flags() & TRACK_FOLLOWED))
		return;
	read_syscall_args(&a);
	sk = fd_sock(a.arg[0], &ino);
	if (sk)
		on_sock_send(sk, ret, true);
}

#endif /* SSHTRACE_SEND_BPF_H */
