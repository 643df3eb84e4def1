// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sshtrace: follows the sshd process family and emits the events of events.h.
 * Tracepoints only (trampolines and kprobes are unavailable: docs/architecture.md).
 * Program names follow their hook. The loader disables autoload of every
 * program whose name starts with optin_ unless --file-writes is given, and of
 * a kfix_ program when its hook is missing from the running kernel (see there).
 * docs/bpf.md describes hooks, flags, the message policy and measured costs.
 */
#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "core_fixes.bpf.h"
#include "maps.bpf.h"
#include "task.bpf.h"
#include "msg_policy.h"
#include "monitor_msg.bpf.h"
#include "proc.bpf.h"
#include "send.bpf.h"
#include "syscalls.bpf.h"
#include "net.bpf.h"
#include "file_write.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* ---- Process life ---- */

SEC("tp_btf/sched_process_fork")
int BPF_PROG(tp_btf__sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	on_fork(child);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(tp_btf__sched_process_exec, struct task_struct *task, int old_pid, struct linux_binprm *bprm)
{
	on_exec(task, old_pid, bprm);
	return 0;
}

/* Older kernels pass only the task: reading one argument works on both */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(tp_btf__sched_process_exit, struct task_struct *task)
{
	on_process_exit(task);
	return 0;
}

/* ---- Socket data ---- */

/*
 * kfix_: sock:sock_send_length is missing on older kernels (Debian 12's 6.1 has
 * none). The loader disables autoload of this program when vmlinux BTF has no
 * typedef btf_trace_sock_send_length (tracefs: events/sock/sock_send_length) and
 * reports that monitor messages, fd passing, syslog, audit and banners are unavailable.
 */
SEC("tp_btf/sock_send_length")
int BPF_PROG(kfix_tp_btf__sock_send_length, struct sock *sk, int ret, int flags)
{
	on_sock_send(sk, ret, false);
	return 0;
}

/*
 * kalt_: what replaces the kfix_ program above where it cannot load. The struct sock comes from the fd table,
 * which socket storage does not accept, so the message splitter keeps its state by socket inode here. writev is taken
 * so that a monitor socket written with it desyncs (read_send_data knows only write, sendto and sendmsg), as
 * it does above.
 */
#define SEND_EXIT(name)                                                                      \
	SEC("tracepoint/syscalls/sys_exit_" #name)                                           \
	int kalt_tracepoint__syscalls__sys_exit_##name(struct trace_event_raw_sys_exit *ctx) \
	{                                                                                    \
		on_send_syscall_exit(ctx->ret);                                              \
		return 0;                                                                    \
	}

SEND_EXIT(write)
SEND_EXIT(writev)
SEND_EXIT(sendto)
SEND_EXIT(sendmsg)

/* ---- Rare syscalls, on exit ---- */

/* clang-format off: one line per hook reads as the table it is */
#define SYS_EXIT(name)                             \
	SEC("tracepoint/syscalls/sys_exit_" #name) \
	int tracepoint__syscalls__sys_exit_##name(struct trace_event_raw_sys_exit *ctx)

SYS_EXIT(setuid)
{
	on_cred_exit(ctx->ret, CRED_SETUID, 1);
	return 0;
}
SYS_EXIT(setgid)
{
	on_cred_exit(ctx->ret, CRED_SETGID, 1);
	return 0;
}
SYS_EXIT(setreuid)
{
	on_cred_exit(ctx->ret, CRED_SETREUID, 2);
	return 0;
}
SYS_EXIT(setregid)
{
	on_cred_exit(ctx->ret, CRED_SETREGID, 2);
	return 0;
}
SYS_EXIT(setresuid)
{
	on_cred_exit(ctx->ret, CRED_SETRESUID, 3);
	return 0;
}
SYS_EXIT(setresgid)
{
	on_cred_exit(ctx->ret, CRED_SETRESGID, 3);
	return 0;
}
SYS_EXIT(setgroups)
{
	on_setgroups_exit(ctx->ret);
	return 0;
}
SYS_EXIT(chroot)
{
	on_chroot_exit(ctx->ret);
	return 0;
}
SYS_EXIT(setsid)
{
	on_setsid_exit(ctx->ret);
	return 0;
}
SYS_EXIT(prctl)
{
	on_prctl_exit(ctx->ret, false);
	return 0;
}
SYS_EXIT(seccomp)
{
	on_prctl_exit(ctx->ret, true);
	return 0;
}
SYS_EXIT(accept)
{
	on_accept_exit(ctx->ret);
	return 0;
}
SYS_EXIT(accept4)
{
	on_accept_exit(ctx->ret);
	return 0;
}
SYS_EXIT(getpeername)
{
	on_sockname_exit(ctx->ret, SOCKNAME_PEER);
	return 0;
}
SYS_EXIT(getsockname)
{
	on_sockname_exit(ctx->ret, SOCKNAME_SOCK);
	return 0;
}
SYS_EXIT(connect)
{
	on_connect_exit(ctx->ret);
	return 0;
}
SYS_EXIT(socketpair)
{
	on_socketpair_exit(ctx->ret);
	return 0;
}
SYS_EXIT(wait4)
{
	on_wait_exit(ctx->ret, WAIT_WAIT4);
	return 0;
}
SYS_EXIT(waitid)
{
	on_wait_exit(ctx->ret, WAIT_WAITID);
	return 0;
}
/* clang-format on */

/* ---- Opt-in: taxes every write() on the machine, so off unless --file-writes ---- */

SEC("tracepoint/syscalls/sys_enter_write")
int optin_tracepoint__syscalls__sys_enter_write(struct trace_event_raw_sys_enter *ctx)
{
	on_write_enter(ctx->args[0], (const void *)ctx->args[1], ctx->args[2]);
	return 0;
}
