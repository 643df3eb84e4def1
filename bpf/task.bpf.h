/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Reading the current task: credentials, syscall arguments, fds, sockets. */
#ifndef SSHTRACE_TASK_BPF_H
#define SSHTRACE_TASK_BPF_H

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define AF_NETLINK 16
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_TYPE_MASK 0xf
#define NETLINK_AUDIT 9
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define S_IFREG 0100000
#define S_IFIFO 0010000

static __always_inline struct task_struct *current_task(void)
{
	return (struct task_struct *)bpf_get_current_task();
}

static __always_inline void read_creds(struct task_struct *task, struct creds *c)
{
	const struct cred *cred = BPF_CORE_READ(task, real_cred);

	c->uid = BPF_CORE_READ(cred, uid.val);
	c->euid = BPF_CORE_READ(cred, euid.val);
	c->suid = BPF_CORE_READ(cred, suid.val);
	c->fsuid = BPF_CORE_READ(cred, fsuid.val);
	c->gid = BPF_CORE_READ(cred, gid.val);
	c->egid = BPF_CORE_READ(cred, egid.val);
	c->sgid = BPF_CORE_READ(cred, sgid.val);
	c->fsgid = BPF_CORE_READ(cred, fsgid.val);
	c->auid = task_loginuid(task);
	c->sessionid = task_sessionid(task);
}

static __always_inline __u32 task_ppid(struct task_struct *task)
{
	return BPF_CORE_READ(task, real_parent, tgid);
}

/* The saved user registers of the current syscall (x86_64 ABI: di si dx r10 r8 r9) */
struct syscall_args {
	long nr;
	unsigned long arg[4];
};

static __always_inline void read_syscall_args(struct syscall_args *a)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());

	a->nr = BPF_CORE_READ(regs, orig_ax);
	a->arg[0] = BPF_CORE_READ(regs, di);
	a->arg[1] = BPF_CORE_READ(regs, si);
	a->arg[2] = BPF_CORE_READ(regs, dx);
	a->arg[3] = BPF_CORE_READ(regs, r10);
}

/*
 * What every syscall-exit event starts with: a followed caller (else NULL: the early return untracked
 * processes pay), the per-CPU scratch buffer, the call's arguments and the common header.
 */
static __always_inline void *begin_syscall_event(__u16 type, __u16 size, struct syscall_args *a, __u8 *flags)
{
	struct event_header *h;

	*flags = caller_flags();
	if (!(*flags & TRACK_FOLLOWED))
		return NULL;
	h = scratch_buf();
	if (!h)
		return NULL;
	read_syscall_args(a);
	fill_header(h, type, size, *flags);
	return h;
}

/* fd -> struct file of the current process, NULL when out of range or closed */
static __always_inline struct file *fd_file(long fd)
{
	struct fdtable *fdt = BPF_CORE_READ(current_task(), files, fdt);
	unsigned int max_fds = BPF_CORE_READ(fdt, max_fds);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *file = NULL;

	if (fd < 0 || fd >= max_fds)
		return NULL;
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]))
		return NULL;
	return file;
}

static __always_inline __u16 file_mode_type(struct file *file)
{
	return BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT;
}

static __always_inline __u64 file_ino(struct file *file)
{
	return file ? BPF_CORE_READ(file, f_inode, i_ino) : 0;
}

/* The struct sock behind an fd, NULL unless the fd is a socket */
static __always_inline struct sock *fd_sock(long fd, __u64 *ino)
{
	struct file *file = fd_file(fd);
	struct socket *sock;

	*ino = 0;
	if (!file || file_mode_type(file) != S_IFSOCK)
		return NULL;
	*ino = file_ino(file);
	sock = BPF_CORE_READ(file, private_data);
	return BPF_CORE_READ(sock, sk);
}

static __always_inline __u64 sock_ino(struct sock *sk)
{
	return BPF_CORE_READ(sk, sk_socket, file, f_inode, i_ino);
}

/* One end of an inet socket, read from the kernel: local (peer=false) or peer */
static __always_inline void sock_endpoint(struct sock *sk, bool peer, struct inet_endpoint *ep)
{
	__u16 family = sk ? BPF_CORE_READ(sk, __sk_common.skc_family) : 0;

	__builtin_memset(ep, 0, sizeof(*ep));
	if (family == AF_INET) {
		__be32 addr =
		    peer ? BPF_CORE_READ(sk, __sk_common.skc_daddr) : BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__builtin_memcpy(ep->addr, &addr, sizeof(addr));
	} else if (family == AF_INET6) {
		if (peer)
			BPF_CORE_READ_INTO(ep->addr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
		else
			BPF_CORE_READ_INTO(ep->addr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
	} else {
		return;
	}
	ep->family = family;
	ep->port =
	    peer ? __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport)) : BPF_CORE_READ(sk, __sk_common.skc_num);
}

#endif /* SSHTRACE_TASK_BPF_H */
