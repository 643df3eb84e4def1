/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The few kernel types sshtrace.bpf.c reads, declared with only the fields it
 * uses. preserve_access_index makes every access a CO-RE relocation, so libbpf
 * fixes offsets against the running kernel's BTF at load time: the build never
 * needs the build machine's /sys/kernel/btf (libbpf-tools style).
 */
#ifndef SSHTRACE_VMLINUX_MIN_H
#define SSHTRACE_VMLINUX_MIN_H

/* bpf_tracing.h picks kernel pt_regs field names (di, si) when this is set */
#define __VMLINUX_H__

typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef short __s16;
typedef unsigned int __u32;
typedef int __s32;
typedef unsigned long long __u64;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef _Bool bool;
#define true 1
#define false 0

/* UAPI constants from linux/bpf.h (stable ABI) */
enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_LRU_HASH = 9,
	BPF_MAP_TYPE_SK_STORAGE = 24,
	BPF_MAP_TYPE_RINGBUF = 27,
};
enum { BPF_ANY = 0, BPF_NOEXIST = 1 };
enum { BPF_F_NO_PREALLOC = 1 };
enum { BPF_SK_STORAGE_GET_F_CREATE = 1 };

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

struct pt_regs {
	unsigned long r10, r9, r8, ax, dx, si, di, orig_ax;
};

typedef struct {
	int counter;
} atomic_t;
typedef struct {
	__u32 val;
} kuid_t;
typedef struct {
	__u32 val;
} kgid_t;

struct cred {
	kuid_t uid, suid, euid, fsuid;
	kgid_t gid, sgid, egid, fsgid;
};

struct tty_struct {
	char name[64];
};

struct signal_struct {
	atomic_t live;		/* threads not yet in do_exit */
	struct tty_struct *tty; /* controlling tty, NULL if none */
};

struct mm_struct {
	unsigned long arg_start, arg_end;
};

struct qstr {
	const unsigned char *name;
};

struct inode {
	unsigned short i_mode;
	unsigned long i_ino;
};

struct dentry {
	struct qstr d_name;
};

struct path {
	struct dentry *dentry;
};

struct file {
	struct path f_path;
	struct inode *f_inode;
	void *private_data; /* struct socket * for socket files */
	long long f_pos;
};

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
};

struct files_struct {
	struct fdtable *fdt;
};

struct in6_addr {
	union {
		__u8 u6_addr8[16];
	} in6_u;
};

struct sock_common {
	__be32 skc_daddr;
	__be32 skc_rcv_saddr;
	__be16 skc_dport;
	__u16 skc_num; /* local port, host order */
	unsigned short skc_family;
	struct in6_addr skc_v6_daddr;
	struct in6_addr skc_v6_rcv_saddr;
};

struct socket;

struct sock {
	struct sock_common __sk_common;
	struct socket *sk_socket;
	__u16 sk_protocol;
};

struct socket {
	short type;
	struct file *file;
	struct sock *sk;
};

struct task_struct {
	int pid;
	int tgid;
	int exit_code;
	struct task_struct *real_parent;
	const struct cred *real_cred;
	char comm[16];
	struct signal_struct *signal;
	struct mm_struct *mm;
	struct files_struct *files;
	__u64 start_boottime;
	kuid_t loginuid;	/* CONFIG_AUDIT only: see core_fixes.bpf.h */
	unsigned int sessionid; /* CONFIG_AUDIT only */
};

struct linux_binprm {
	const char *filename;
	int argc;
};

#pragma clang attribute pop

/* Classic syscall tracepoint contexts (tracefs format files; stable layout) */
struct trace_entry {
	unsigned short type;
	unsigned char flags;
	unsigned char preempt_count;
	int pid;
};

struct trace_event_raw_sys_enter {
	struct trace_entry ent;
	long id;
	unsigned long args[6];
};

struct trace_event_raw_sys_exit {
	struct trace_entry ent;
	long id;
	long ret;
};

#endif /* SSHTRACE_VMLINUX_MIN_H */
