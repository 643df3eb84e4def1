/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Process life: fork, exec, exit (sched tracepoints; no syscall hooks). */
#ifndef SSHTRACE_PROC_BPF_H
#define SSHTRACE_PROC_BPF_H

#define ARGV_MASK (ARGV_CAP_MAX - 1)

static __always_inline void on_fork(struct task_struct *child)
{
	__u32 parent_tgid = bpf_get_current_pid_tgid() >> 32;
	__u8 *parent_slot = tracked_slot(parent_tgid);
	struct fork_event *ev;
	__u32 child_tgid;
	__u8 flags;

	if (!parent_slot || !(*parent_slot & TRACK_FOLLOWED) || parent_tgid == self_tgid)
		return;
	flags = *parent_slot;
	child_tgid = BPF_CORE_READ(child, tgid);
	if (child_tgid != parent_tgid) {
		__u8 *child_slot = tracked_slot(child_tgid);

		if (child_slot)
			*child_slot = flags;
		else
			count_track_failed();
	}
	ev = scratch_buf();
	if (!ev)
		return;
	fill_header(&ev->h, EV_FORK, sizeof(*ev), flags);
	if (child_tgid == parent_tgid)
		ev->h.flags |= EVF_FORK_THREAD;
	ev->child_tgid = child_tgid;
	ev->child_tid = BPF_CORE_READ(child, pid);
	read_creds(child, &ev->creds);
	BPF_CORE_READ_INTO(&ev->comm, child, comm); /* comm is NUL-padded in the kernel */
	emit(ev);
}

/* comm is the new image's basename cut to 15 bytes: a cheap first filter for execs */
static __always_inline bool comm_is_family_name(const char *comm)
{
	for (int n = 0; n < FAMILY_NAMES; n++) {
		int i;

		for (i = 0; i < FAMILY_NAME_LEN; i++) {
			if (comm[i] != family_names[n][i])
				break;
			if (comm[i] == 0)
				return true;
		}
		if (i == FAMILY_NAME_LEN)
			return true;
	}
	return false;
}

/* True when filename (len bytes, NUL included) ends in "/<name>" or is "<name>" */
static __always_inline bool basename_is(const __u8 *filename, __u32 len, int n)
{
	__u32 name_len = 0;

	while (name_len < FAMILY_NAME_LEN - 1 && family_names[n][name_len])
		name_len++;
	if (name_len == 0 || len < name_len + 1)
		return false;
	__u32 start = len - 1 - name_len;

	for (__u32 i = 0; i < FAMILY_NAME_LEN - 1 && i < name_len; i++)
		if (filename[(start + i) & ARGV_MASK] != (__u8)family_names[n][i])
			return false;
	return start == 0 || filename[(start - 1) & ARGV_MASK] == '/';
}

static __always_inline bool filename_is_family(const __u8 *filename, __u32 len)
{
	for (int n = 0; n < FAMILY_NAMES; n++)
		if (basename_is(filename, len, n))
			return true;
	return false;
}

/* Reads filename then argv (from the new mm) into ev->data; returns false if the filename is unreadable */
static __always_inline bool read_exec_strings(struct exec_event *ev, struct task_struct *task,
					      struct linux_binprm *bprm)
{
	__u32 cap = argv_cap > ARGV_CAP_MAX ? ARGV_CAP_MAX : argv_cap;
	long fn_len = bpf_probe_read_kernel_str(ev->data, cap, BPF_CORE_READ(bprm, filename));
	unsigned long arg_start = BPF_CORE_READ(task, mm, arg_start);
	unsigned long arg_end = BPF_CORE_READ(task, mm, arg_end);
	__u64 room, args_len;

	if (fn_len <= 0)
		return false;
	if (fn_len >= cap)
		ev->h.flags |= EVF_TRUNCATED; /* also flags a filename that fills cap exactly */
	ev->filename_len = fn_len;
	room = cap - fn_len;
	args_len = arg_end > arg_start ? arg_end - arg_start : 0;
	if (args_len > room) {
		args_len = room;
		ev->h.flags |= EVF_TRUNCATED;
	}
	barrier_var(args_len); /* keep the 64-bit bound check on the register passed below */
	if (args_len > ARGV_CAP_MAX)
		args_len = ARGV_CAP_MAX;
	if (args_len && bpf_probe_read_user(ev->data + (fn_len & ARGV_MASK), args_len, (void *)arg_start)) {
		count_read_failed();
		args_len = 0;
	}
	ev->args_len = args_len;
	return true;
}

/* The kernel names pty slaves "pts3"; events use the /dev path form "pts/3" */
static __always_inline void read_tty_name(struct task_struct *task, char *name)
{
	struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
	char raw[TTY_LEN] = {};

	__builtin_memset(name, 0, TTY_LEN);
	if (!tty || bpf_core_read_str(raw, sizeof(raw), &tty->name) <= 0)
		return;
	if (raw[0] != 'p' || raw[1] != 't' || raw[2] != 's' || raw[3] < '0' || raw[3] > '9') {
		__builtin_memcpy(name, raw, TTY_LEN);
		return;
	}
	__builtin_memcpy(name, "pts/", 4);
	for (int i = 3; i < TTY_LEN - 2; i++)
		name[i + 1] = raw[i];
}

static __always_inline void on_exec(struct task_struct *task, __u32 old_tid, struct linux_binprm *bprm)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u8 *slot = tracked_slot(tgid);
	__u8 old = slot ? *slot : 0;
	struct exec_event *ev;
	bool family;

	if (!(old & TRACK_FOLLOWED)) {
		char comm[COMM_LEN];

		bpf_get_current_comm(comm, sizeof(comm));
		if (!comm_is_family_name(comm))
			return;
	}
	if (tgid == self_tgid)
		return;
	ev = scratch_buf();
	if (!ev)
		return;
	fill_header(&ev->h, EV_EXEC, 0, old);
	if (!read_exec_strings(ev, task, bprm)) {
		count_read_failed();
		/* An image we cannot name is still followed, but never trusted as sshd (its socket bytes stay unread)
		 */
		if (slot && (old & TRACK_FOLLOWED))
			*slot = TRACK_FOLLOWED | (old & (TRACK_CHROOTED | TRACK_SANDBOXED));
		return;
	}
	family = filename_is_family(ev->data, ev->filename_len);
	if (!family && !(old & TRACK_FOLLOWED))
		return;
	if (slot)
		*slot = TRACK_FOLLOWED | (family ? TRACK_SSHD_IMAGE : 0) | (old & (TRACK_CHROOTED | TRACK_SANDBOXED));
	else
		count_track_failed();
	ev->h.flags |= (family ? EVF_EXEC_FAMILY_ROOT : 0) | ((old & TRACK_FOLLOWED) ? EVF_EXEC_WAS_TRACKED : 0);
	ev->h.size = sizeof(*ev) + ev->filename_len + ev->args_len;
	ev->old_tid = old_tid;
	ev->ppid = task_ppid(task);
	read_creds(task, &ev->creds);
	ev->start_boottime = task_start_boottime(task);
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
	read_tty_name(task, ev->tty);
	ev->argc = BPF_CORE_READ(bprm, argc);
	emit(ev);
}

static __always_inline void on_process_exit(struct task_struct *task)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u8 *slot = tracked_slot(tgid);
	struct exit_event *ev;
	__u8 flags;

	if (!slot || !(*slot & TRACK_FOLLOWED) || !task_group_dead(task))
		return;
	flags = *slot;
	*slot = 0; /* cleared even if the event is dropped: the tgid may be reused */
	ev = scratch_buf();
	if (!ev)
		return;
	fill_header(&ev->h, EV_EXIT, sizeof(*ev), flags);
	ev->exit_code = BPF_CORE_READ(task, exit_code);
	ev->ppid = task_ppid(task);
	ev->start_boottime = task_start_boottime(task);
	read_creds(task, &ev->creds);
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
	emit(ev);
}

#endif /* SSHTRACE_PROC_BPF_H */
