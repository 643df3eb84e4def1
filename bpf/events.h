/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The one layout shared by the BPF program (sshtrace.bpf.c), the native addon
 * (native/) and the TypeScript decoder (capture/layout.generated.ts, written
 * from this file by `npm run gen:layout`; a unit test fails while it is stale).
 *
 * Rules: event type numbers are never reused; only fixed-width fields with
 * explicit padding; every event starts with struct event_header whose `size`
 * says how many bytes the event really uses (variable events end in data[]).
 * Changing a layout means bumping EVENTS_LAYOUT_VERSION, running
 * npm run gen:layout and adding an upcaster on the TypeScript side.
 */
#ifndef SSHTRACE_EVENTS_H
#define SSHTRACE_EVENTS_H

#define EVENTS_LAYOUT_VERSION 1

#define COMM_LEN 16
#define TTY_LEN 32
#define FAMILY_NAMES 4 /* binary basenames that root a tracked family */
#define FAMILY_NAME_LEN 16
#define ARGV_CAP_MAX 8192  /* exec: filename + argv bytes kept at most */
#define PATH_CAP 256	   /* chroot path */
#define UNIX_PATH_CAP 108  /* sizeof(sun_path) */
#define MSG_BODY_CAP 1024  /* monitor message body bytes kept at most (allowed types only) */
#define DGRAM_CAP 512	   /* syslog / audit datagram text */
#define BANNER_CAP 255	   /* "SSH-2.0-..." line */
#define FILE_WRITE_CAP 400 /* one utmp record is 384 bytes */
#define PIPE_WRITE_CAP 512 /* preauth log message */
#define SETGROUPS_CAP 16
#define EV_MAX 32 /* counters are indexed by event type */

enum event_type {
	EV_FORK = 1, /* a tracked process created a process or a thread */
	EV_EXEC = 2, /* a tracked process (or a family root) exec'd successfully */
	EV_EXIT = 3, /* the last thread of a tracked process exited */
	EV_CRED = 4, /* setuid/setgid/setreuid/setregid/setresuid/setresgid returned */
	EV_SETGROUPS = 5,
	EV_CHROOT = 6,
	EV_SETSID = 7,
	EV_PRCTL = 8,	  /* PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, seccomp(2) */
	EV_ACCEPT = 9,	  /* accept/accept4 returned a connected socket */
	EV_SOCKNAME = 10, /* getpeername/getsockname returned */
	EV_CONNECT = 11,
	EV_SOCKETPAIR = 12,  /* AF_UNIX socketpair; says whether its ends carry monitor messages */
	EV_WAIT = 13,	     /* wait4/waitid reaped (or failed) */
	EV_MONITOR_MSG = 14, /* one monitor-protocol message sent on a monitor socket */
	EV_FDPASS = 15,	     /* sendmsg with SCM_RIGHTS on a monitor socket (not a message) */
	EV_DGRAM = 16,	     /* syslog line to /dev/log, or an audit netlink message */
	EV_BANNER = 17,	     /* the "SSH-" identification line written on a TCP socket */
	EV_FILE_WRITE = 18,  /* opt-in: write to utmp/wtmp/btmp/lastlog/loginuid */
	EV_PIPE_WRITE = 19,  /* opt-in: write to a pipe by a chrooted sshd (preauth log) */
	EV_MSG_DESYNC = 20,  /* message boundaries lost on a socket: no more messages from it */
};

/* event_header.flags bits, meaning per type */
#define EVF_TRUNCATED (1u << 0)	       /* a variable field was cut at its cap */
#define EVF_FORK_THREAD (1u << 1)      /* EV_FORK created a thread, not a process */
#define EVF_EXEC_FAMILY_ROOT (1u << 2) /* EV_EXEC of a binary named in family_names */
#define EVF_EXEC_WAS_TRACKED (1u << 3) /* the process was tracked before this exec */
#define EVF_MSG_WITHHELD (1u << 4)     /* EV_MONITOR_MSG type not on the allow-list: no body bytes */
#define EVF_SOCK_MONITOR (1u << 5)     /* EV_SOCKETPAIR ends are followed by the message splitter */
#define EVF_PROC_CHROOTED (1u << 6)    /* the writing process had chrooted (per tracked flags) */

struct event_header {
	__u16 type;  /* enum event_type */
	__u16 size;  /* bytes used by this event, header included */
	__u32 tgid;  /* process that made the call */
	__u32 tid;   /* thread that made the call */
	__u32 flags; /* EVF_* */
	__u64 ts_ns; /* bpf_ktime_get_boot_ns() */
};
_Static_assert(sizeof(struct event_header) == 24, "event_header layout");

/* Credentials of current, read at the event. (u32)-1 = unset auid/sessionid. */
struct creds {
	__u32 uid, euid, suid, fsuid;
	__u32 gid, egid, sgid, fsgid;
	__u32 auid;	 /* loginuid */
	__u32 sessionid; /* audit session id */
};
_Static_assert(sizeof(struct creds) == 40, "creds layout");

struct fork_event {
	struct event_header h; /* tgid/tid: the parent */
	__u32 child_tgid;
	__u32 child_tid;
	struct creds creds; /* the child's (inherited) */
	char comm[COMM_LEN];
};
_Static_assert(sizeof(struct fork_event) == 88, "fork_event layout");

struct exec_event {
	struct event_header h; /* tgid: the process, tid: its (new) thread id */
	__u32 old_tid;	       /* thread that called execve */
	__u32 ppid;	       /* real_parent's tgid */
	struct creds creds;
	__u64 start_boottime; /* task->start_boottime, ns since boot */
	char comm[COMM_LEN];
	char tty[TTY_LEN]; /* controlling tty name ("pts/3"), "" if none */
	__u32 argc;
	__u16 filename_len; /* bytes of data[] holding the filename, NUL included */
	__u16 args_len;	    /* bytes of data[] after it: argv, NUL-separated */
	__u8 data[];	    /* filename, then argv (read from the new mm) */
};
_Static_assert(sizeof(struct exec_event) == 136, "exec_event layout");

struct exit_event {
	struct event_header h;
	__u32 exit_code; /* task->exit_code: (status << 8) | termsig, 0x80 = core */
	__u32 ppid;
	__u64 start_boottime;
	struct creds creds;
	char comm[COMM_LEN];
};
_Static_assert(sizeof(struct exit_event) == 96, "exit_event layout");

enum cred_syscall {
	CRED_SETUID = 1,
	CRED_SETGID = 2,
	CRED_SETREUID = 3,
	CRED_SETREGID = 4,
	CRED_SETRESUID = 5,
	CRED_SETRESGID = 6,
};

struct cred_event {
	struct event_header h;
	__u32 call; /* enum cred_syscall */
	__s32 ret;
	__u32 args[3]; /* as passed; (u32)-1 = leave unchanged */
	__u32 _pad;
	struct creds creds; /* after the call */
};
_Static_assert(sizeof(struct cred_event) == 88, "cred_event layout");

struct setgroups_event {
	struct event_header h;
	__s32 ret;
	__u32 count;		     /* as passed */
	__u32 groups[SETGROUPS_CAP]; /* the first ones */
};
_Static_assert(sizeof(struct setgroups_event) == 96, "setgroups_event layout");

struct chroot_event {
	struct event_header h;
	__s32 ret;
	__u16 path_len; /* bytes of path, NUL included */
	__u16 _pad;
	char path[]; /* up to PATH_CAP */
};
_Static_assert(sizeof(struct chroot_event) == 32, "chroot_event layout");

struct setsid_event {
	struct event_header h;
	__s32 ret; /* the new session id, or -errno */
	__u32 _pad;
};
_Static_assert(sizeof(struct setsid_event) == 32, "setsid_event layout");

enum prctl_op { PRCTL_NO_NEW_PRIVS = 1, PRCTL_SECCOMP = 2, SECCOMP_SYSCALL = 3 };

struct prctl_event {
	struct event_header h;
	__u32 op; /* enum prctl_op */
	__s32 ret;
	__u64 arg2; /* prctl arg2 (mode) / seccomp operation */
	__u64 arg3; /* seccomp flags */
};
_Static_assert(sizeof(struct prctl_event) == 48, "prctl_event layout");

/* An IPv4 or IPv6 endpoint; IPv4 in addr[0..3]. port in host order. */
struct inet_endpoint {
	__u16 family; /* AF_INET, AF_INET6, or 0 if unknown */
	__u16 port;
	__u8 addr[16];
};
_Static_assert(sizeof(struct inet_endpoint) == 20, "inet_endpoint layout");

struct accept_event {
	struct event_header h;
	__s32 fd; /* the new socket (the return value), or -errno */
	__s32 listen_fd;
	struct inet_endpoint local;
	struct inet_endpoint peer;
	__u64 sock_ino;
};
_Static_assert(sizeof(struct accept_event) == 80, "accept_event layout");

enum sockname_call { SOCKNAME_PEER = 1, SOCKNAME_SOCK = 2 };

struct sockname_event {
	struct event_header h;
	__u32 call; /* enum sockname_call */
	__s32 ret;
	__s32 fd;
	struct inet_endpoint addr; /* read from the kernel socket */
	__u64 sock_ino;
};
_Static_assert(sizeof(struct sockname_event) == 64, "sockname_event layout");

struct connect_event {
	struct event_header h;
	__s32 ret;
	__s32 fd;
	__u64 sock_ino;
	struct inet_endpoint inet; /* AF_INET/AF_INET6 destination */
	__u16 family;		   /* sa_family as passed */
	__u16 path_len;		   /* AF_UNIX: bytes of path (abstract names start with NUL) */
	char path[UNIX_PATH_CAP];
	__u8 _pad[4];
};
_Static_assert(sizeof(struct connect_event) == 176, "connect_event layout");

struct socketpair_event {
	struct event_header h;
	__s32 ret;
	__u32 family;
	__u32 sock_type; /* SOCK_STREAM etc., flags masked off */
	__s32 fds[2];
	__u32 _pad;
	__u64 ino[2]; /* inode numbers of the two ends */
};
_Static_assert(sizeof(struct socketpair_event) == 64, "socketpair_event layout");

enum wait_call { WAIT_WAIT4 = 1, WAIT_WAITID = 2 };

struct wait_event {
	struct event_header h;
	__u32 call;    /* enum wait_call */
	__s32 ret;     /* wait4: reaped pid or -errno; waitid: 0 or -errno */
	__s32 pid_arg; /* pid (wait4) or id (waitid) asked for */
	__u32 options;
	__s32 status;	  /* wait4 status word; waitid: si_status */
	__s32 si_pid;	  /* waitid: reaped pid */
	__s32 si_code;	  /* waitid: CLD_* */
	__u32 has_status; /* 1 if status was read from user memory */
};
_Static_assert(sizeof(struct wait_event) == 56, "wait_event layout");

struct monitor_msg_event {
	struct event_header h; /* tgid: the writer */
	__u64 sock_ino;	       /* the writing end */
	__u32 len;	       /* declared length: type byte + body */
	__u8 msg_type;
	__u8 _pad;
	__u16 body_len; /* bytes of body in data[] (allowed types only) */
	__u8 data[];
};
_Static_assert(sizeof(struct monitor_msg_event) == 40, "monitor_msg_event layout");

struct fdpass_event {
	struct event_header h;
	__u64 sock_ino;
	__u32 controllen; /* msg_controllen of the sendmsg */
	__u32 datalen;	  /* bytes of ordinary data sent with it */
};
_Static_assert(sizeof(struct fdpass_event) == 40, "fdpass_event layout");

enum dgram_kind { DGRAM_SYSLOG = 1, DGRAM_AUDIT = 2 };

struct dgram_event {
	struct event_header h;
	__u64 sock_ino;
	__u32 kind; /* enum dgram_kind */
	__u16 len;  /* bytes in data[] */
	__u16 _pad;
	__u8 data[];
};
_Static_assert(sizeof(struct dgram_event) == 40, "dgram_event layout");

struct banner_event {
	struct event_header h;
	__u64 sock_ino;
	__u16 len;
	__u8 _pad[6];
	char data[];
};
_Static_assert(sizeof(struct banner_event) == 40, "banner_event layout");

struct file_write_event {
	struct event_header h;
	__s32 fd;
	__u32 count; /* bytes the write asked for */
	__u64 ino;
	__s64 pos;     /* file position before the write */
	char name[32]; /* the file's basename (dentry name) */
	__u16 len;     /* bytes in data[] */
	__u8 _pad[6];
	__u8 data[];
};
_Static_assert(sizeof(struct file_write_event) == 88, "file_write_event layout");

struct pipe_write_event {
	struct event_header h;
	__s32 fd;
	__u32 count;
	__u64 ino;
	__u16 len;
	__u8 _pad[6];
	__u8 data[];
};
_Static_assert(sizeof(struct pipe_write_event) == 48, "pipe_write_event layout");

enum desync_reason {
	DESYNC_BAD_LENGTH = 1,	/* a header declared a length of 0 or over the protocol maximum */
	DESYNC_TOO_MANY = 2,	/* more message boundaries in one write than the program follows */
	DESYNC_READ_FAILED = 3, /* the user buffer could not be read */
	DESYNC_NO_STATE = 4,	/* the socket's message stream state was evicted */
};

struct msg_desync_event {
	struct event_header h;
	__u64 sock_ino;
	__u32 reason; /* enum desync_reason */
	__u32 bytes;  /* size of the write that desynced */
};
_Static_assert(sizeof(struct msg_desync_event) == 40, "msg_desync_event layout");

/* Per-CPU counters (map "counters", key 0); user space sums the CPUs. */
struct counters {
	__u64 emitted[EV_MAX]; /* events submitted, by type */
	__u64 dropped[EV_MAX]; /* events lost because the ring buffer was full, by type */
	__u64 truncated;       /* events with EVF_TRUNCATED */
	__u64 msg_desync;      /* sockets whose message boundaries were lost */
	__u64 track_failed;    /* pids that could not be tracked (beyond the map) */
	__u64 read_failed;     /* bpf_probe_read_* failures on a traced path */
};
_Static_assert(sizeof(struct counters) == 8 * (2 * EV_MAX + 4), "counters layout");

/* Values of the "tracked" map (an array indexed by tgid). */
#define TRACK_FOLLOWED (1u << 0)   /* in the sshd family: events are emitted */
#define TRACK_SSHD_IMAGE (1u << 1) /* running an sshd-family binary (or a fork of one) */
#define TRACK_CHROOTED (1u << 2)   /* has chrooted (the pre-auth child) */
#define TRACK_SANDBOXED (1u << 3)  /* raised a seccomp filter: only the pre-auth sandbox does */

#endif /* SSHTRACE_EVENTS_H */
