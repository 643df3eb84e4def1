// generated from bpf/events.h by bpf/gen-layout.js — do not edit; run npm run gen:layout
// Names are the header's; sizes, offsets and values are what the C compiler gives for them.

export const EVENTS_LAYOUT_VERSION = 1;

/** enum event_type, without the EV_ prefix. */
export const EV = {
  FORK: 1,
  EXEC: 2,
  EXIT: 3,
  CRED: 4,
  SETGROUPS: 5,
  CHROOT: 6,
  SETSID: 7,
  PRCTL: 8,
  ACCEPT: 9,
  SOCKNAME: 10,
  CONNECT: 11,
  SOCKETPAIR: 12,
  WAIT: 13,
  MONITOR_MSG: 14,
  FDPASS: 15,
  DGRAM: 16,
  BANNER: 17,
  FILE_WRITE: 18,
  PIPE_WRITE: 19,
  MSG_DESYNC: 20,
} as const;

/** Event type number → capture/events.ts kind (the EV_ name in lower case, or its kept first name; counters are reported by kind). */
export const KIND_BY_TYPE: Readonly<Record<number, string>> = {
  [EV.FORK]: 'fork',
  [EV.EXEC]: 'exec',
  [EV.EXIT]: 'exit',
  [EV.CRED]: 'cred',
  [EV.SETGROUPS]: 'setgroups',
  [EV.CHROOT]: 'chroot',
  [EV.SETSID]: 'setsid',
  [EV.PRCTL]: 'prctl',
  [EV.ACCEPT]: 'accept',
  [EV.SOCKNAME]: 'sockname',
  [EV.CONNECT]: 'connect',
  [EV.SOCKETPAIR]: 'socketpair',
  [EV.WAIT]: 'wait',
  [EV.MONITOR_MSG]: 'frame',
  [EV.FDPASS]: 'fdpass',
  [EV.DGRAM]: 'dgram',
  [EV.BANNER]: 'banner',
  [EV.FILE_WRITE]: 'file_write',
  [EV.PIPE_WRITE]: 'pipe_write',
  [EV.MSG_DESYNC]: 'frame_desync',
};

/** event_header.flags bits (EVF_*). */
export const EVF = {
  TRUNCATED: 1,
  FORK_THREAD: 2,
  EXEC_FAMILY_ROOT: 4,
  EXEC_WAS_TRACKED: 8,
  MSG_WITHHELD: 16,
  SOCK_MONITOR: 32,
  PROC_CHROOTED: 64,
} as const;

/** Flags of the "tracked" map (TRACK_*). */
export const TRACK = {
  FOLLOWED: 1,
  SSHD_IMAGE: 2,
  CHROOTED: 4,
  SANDBOXED: 8,
} as const;

/** The other #defines: array lengths and caps. */
export const CAPS = {
  COMM_LEN: 16,
  TTY_LEN: 32,
  FAMILY_NAMES: 4,
  FAMILY_NAME_LEN: 16,
  ARGV_CAP_MAX: 8192,
  PATH_CAP: 256,
  UNIX_PATH_CAP: 108,
  MSG_BODY_CAP: 1024,
  DGRAM_CAP: 512,
  BANNER_CAP: 255,
  FILE_WRITE_CAP: 400,
  PIPE_WRITE_CAP: 512,
  SETGROUPS_CAP: 16,
  EV_MAX: 32,
} as const;

/** Values of the C enums other than event_type, by C name. */
export const ENUMS = {
  CRED_SETUID: 1,
  CRED_SETGID: 2,
  CRED_SETREUID: 3,
  CRED_SETREGID: 4,
  CRED_SETRESUID: 5,
  CRED_SETRESGID: 6,
  PRCTL_NO_NEW_PRIVS: 1,
  PRCTL_SECCOMP: 2,
  SECCOMP_SYSCALL: 3,
  SOCKNAME_PEER: 1,
  SOCKNAME_SOCK: 2,
  WAIT_WAIT4: 1,
  WAIT_WAITID: 2,
  DGRAM_SYSLOG: 1,
  DGRAM_AUDIT: 2,
  DESYNC_BAD_LENGTH: 1,
  DESYNC_TOO_MANY: 2,
  DESYNC_READ_FAILED: 3,
  DESYNC_NO_STATE: 4,
} as const;

interface StructLayout { readonly size: number; readonly fields: Readonly<Record<string, number>> }

/** sizeof every struct and offsetof every field. */
export const LAYOUT = {
  event_header: {
    size: 24,
    fields: {
      type: 0,
      size: 2,
      tgid: 4,
      tid: 8,
      flags: 12,
      ts_ns: 16,
    },
  },
  creds: {
    size: 40,
    fields: {
      uid: 0,
      euid: 4,
      suid: 8,
      fsuid: 12,
      gid: 16,
      egid: 20,
      sgid: 24,
      fsgid: 28,
      auid: 32,
      sessionid: 36,
    },
  },
  fork_event: {
    size: 88,
    fields: {
      h: 0,
      child_tgid: 24,
      child_tid: 28,
      creds: 32,
      comm: 72,
    },
  },
  exec_event: {
    size: 136,
    fields: {
      h: 0,
      old_tid: 24,
      ppid: 28,
      creds: 32,
      start_boottime: 72,
      comm: 80,
      tty: 96,
      argc: 128,
      filename_len: 132,
      args_len: 134,
      data: 136,
    },
  },
  exit_event: {
    size: 96,
    fields: {
      h: 0,
      exit_code: 24,
      ppid: 28,
      start_boottime: 32,
      creds: 40,
      comm: 80,
    },
  },
  cred_event: {
    size: 88,
    fields: {
      h: 0,
      call: 24,
      ret: 28,
      args: 32,
      _pad: 44,
      creds: 48,
    },
  },
  setgroups_event: {
    size: 96,
    fields: {
      h: 0,
      ret: 24,
      count: 28,
      groups: 32,
    },
  },
  chroot_event: {
    size: 32,
    fields: {
      h: 0,
      ret: 24,
      path_len: 28,
      _pad: 30,
      path: 32,
    },
  },
  setsid_event: {
    size: 32,
    fields: {
      h: 0,
      ret: 24,
      _pad: 28,
    },
  },
  prctl_event: {
    size: 48,
    fields: {
      h: 0,
      op: 24,
      ret: 28,
      arg2: 32,
      arg3: 40,
    },
  },
  inet_endpoint: {
    size: 20,
    fields: {
      family: 0,
      port: 2,
      addr: 4,
    },
  },
  accept_event: {
    size: 80,
    fields: {
      h: 0,
      fd: 24,
      listen_fd: 28,
      local: 32,
      peer: 52,
      sock_ino: 72,
    },
  },
  sockname_event: {
    size: 64,
    fields: {
      h: 0,
      call: 24,
      ret: 28,
      fd: 32,
      addr: 36,
      sock_ino: 56,
    },
  },
  connect_event: {
    size: 176,
    fields: {
      h: 0,
      ret: 24,
      fd: 28,
      sock_ino: 32,
      inet: 40,
      family: 60,
      path_len: 62,
      path: 64,
      _pad: 172,
    },
  },
  socketpair_event: {
    size: 64,
    fields: {
      h: 0,
      ret: 24,
      family: 28,
      sock_type: 32,
      fds: 36,
      _pad: 44,
      ino: 48,
    },
  },
  wait_event: {
    size: 56,
    fields: {
      h: 0,
      call: 24,
      ret: 28,
      pid_arg: 32,
      options: 36,
      status: 40,
      si_pid: 44,
      si_code: 48,
      has_status: 52,
    },
  },
  monitor_msg_event: {
    size: 40,
    fields: {
      h: 0,
      sock_ino: 24,
      len: 32,
      msg_type: 36,
      _pad: 37,
      body_len: 38,
      data: 40,
    },
  },
  fdpass_event: {
    size: 40,
    fields: {
      h: 0,
      sock_ino: 24,
      controllen: 32,
      datalen: 36,
    },
  },
  dgram_event: {
    size: 40,
    fields: {
      h: 0,
      sock_ino: 24,
      kind: 32,
      len: 36,
      _pad: 38,
      data: 40,
    },
  },
  banner_event: {
    size: 40,
    fields: {
      h: 0,
      sock_ino: 24,
      len: 32,
      _pad: 34,
      data: 40,
    },
  },
  file_write_event: {
    size: 88,
    fields: {
      h: 0,
      fd: 24,
      count: 28,
      ino: 32,
      pos: 40,
      name: 48,
      len: 80,
      _pad: 82,
      data: 88,
    },
  },
  pipe_write_event: {
    size: 48,
    fields: {
      h: 0,
      fd: 24,
      count: 28,
      ino: 32,
      len: 40,
      _pad: 42,
      data: 48,
    },
  },
  msg_desync_event: {
    size: 40,
    fields: {
      h: 0,
      sock_ino: 24,
      reason: 32,
      bytes: 36,
    },
  },
  counters: {
    size: 544,
    fields: {
      emitted: 0,
      dropped: 256,
      truncated: 512,
      msg_desync: 520,
      track_failed: 528,
      read_failed: 536,
    },
  },
} as const satisfies Record<string, StructLayout>;

/** sizeof every fixed-length array field (char name[32] → 32), by struct; flexible data[] has none. */
export const ARRAY_BYTES = {
  fork_event: {
    comm: 16,
  },
  exec_event: {
    comm: 16,
    tty: 32,
  },
  exit_event: {
    comm: 16,
  },
  cred_event: {
    args: 12,
  },
  setgroups_event: {
    groups: 64,
  },
  inet_endpoint: {
    addr: 16,
  },
  connect_event: {
    path: 108,
    _pad: 4,
  },
  socketpair_event: {
    fds: 8,
    ino: 16,
  },
  banner_event: {
    _pad: 6,
  },
  file_write_event: {
    name: 32,
    _pad: 6,
  },
  pipe_write_event: {
    _pad: 6,
  },
  counters: {
    emitted: 256,
    dropped: 256,
  },
} as const satisfies Record<string, Readonly<Record<string, number>>>;

/** Fixed (minimum) size per event type (EV_X → struct x_event): a shorter event is malformed. */
export const MIN_SIZE_BY_TYPE: Readonly<Record<number, number>> = {
  [EV.FORK]: LAYOUT.fork_event.size,
  [EV.EXEC]: LAYOUT.exec_event.size,
  [EV.EXIT]: LAYOUT.exit_event.size,
  [EV.CRED]: LAYOUT.cred_event.size,
  [EV.SETGROUPS]: LAYOUT.setgroups_event.size,
  [EV.CHROOT]: LAYOUT.chroot_event.size,
  [EV.SETSID]: LAYOUT.setsid_event.size,
  [EV.PRCTL]: LAYOUT.prctl_event.size,
  [EV.ACCEPT]: LAYOUT.accept_event.size,
  [EV.SOCKNAME]: LAYOUT.sockname_event.size,
  [EV.CONNECT]: LAYOUT.connect_event.size,
  [EV.SOCKETPAIR]: LAYOUT.socketpair_event.size,
  [EV.WAIT]: LAYOUT.wait_event.size,
  [EV.MONITOR_MSG]: LAYOUT.monitor_msg_event.size,
  [EV.FDPASS]: LAYOUT.fdpass_event.size,
  [EV.DGRAM]: LAYOUT.dgram_event.size,
  [EV.BANNER]: LAYOUT.banner_event.size,
  [EV.FILE_WRITE]: LAYOUT.file_write_event.size,
  [EV.PIPE_WRITE]: LAYOUT.pipe_write_event.size,
  [EV.MSG_DESYNC]: LAYOUT.msg_desync_event.size,
};
