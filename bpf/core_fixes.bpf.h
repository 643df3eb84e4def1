/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kernel-version differences, one helper each, resolved at load time by CO-RE
 * (bpf_core_field_exists is a relocation: the dead branch is removed by libbpf).
 */
#ifndef SSHTRACE_CORE_FIXES_BPF_H
#define SSHTRACE_CORE_FIXES_BPF_H

/* Before 5.5 start_boottime was called real_start_time */
struct task_struct___pre_5_5 {
	__u64 real_start_time;
} __attribute__((preserve_access_index));

static __always_inline __u64 task_start_boottime(struct task_struct *task)
{
	struct task_struct___pre_5_5 *old = (void *)task;

	if (bpf_core_field_exists(task->start_boottime))
		return BPF_CORE_READ(task, start_boottime);
	return BPF_CORE_READ(old, real_start_time);
}

/* loginuid and sessionid exist only with CONFIG_AUDIT; (u32)-1 means unset */
static __always_inline __u32 task_loginuid(struct task_struct *task)
{
	if (bpf_core_field_exists(task->loginuid))
		return BPF_CORE_READ(task, loginuid.val);
	return (__u32)-1;
}

static __always_inline __u32 task_sessionid(struct task_struct *task)
{
	if (bpf_core_field_exists(task->sessionid))
		return BPF_CORE_READ(task, sessionid);
	return (__u32)-1;
}

/*
 * The last thread of a group: sched_process_exit's group_dead argument only
 * exists on recent kernels, but do_exit has decremented signal->live before the
 * tracepoint on every kernel, so live == 0 means the whole group is dead.
 */
static __always_inline bool task_group_dead(struct task_struct *task)
{
	return BPF_CORE_READ(task, signal, live.counter) == 0;
}

/*
 * sk_protocol was a bitfield before 5.6; the probed bitfield read works for both
 * layouts. (sock:sock_send_length itself needs a much newer kernel; see docs/bpf.md.)
 */
static __always_inline __u16 sock_protocol(struct sock *sk)
{
	return BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
}

#endif /* SSHTRACE_CORE_FIXES_BPF_H */
