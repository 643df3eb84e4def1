// Test-side encoder: KernelEvent → raw bytes laid out as bpf/events.h says (every number from the generated
// layout, as the decoder's). It plays the kernel in round-trip tests.
import type { Creds, InetEndpoint, KernelEvent } from './events';
import { AF, EV, EVF, ENUMS, LAYOUT } from './layout';

const enc = new TextEncoder();

class EventWriter {
  readonly buf: Buffer;
  constructor(size: number) {
    this.buf = Buffer.alloc(size);
  }
  u8(at: number, v: number) {
    this.buf.writeUInt8(v, at);
  }
  u16(at: number, v: number) {
    this.buf.writeUInt16LE(v, at);
  }
  u32(at: number, v: number) {
    this.buf.writeUInt32LE(v >>> 0, at);
  }
  i32(at: number, v: number) {
    this.buf.writeInt32LE(v, at);
  }
  u64(at: number, v: number) {
    this.buf.writeBigUInt64LE(BigInt(v), at);
  }
  i64(at: number, v: number) {
    this.buf.writeBigInt64LE(BigInt(v), at);
  }
  bytes(at: number, b: Uint8Array) {
    this.buf.set(b, at);
  }
  creds(at: number, c: Creds) {
    const C = LAYOUT.creds.fields;
    for (const key of Object.keys(C) as (keyof typeof C)[]) this.u32(at + C[key], c[key]);
  }
  endpoint(at: number, e: InetEndpoint) {
    const E = LAYOUT.inet_endpoint.fields;
    this.u16(at + E.family, e.family === 'ipv4' ? AF.INET : e.family === 'ipv6' ? AF.INET6 : 0);
    this.u16(at + E.port, e.port);
    if (e.family === 'ipv4') this.bytes(at + E.addr, Uint8Array.from(e.ip.split('.').map(Number)));
    if (e.family === 'ipv6') this.bytes(at + E.addr, ipv6Bytes(e.ip));
  }
}

/** Only the forms the generators produce: full 8 groups, or "::" + groups. */
function ipv6Bytes(ip: string): Uint8Array {
  const [left, right] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const l = left ? left.split(':') : [];
  const r = right === undefined ? [] : right ? right.split(':') : [];
  const groups = [...l, ...Array(8 - l.length - r.length).fill('0'), ...r].map((g) => parseInt(g, 16));
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

const TYPE: Record<KernelEvent['kind'], number> = {
  fork: EV.FORK,
  exec: EV.EXEC,
  exit: EV.EXIT,
  cred: EV.CRED,
  setgroups: EV.SETGROUPS,
  chroot: EV.CHROOT,
  setsid: EV.SETSID,
  prctl: EV.PRCTL,
  accept: EV.ACCEPT,
  sockname: EV.SOCKNAME,
  connect: EV.CONNECT,
  socketpair: EV.SOCKETPAIR,
  wait: EV.WAIT,
  frame: EV.MONITOR_MSG,
  fdpass: EV.FDPASS,
  dgram: EV.DGRAM,
  banner: EV.BANNER,
  file_write: EV.FILE_WRITE,
  pipe_write: EV.PIPE_WRITE,
  frame_desync: EV.MSG_DESYNC,
};

function header(w: EventWriter, e: KernelEvent, flags: number) {
  const H = LAYOUT.event_header.fields;
  w.u16(H.type, TYPE[e.kind]);
  w.u16(H.size, w.buf.length);
  w.u32(H.tgid, e.tgid);
  w.u32(H.tid, e.tid);
  w.u32(H.flags, flags | (e.truncated ? EVF.TRUNCATED : 0));
  w.u64(H.ts_ns, e.ts);
}

const cstr = (s: string) => Buffer.concat([Buffer.from(enc.encode(s)), Buffer.from([0])]);

export function encodeEvent(e: KernelEvent): Buffer {
  const { size, flags, fill } = body(e);
  const w = new EventWriter(size);
  header(w, e, flags);
  fill(w);
  return w.buf;
}

interface Body {
  size: number;
  flags: number;
  fill: (w: EventWriter) => void;
}

function body(e: KernelEvent): Body {
  const fixed = (layout: { size: number }, fill: Body['fill'], flags = 0): Body => ({ size: layout.size, flags, fill });
  switch (e.kind) {
    case 'fork': {
      const F = LAYOUT.fork_event.fields;
      return fixed(
        LAYOUT.fork_event,
        (w) => {
          w.u32(F.child_tgid, e.childTgid);
          w.u32(F.child_tid, e.childTid);
          w.creds(F.creds, e.creds);
          w.bytes(F.comm, cstr(e.comm));
        },
        e.thread ? EVF.FORK_THREAD : 0,
      );
    }
    case 'exec': {
      const X = LAYOUT.exec_event.fields;
      const filename = cstr(e.filename);
      const args = Buffer.concat(e.argv.map(cstr));
      const flags = (e.familyRoot ? EVF.EXEC_FAMILY_ROOT : 0) | (e.wasTracked ? EVF.EXEC_WAS_TRACKED : 0);
      return {
        size: X.data + filename.length + args.length,
        flags,
        fill: (w) => {
          w.u32(X.old_tid, e.oldTid);
          w.u32(X.ppid, e.ppid);
          w.creds(X.creds, e.creds);
          w.u64(X.start_boottime, e.startBoottime);
          w.bytes(X.comm, cstr(e.comm));
          w.bytes(X.tty, cstr(e.tty));
          w.u32(X.argc, e.argc);
          w.u16(X.filename_len, filename.length);
          w.u16(X.args_len, args.length);
          w.bytes(X.data, filename);
          w.bytes(X.data + filename.length, args);
        },
      };
    }
    case 'exit': {
      const X = LAYOUT.exit_event.fields;
      return fixed(LAYOUT.exit_event, (w) => {
        w.u32(X.exit_code, e.rawStatus);
        w.u32(X.ppid, e.ppid);
        w.u64(X.start_boottime, e.startBoottime);
        w.creds(X.creds, e.creds);
        w.bytes(X.comm, cstr(e.comm));
      });
    }
    default:
      return socketAndOtherBody(e);
  }
}

const CRED_CALL = {
  setuid: ENUMS.CRED_SETUID,
  setgid: ENUMS.CRED_SETGID,
  setreuid: ENUMS.CRED_SETREUID,
  setregid: ENUMS.CRED_SETREGID,
  setresuid: ENUMS.CRED_SETRESUID,
  setresgid: ENUMS.CRED_SETRESGID,
} as const;
const PRCTL_OP = {
  no_new_privs: ENUMS.PRCTL_NO_NEW_PRIVS,
  seccomp: ENUMS.PRCTL_SECCOMP,
  seccomp_syscall: ENUMS.SECCOMP_SYSCALL,
} as const;
// 'unknown' stands for a reason this decoder does not know: any number outside enum desync_reason.
const DESYNC_REASON = {
  bad_length: ENUMS.DESYNC_BAD_LENGTH,
  too_many: ENUMS.DESYNC_TOO_MANY,
  read_failed: ENUMS.DESYNC_READ_FAILED,
  no_state: ENUMS.DESYNC_NO_STATE,
  unknown: 99,
} as const;

function socketAndOtherBody(e: KernelEvent): Body {
  const fixed = (layout: { size: number }, fill: Body['fill'], flags = 0): Body => ({ size: layout.size, flags, fill });
  const withData = (layout: { size: number }, data: Uint8Array, fill: Body['fill'], flags = 0): Body => ({
    size: layout.size + data.length,
    flags,
    fill: (w) => {
      fill(w);
      w.bytes(layout.size, data);
    },
  });
  switch (e.kind) {
    case 'cred': {
      const X = LAYOUT.cred_event.fields;
      return fixed(LAYOUT.cred_event, (w) => {
        w.u32(X.call, CRED_CALL[e.call]);
        w.i32(X.ret, e.ret);
        for (const [i, a] of e.args.entries()) w.u32(X.args + 4 * i, a);
        w.creds(X.creds, e.creds);
      });
    }
    case 'setgroups': {
      const X = LAYOUT.setgroups_event.fields;
      return fixed(LAYOUT.setgroups_event, (w) => {
        w.i32(X.ret, e.ret);
        w.u32(X.count, e.count);
        for (const [i, g] of e.groups.entries()) w.u32(X.groups + 4 * i, g);
      });
    }
    case 'chroot': {
      const X = LAYOUT.chroot_event.fields;
      const path = cstr(e.path);
      return withData(LAYOUT.chroot_event, path, (w) => {
        w.i32(X.ret, e.ret);
        w.u16(X.path_len, path.length);
      });
    }
    case 'setsid':
      return fixed(LAYOUT.setsid_event, (w) => w.i32(LAYOUT.setsid_event.fields.ret, e.ret));
    case 'prctl': {
      const X = LAYOUT.prctl_event.fields;
      return fixed(LAYOUT.prctl_event, (w) => {
        w.u32(X.op, PRCTL_OP[e.op]);
        w.i32(X.ret, e.ret);
        w.u64(X.arg2, e.arg2);
        w.u64(X.arg3, e.arg3);
      });
    }
    case 'wait': {
      const X = LAYOUT.wait_event.fields;
      const isWait4 = e.call === 'wait4';
      return fixed(LAYOUT.wait_event, (w) => {
        w.u32(X.call, isWait4 ? ENUMS.WAIT_WAIT4 : ENUMS.WAIT_WAITID);
        w.i32(X.ret, e.ret);
        w.i32(X.pid_arg, e.pidArg);
        w.u32(X.options, e.options);
        w.i32(X.status, isWait4 ? (e.status ?? 0) : e.siStatus);
        w.i32(X.si_pid, isWait4 ? 0 : (e.reapedPid ?? 0));
        w.i32(X.si_code, e.siCode);
        w.u32(X.has_status, isWait4 ? Number(e.status !== null) : 1);
      });
    }
    default:
      return socketBody(e, withData, fixed);
  }
}

function socketBody(
  e: KernelEvent,
  withData: (layout: { size: number }, data: Uint8Array, fill: Body['fill'], flags?: number) => Body,
  fixed: (layout: { size: number }, fill: Body['fill'], flags?: number) => Body,
): Body {
  switch (e.kind) {
    case 'accept': {
      const X = LAYOUT.accept_event.fields;
      return fixed(LAYOUT.accept_event, (w) => {
        w.i32(X.fd, e.fd);
        w.i32(X.listen_fd, e.listenFd);
        w.endpoint(X.local, e.local);
        w.endpoint(X.peer, e.peer);
        w.u64(X.sock_ino, e.sockIno);
      });
    }
    case 'sockname': {
      const X = LAYOUT.sockname_event.fields;
      return fixed(LAYOUT.sockname_event, (w) => {
        w.u32(X.call, e.call === 'getpeername' ? ENUMS.SOCKNAME_PEER : ENUMS.SOCKNAME_SOCK);
        w.i32(X.ret, e.ret);
        w.i32(X.fd, e.fd);
        w.endpoint(X.addr, e.addr);
        w.u64(X.sock_ino, e.sockIno);
      });
    }
    case 'connect': {
      const X = LAYOUT.connect_event.fields;
      const abstract = e.path.startsWith('@');
      const path = abstract
        ? Buffer.concat([Buffer.from([0]), Buffer.from(enc.encode(e.path.slice(1)))])
        : cstr(e.path);
      return fixed(LAYOUT.connect_event, (w) => {
        w.i32(X.ret, e.ret);
        w.i32(X.fd, e.fd);
        w.u64(X.sock_ino, e.sockIno);
        w.endpoint(X.inet, e.inet);
        w.u16(X.family, e.family);
        w.u16(X.path_len, e.path ? path.length : 0);
        if (e.path) w.bytes(X.path, path);
      });
    }
    case 'socketpair': {
      const X = LAYOUT.socketpair_event.fields;
      return fixed(
        LAYOUT.socketpair_event,
        (w) => {
          w.i32(X.ret, e.ret);
          w.u32(X.family, e.family);
          w.u32(X.sock_type, e.sockType);
          w.i32(X.fds, e.fds[0]);
          w.i32(X.fds + 4, e.fds[1]);
          w.u64(X.ino, e.inos[0]);
          w.u64(X.ino + 8, e.inos[1]);
        },
        e.framed ? EVF.SOCK_MONITOR : 0,
      );
    }
    case 'frame': {
      const X = LAYOUT.monitor_msg_event.fields;
      return withData(
        LAYOUT.monitor_msg_event,
        e.body,
        (w) => {
          w.u64(X.sock_ino, e.sockIno);
          w.u32(X.len, e.len);
          w.u8(X.msg_type, e.msgType);
          w.u16(X.body_len, e.body.length);
        },
        e.withheld ? EVF.MSG_WITHHELD : 0,
      );
    }
    case 'fdpass': {
      const X = LAYOUT.fdpass_event.fields;
      return fixed(LAYOUT.fdpass_event, (w) => {
        w.u64(X.sock_ino, e.sockIno);
        w.u32(X.controllen, e.controllen);
        w.u32(X.datalen, e.datalen);
      });
    }
    case 'dgram': {
      const X = LAYOUT.dgram_event.fields;
      const text = Buffer.from(enc.encode(e.text));
      return withData(LAYOUT.dgram_event, text, (w) => {
        w.u64(X.sock_ino, e.sockIno);
        w.u32(X.kind, e.dgram === 'syslog' ? ENUMS.DGRAM_SYSLOG : ENUMS.DGRAM_AUDIT);
        w.u16(X.len, text.length);
      });
    }
    case 'banner': {
      const X = LAYOUT.banner_event.fields;
      const text = Buffer.from(enc.encode(e.text));
      return withData(LAYOUT.banner_event, text, (w) => {
        w.u64(X.sock_ino, e.sockIno);
        w.u16(X.len, text.length);
      });
    }
    case 'file_write': {
      const X = LAYOUT.file_write_event.fields;
      return withData(LAYOUT.file_write_event, e.data, (w) => {
        w.i32(X.fd, e.fd);
        w.u32(X.count, e.count);
        w.u64(X.ino, e.ino);
        w.i64(X.pos, e.pos);
        w.bytes(X.name, cstr(e.name));
        w.u16(X.len, e.data.length);
      });
    }
    case 'pipe_write': {
      const X = LAYOUT.pipe_write_event.fields;
      return withData(LAYOUT.pipe_write_event, e.data, (w) => {
        w.i32(X.fd, e.fd);
        w.u32(X.count, e.count);
        w.u64(X.ino, e.ino);
        w.u16(X.len, e.data.length);
      });
    }
    case 'frame_desync': {
      const X = LAYOUT.msg_desync_event.fields;
      return fixed(LAYOUT.msg_desync_event, (w) => {
        w.u64(X.sock_ino, e.sockIno);
        w.u32(X.reason, DESYNC_REASON[e.reason]);
        w.u32(X.bytes, e.bytes);
      });
    }
    default:
      throw new Error(`encoder: unexpected kind ${e.kind}`);
  }
}
