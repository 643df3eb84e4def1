/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Socket syscalls (exit hooks): addresses come from the kernel socket, not user memory. */
#ifndef SSHTRACE_NET_BPF_H
#define SSHTRACE_NET_BPF_H

#define SUN_PATH_OFFSET 2 /* offsetof(struct sockaddr_un, sun_path) */

/* accept/accept4(listen_fd, ...): the new connection's two ends */
static __always_inline void on_accept_exit(long ret)
{
	__u8 flags;
	struct accept_event *ev;
	struct syscall_args a;
	struct sock *sk = NULL;
	__u64 ino = 0;

	ev = begin_syscall_event(EV_ACCEPT, sizeof(*ev), &a, &flags);
	if (!ev)
		return;
	if (ret >= 0)
		sk = fd_sock(ret, &ino);
	ev->fd = ret;
	ev->listen_fd = a.arg[0];
	sock_endpoint(sk, false, &ev->local);
	sock_endpoint(sk, true, &ev->peer);
	ev->sock_ino = ino;
	emit(ev);
}

static __always_inline void on_sockname_exit(long ret, __u32 call)
{
	__u8 flags;
	struct sockname_event *ev;
	struct syscall_args a;
	struct sock *sk;
	__u64 ino = 0;

	ev = begin_syscall_event(EV_SOCKNAME, sizeof(*ev), &a, &flags);
	if (!ev)
		return;
	sk = fd_sock(a.arg[0], &ino);
	ev->call = call;
	ev->ret = ret;
	ev->fd = a.arg[0];
	sock_endpoint(ret == 0 ? sk : NULL, call == SOCKNAME_PEER, &ev->addr);
	ev->sock_ino = ino;
	emit(ev);
}

/*
 * AF_UNIX path: an abstract name (leading NUL) is exactly addrlen - 2 bytes; a
 * file path ends at its NUL, and whatever follows it is zeroed: callers often
 * pass sizeof(sockaddr_un), so those bytes are stale stack memory of the caller.
 */
static __always_inline void read_unix_path(struct connect_event *ev, const __u8 *upath, __u64 len)
{
	__u8 last = 0;
	long n;

	barrier_var(len);
	if (len > UNIX_PATH_CAP)
		len = UNIX_PATH_CAP;
	if (len == 0 || bpf_probe_read_user(&last, 1, upath + len - 1)) {
		count_read_failed();
		return;
	}
	if (bpf_probe_read_user(ev->path, 1, upath) == 0 && ev->path[0] == 0) {
		if (bpf_probe_read_user(ev->path, len, upath))
			count_read_failed();
		else
			ev->path_len = len;
		return;
	}
	/* path was zeroed: a str read stops at the NUL and leaves the stale tail zero */
	n = bpf_probe_read_user_str(ev->path, len, upath);
	if (n <= 0) {
		count_read_failed();
		return;
	}
	ev->path_len = n - 1;
	if ((__u64)n == len && last) { /* no NUL within len: the str read replaced the last byte */
		ev->path[len - 1] = last;
		ev->path_len = len;
	}
}

/* The destination as passed (user memory): inet address or AF_UNIX path */
static __always_inline void read_connect_addr(struct connect_event *ev, const __u8 *uaddr, __u32 addrlen)
{
	__u8 sa[28] = {}; /* sockaddr_in6 is the largest inet form */
	__u64 n = addrlen;

	barrier_var(n);
	if (n > sizeof(sa))
		n = sizeof(sa);

	__builtin_memset(&ev->inet, 0, sizeof(ev->inet));
	__builtin_memset(ev->path, 0, sizeof(ev->path));
	ev->family = 0;
	ev->path_len = 0;
	if (n < 2 || bpf_probe_read_user(sa, n, uaddr)) {
		count_read_failed();
		return;
	}
	ev->family = sa[0] | (sa[1] << 8);
	if (ev->family == AF_INET && n >= 8) {
		ev->inet.family = AF_INET;
		ev->inet.port = (sa[2] << 8) | sa[3];
		__builtin_memcpy(ev->inet.addr, &sa[4], 4);
	} else if (ev->family == AF_INET6 && n >= 24) {
		ev->inet.family = AF_INET6;
		ev->inet.port = (sa[2] << 8) | sa[3];
		__builtin_memcpy(ev->inet.addr, &sa[8], 16);
	} else if (ev->family == AF_UNIX && addrlen > SUN_PATH_OFFSET) {
		read_unix_path(ev, uaddr + SUN_PATH_OFFSET, addrlen - SUN_PATH_OFFSET);
	}
}

/* connect(fd, addr, addrlen) */
static __always_inline void on_connect_exit(long ret)
{
	__u8 flags;
	struct connect_event *ev;
	struct syscall_args a;
	__u64 ino = 0;

	ev = begin_syscall_event(EV_CONNECT, sizeof(*ev), &a, &flags);
	if (!ev)
		return;
	fd_sock(a.arg[0], &ino);
	ev->ret = ret;
	ev->fd = a.arg[0];
	ev->sock_ino = ino;
	read_connect_addr(ev, (const __u8 *)a.arg[1], a.arg[2]);
	/* Nothing listening (nscd, /dev/log, userdb, dbus absent): 18 of a login's 137 events, no evidence */
	if (ret < 0 && ev->family == AF_UNIX)
		return;
	__builtin_memset(ev->_pad, 0, sizeof(ev->_pad));
	emit(ev);
}

/* socketpair(family, type, protocol, sv[2]): AF_UNIX stream pairs of sshd carry monitor messages */
static __always_inline void on_socketpair_exit(long ret)
{
	__u8 flags;
	struct socketpair_event *ev;
	struct syscall_args a;
	struct sock *sk[2] = {};
	__s32 fds[2] = {-1, -1};

	ev = begin_syscall_event(EV_SOCKETPAIR, sizeof(*ev), &a, &flags);
	if (!ev)
		return;
	ev->ret = ret;
	ev->family = a.arg[0];
	ev->sock_type = a.arg[1] & SOCK_TYPE_MASK;
	ev->_pad = 0;
	ev->ino[0] = ev->ino[1] = 0;
	if (ret == 0 && bpf_probe_read_user(fds, sizeof(fds), (void *)a.arg[3]))
		count_read_failed();
	ev->fds[0] = fds[0];
	ev->fds[1] = fds[1];
	if (ret == 0) {
		sk[0] = fd_sock(fds[0], &ev->ino[0]);
		sk[1] = fd_sock(fds[1], &ev->ino[1]);
	}
	if (ev->family == AF_UNIX && ev->sock_type == SOCK_STREAM && (flags & TRACK_SSHD_IMAGE) && sk[0] && sk[1]) {
		msg_stream_register(ev->ino[0], sk[0]);
		msg_stream_register(ev->ino[1], sk[1]);
		ev->h.flags |= EVF_SOCK_MONITOR;
	}
	emit(ev);
}

#endif /* SSHTRACE_NET_BPF_H */
