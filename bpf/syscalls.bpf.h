/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Rare syscalls, hooked on their exit only: the arguments come from the saved
 * user registers (bpf_task_pt_regs), so no enter/exit join map is needed.
 * Every handler starts with the tracked lookup and returns for untracked callers.
 */
#ifndef SSHTRACE_SYSCALLS_BPF_H
#define SSHTRACE_SYSCALLS_BPF_H

#define PR_SET_SECCOMP 22
#define PR_SET_NO_NEW_PRIVS 38
#define SECCOMP_MODE_FILTER 2	  /* prctl(PR_SET_SECCOMP, mode) */
#define SECCOMP_SET_MODE_FILTER 1 /* seccomp(op) */

/* nargs of the call's arguments are kept; the rest read (u32)-1, "unchanged" */
static __always_inline void on_cred_exit(long ret, __u32 call, int nargs)
{
	__u8 flags;
	struct syscall_args a;
	struct cred_event *ev;

	ev = begin_syscall_event(EV_CRED, sizeof(*ev), &a, &flags);
	if (!ev)
		return;
	ev->call = call;
	ev->ret = ret;
	for (int i = 0; i < 3; i++)
		ev->args[i] = i < nargs ? (__u32)a.arg[i] : (__u32)-1;
	ev->_pad = 0;
	read_creds(current_task(), &ev->creds);
	emit(ev);
}

static __always_inline void on_setgroups_exit(long ret)
{
	__u8 flags;
	struct setgroups_event *ev;
	struct syscall_args a;
	__u64 n;

	ev = begin_syscall_event(EV_SETGROUPS, sizeof(*ev), &a, &flags);
	if (!ev)
		return;
	ev->ret = ret;
	ev->count = a.arg[0];
	__builtin_memset(ev->groups, 0, sizeof(ev->groups));
	n = ev->count;
	barrier_var(n);
	if (n > SETGROUPS_CAP)
		n = SETGROUPS_CAP;
	if (ev->count > SETGROUPS_CAP)
		ev->h.flags |= EVF_TRUNCATED;
	if (n && bpf_probe_read_user(ev->groups, n * sizeof(__u32), (void *)a.arg[1]))
		count_read_failed();
	emit(ev);
}

static __always_inline void on_chroot_exit(long ret)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u8 *slot = tracked_slot(tgid);
	struct chroot_event *ev;
	struct syscall_args a;
	long len;

	if (!slot || !(*slot & TRACK_FOLLOWED))
		return;
	ev = scratch_buf();
	if (!ev)
		return;
	read_syscall_args(&a);
	fill_header(&ev->h, EV_CHROOT, 0, *slot);
	if (ret == 0)
		*slot |= TRACK_CHROOTED;
	len = bpf_probe_read_user_str(ev->path, PATH_CAP, (void *)a.arg[0]);
	if (len <= 0) {
		count_read_failed();
		len = 0;
	} else if (len >= PATH_CAP) {
		ev->h.flags |= EVF_TRUNCATED;
	}
	ev->ret = ret;
	ev->path_len = len;
	ev->_pad = 0;
	ev->h.size = sizeof(*ev) + (len & (PATH_CAP * 2 - 1));
	emit(ev);
}

static __always_inline void on_setsid_exit(long ret)
{
	__u8 flags = caller_flags();
	struct setsid_event *ev;

	if (!(flags & TRACK_FOLLOWED))
		return;
	ev = scratch_buf();
	if (!ev)
		return;
	fill_header(&ev->h, EV_SETSID, sizeof(*ev), flags);
	ev->ret = ret;
	ev->_pad = 0;
	emit(ev);
}

/* The --file-writes pipe hook reads only sandboxed writers: a ChrootDirectory post-auth child chroots too,
 * and its pipes carry the user's session data. */
static __always_inline void mark_sandboxed(void)
{
	__u8 *slot = tracked_slot(bpf_get_current_pid_tgid() >> 32);

	if (slot)
		*slot |= TRACK_SANDBOXED;
}

/* prctl (only NO_NEW_PRIVS and SECCOMP) and seccomp(2): the sandbox being raised */
static __always_inline void on_prctl_exit(long ret, bool is_seccomp_syscall)
{
	__u8 flags = caller_flags();
	struct prctl_event *ev;
	struct syscall_args a;
	__u32 op;

	if (!(flags & TRACK_FOLLOWED))
		return;
	read_syscall_args(&a);
	if (is_seccomp_syscall)
		op = SECCOMP_SYSCALL;
	else if (a.arg[0] == PR_SET_NO_NEW_PRIVS)
		op = PRCTL_NO_NEW_PRIVS;
	else if (a.arg[0] == PR_SET_SECCOMP)
		op = PRCTL_SECCOMP;
	else
		return;
	ev = scratch_buf();
	if (!ev)
		return;
	fill_header(&ev->h, EV_PRCTL, sizeof(*ev), flags);
	ev->op = op;
	ev->ret = ret;
	ev->arg2 = is_seccomp_syscall ? a.arg[0] : a.arg[1];
	ev->arg3 = is_seccomp_syscall ? a.arg[1] : a.arg[2];
	if (ret == 0 && ev->arg2 == (is_seccomp_syscall ? SECCOMP_SET_MODE_FILTER : SECCOMP_MODE_FILTER))
		mark_sandboxed();
	emit(ev);
}

/* wait4(pid, *status, options, rusage) and waitid(which, id, *infop, options) */
static __always_inline void on_wait_exit(long ret, __u32 call)
{
	__u8 flags;
	struct wait_event *ev;
	struct syscall_args a;

	ev = begin_syscall_event(EV_WAIT, sizeof(*ev), &a, &flags);
	if (!ev)
		return;
	ev->call = call;
	ev->ret = ret;
	ev->pid_arg = a.arg[call == WAIT_WAIT4 ? 0 : 1];
	ev->options = a.arg[call == WAIT_WAIT4 ? 2 : 3];
	ev->status = ev->si_pid = ev->si_code = 0;
	ev->has_status = 0;
	if (call == WAIT_WAIT4 && ret > 0 && a.arg[1]) {
		if (bpf_probe_read_user(&ev->status, sizeof(ev->status), (void *)a.arg[1]))
			count_read_failed();
		else
			ev->has_status = 1;
	} else if (call == WAIT_WAITID && ret == 0 && a.arg[2]) {
		__s32 si[7]; /* x86_64 siginfo: signo, errno, code, pad, pid, uid, status */

		if (bpf_probe_read_user(si, sizeof(si), (void *)a.arg[2])) {
			count_read_failed();
		} else {
			ev->has_status = 1;
			ev->si_code = si[2];
			ev->si_pid = si[4];
			ev->status = si[6];
		}
	}
	emit(ev);
}

#endif /* SSHTRACE_SYSCALLS_BPF_H */
