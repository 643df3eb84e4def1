/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Opt-in (record --file-writes): sys_enter_write for the login-record files,
 * by name, and for the pre-auth child's log pipe (a pipe written by a chrooted
 * and seccomp-sandboxed sshd). Nothing else is ever read.
 */
#ifndef SSHTRACE_FILE_WRITE_BPF_H
#define SSHTRACE_FILE_WRITE_BPF_H

#define FILE_NAME_LEN 32

static __always_inline bool name_is(const char *name, const char *want, int want_len)
{
	for (int i = 0; i <= want_len && i < FILE_NAME_LEN; i++)
		if (name[i] != want[i])
			return false;
	return true;
}

/* utmp, wtmp, btmp, lastlog, utmpx, wtmpx, loginuid */
static __always_inline bool is_login_record_name(const char *name)
{
	return name_is(name, "utmp", 4) || name_is(name, "wtmp", 4) || name_is(name, "btmp", 4) ||
	       name_is(name, "lastlog", 7) || name_is(name, "utmpx", 5) || name_is(name, "wtmpx", 5) ||
	       name_is(name, "loginuid", 8);
}

static __always_inline void emit_file_write(struct file *file, const char *name, long fd, const void *buf, __u64 count,
					    __u8 flags)
{
	struct file_write_event *ev = scratch_buf();
	__u64 n = count;

	if (!ev)
		return;
	barrier_var(n);
	if (n > FILE_WRITE_CAP)
		n = FILE_WRITE_CAP;
	if (n && bpf_probe_read_user(ev->data, n, buf)) {
		count_read_failed();
		n = 0;
	}
	fill_header(&ev->h, EV_FILE_WRITE, sizeof(*ev) + n, flags);
	if (n < count)
		ev->h.flags |= EVF_TRUNCATED;
	ev->fd = fd;
	ev->count = count;
	ev->ino = file_ino(file);
	ev->pos = BPF_CORE_READ(file, f_pos);
	__builtin_memcpy(ev->name, name, FILE_NAME_LEN);
	ev->len = n;
	__builtin_memset(ev->_pad, 0, sizeof(ev->_pad));
	emit(ev);
}

static __always_inline void emit_pipe_write(struct file *file, long fd, const void *buf, __u64 count, __u8 flags)
{
	struct pipe_write_event *ev = scratch_buf();
	__u64 n = count;

	if (!ev)
		return;
	barrier_var(n);
	if (n > PIPE_WRITE_CAP)
		n = PIPE_WRITE_CAP;
	if (n && bpf_probe_read_user(ev->data, n, buf)) {
		count_read_failed();
		n = 0;
	}
	fill_header(&ev->h, EV_PIPE_WRITE, sizeof(*ev) + n, flags);
	if (n < count)
		ev->h.flags |= EVF_TRUNCATED;
	ev->fd = fd;
	ev->count = count;
	ev->ino = file_ino(file);
	ev->len = n;
	__builtin_memset(ev->_pad, 0, sizeof(ev->_pad));
	emit(ev);
}

static __always_inline void on_write_enter(long fd, const void *buf, __u64 count)
{
	__u8 flags = caller_flags();
	char name[FILE_NAME_LEN] = {};
	struct file *file;
	__u16 mode;

	if (!(flags & TRACK_SSHD_IMAGE))
		return;
	file = fd_file(fd);
	if (!file)
		return;
	mode = file_mode_type(file);
	/* The pre-auth child is both chrooted and sandboxed; the monitor (pipe to unix_chkpwd: the password)
	 * and a ChrootDirectory post-auth child (pipes to the session: the user's data) are not. */
	if (mode == S_IFIFO && (flags & TRACK_CHROOTED) && (flags & TRACK_SANDBOXED)) {
		emit_pipe_write(file, fd, buf, count, flags);
		return;
	}
	if (mode != S_IFREG)
		return;
	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(file, f_path.dentry, d_name.name));
	if (is_login_record_name(name))
		emit_file_write(file, name, fd, buf, count, flags);
}

#endif /* SSHTRACE_FILE_WRITE_BPF_H */
