// Decoders for process-life and credential events (bpf/events.h). Each gets the event's start
// offset and its validated size (>= the type's fixed size) and returns null for an impossible value.
import type {
  ChrootEvent,
  CredCall,
  CredEvent,
  ExecEvent,
  ExitEvent,
  ForkEvent,
  PrctlEvent,
  SetgroupsEvent,
  SetsidEvent,
  WaitEvent,
} from './events';
import { CAPS, ENUMS, EVF, LAYOUT } from './layout';
import type { EventView } from './event-view';

const H = LAYOUT.event_header.fields;

export interface Base {
  ts: number;
  tgid: number;
  tid: number;
  truncated: boolean;
}

export function decodeBase(v: EventView, at: number): Base {
  return {
    ts: v.u64(at + H.ts_ns),
    tgid: v.u32(at + H.tgid),
    tid: v.u32(at + H.tid),
    truncated: (v.u32(at + H.flags) & EVF.TRUNCATED) !== 0,
  };
}

const flagsOf = (v: EventView, at: number) => v.u32(at + H.flags);

const FORK = LAYOUT.fork_event.fields;
export function decodeFork(v: EventView, at: number): ForkEvent {
  return {
    kind: 'fork',
    ...decodeBase(v, at),
    childTgid: v.u32(at + FORK.child_tgid),
    childTid: v.u32(at + FORK.child_tid),
    thread: (flagsOf(v, at) & EVF.FORK_THREAD) !== 0,
    creds: v.creds(at + FORK.creds),
    comm: v.cstr(at + FORK.comm, CAPS.COMM_LEN),
  };
}

const EXEC = LAYOUT.exec_event.fields;
export function decodeExec(v: EventView, at: number, size: number): ExecEvent {
  const dataAt = at + EXEC.data;
  const room = at + size - dataAt;
  const filenameLen = Math.min(v.u16(at + EXEC.filename_len), room);
  const argsLen = Math.min(v.u16(at + EXEC.args_len), room - filenameLen);
  const flags = flagsOf(v, at);
  return {
    kind: 'exec',
    ...decodeBase(v, at),
    oldTid: v.u32(at + EXEC.old_tid),
    ppid: v.u32(at + EXEC.ppid),
    creds: v.creds(at + EXEC.creds),
    startBoottime: v.u64(at + EXEC.start_boottime),
    comm: v.cstr(at + EXEC.comm, CAPS.COMM_LEN),
    tty: v.cstr(at + EXEC.tty, CAPS.TTY_LEN),
    filename: v.cstr(dataAt, filenameLen),
    argv: splitArgv(v, dataAt + filenameLen, argsLen),
    argc: v.u32(at + EXEC.argc),
    familyRoot: (flags & EVF.EXEC_FAMILY_ROOT) !== 0,
    wasTracked: (flags & EVF.EXEC_WAS_TRACKED) !== 0,
  };
}

/** NUL-separated strings; a final NUL ends the last one, a missing one means the list was cut. */
function splitArgv(v: EventView, start: number, length: number): string[] {
  const argv: string[] = [];
  const end = start + length;
  let from = start;
  while (from < end) {
    const to = v.nulOrEnd(from, end);
    argv.push(v.text(from, to));
    from = to + 1;
  }
  return argv;
}

const EXIT = LAYOUT.exit_event.fields;
export function decodeExit(v: EventView, at: number): ExitEvent {
  const rawStatus = v.u32(at + EXIT.exit_code);
  const low = rawStatus & 0x7f;
  // WIFEXITED: low 7 bits 0; WIFSIGNALED: neither 0 nor 0x7f (stopped, impossible at exit).
  const exited = low === 0;
  const signaled = low !== 0 && low !== 0x7f;
  return {
    kind: 'exit',
    ...decodeBase(v, at),
    exitCode: exited ? (rawStatus >> 8) & 0xff : null,
    signal: signaled ? low : null,
    core: signaled && (rawStatus & 0x80) !== 0,
    rawStatus,
    ppid: v.u32(at + EXIT.ppid),
    startBoottime: v.u64(at + EXIT.start_boottime),
    creds: v.creds(at + EXIT.creds),
    comm: v.cstr(at + EXIT.comm, CAPS.COMM_LEN),
  };
}

const CRED_CALLS: Readonly<Record<number, CredCall | undefined>> = {
  [ENUMS.CRED_SETUID]: 'setuid',
  [ENUMS.CRED_SETGID]: 'setgid',
  [ENUMS.CRED_SETREUID]: 'setreuid',
  [ENUMS.CRED_SETREGID]: 'setregid',
  [ENUMS.CRED_SETRESUID]: 'setresuid',
  [ENUMS.CRED_SETRESGID]: 'setresgid',
};
const CRED = LAYOUT.cred_event.fields;
export function decodeCred(v: EventView, at: number): CredEvent | null {
  const call = CRED_CALLS[v.u32(at + CRED.call)];
  if (!call) return null;
  const args = [v.u32(at + CRED.args), v.u32(at + CRED.args + 4), v.u32(at + CRED.args + 8)];
  return { kind: 'cred', ...decodeBase(v, at), call, ret: v.i32(at + CRED.ret), args, creds: v.creds(at + CRED.creds) };
}

const SETGROUPS = LAYOUT.setgroups_event.fields;
export function decodeSetgroups(v: EventView, at: number): SetgroupsEvent {
  const count = v.u32(at + SETGROUPS.count);
  const groups: number[] = [];
  for (let i = 0; i < Math.min(count, CAPS.SETGROUPS_CAP); i++) groups.push(v.u32(at + SETGROUPS.groups + 4 * i));
  return { kind: 'setgroups', ...decodeBase(v, at), ret: v.i32(at + SETGROUPS.ret), count, groups };
}

const CHROOT = LAYOUT.chroot_event.fields;
export function decodeChroot(v: EventView, at: number, size: number): ChrootEvent {
  const pathLen = Math.min(v.u16(at + CHROOT.path_len), size - CHROOT.path);
  return { kind: 'chroot', ...decodeBase(v, at), ret: v.i32(at + CHROOT.ret), path: v.cstr(at + CHROOT.path, pathLen) };
}

const SETSID = LAYOUT.setsid_event.fields;
export function decodeSetsid(v: EventView, at: number): SetsidEvent {
  return { kind: 'setsid', ...decodeBase(v, at), ret: v.i32(at + SETSID.ret) };
}

const PRCTL_OPS: Readonly<Record<number, PrctlEvent['op'] | undefined>> = {
  [ENUMS.PRCTL_NO_NEW_PRIVS]: 'no_new_privs',
  [ENUMS.PRCTL_SECCOMP]: 'seccomp',
  [ENUMS.SECCOMP_SYSCALL]: 'seccomp_syscall',
};
const PRCTL = LAYOUT.prctl_event.fields;
export function decodePrctl(v: EventView, at: number): PrctlEvent | null {
  const op = PRCTL_OPS[v.u32(at + PRCTL.op)];
  if (!op) return null;
  return {
    kind: 'prctl',
    ...decodeBase(v, at),
    op,
    ret: v.i32(at + PRCTL.ret),
    arg2: v.u64(at + PRCTL.arg2),
    arg3: v.u64(at + PRCTL.arg3),
  };
}

const WAIT = LAYOUT.wait_event.fields;
export function decodeWait(v: EventView, at: number): WaitEvent | null {
  const callNo = v.u32(at + WAIT.call);
  if (callNo !== ENUMS.WAIT_WAIT4 && callNo !== ENUMS.WAIT_WAITID) return null;
  const ret = v.i32(at + WAIT.ret);
  const siPid = v.i32(at + WAIT.si_pid);
  const hasStatus = v.u32(at + WAIT.has_status) !== 0;
  const status = v.i32(at + WAIT.status);
  const isWait4 = callNo === ENUMS.WAIT_WAIT4;
  return {
    kind: 'wait',
    ...decodeBase(v, at),
    call: isWait4 ? 'wait4' : 'waitid',
    ret,
    pidArg: v.i32(at + WAIT.pid_arg),
    options: v.u32(at + WAIT.options),
    reapedPid: isWait4 ? (ret > 0 ? ret : null) : ret === 0 && siPid > 0 ? siPid : null,
    status: isWait4 && hasStatus ? status : null,
    siCode: v.i32(at + WAIT.si_code),
    siStatus: isWait4 ? 0 : status,
  };
}
