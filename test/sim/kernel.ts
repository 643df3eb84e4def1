// A tiny kernel for the privsep simulator: a clock, a small cyclic pid pool, process credentials, and one
// builder per KernelEvent kind. It knows nothing about sshd; privsep-sshd-*.ts drive it. Pids come back to the
// pool only when their zombie is reaped (wait4 by the parent, or init for orphans), as on Linux.
import type { Creds, InetEndpoint, KernelEvent, TraceEvent, CredCall } from '../../capture/events';
import { CAPS } from '../../capture/layout';
import { msgBodyCap } from './messages';

export type ProcessEnd = { readonly code: number } | { readonly signal: number };

export interface SimProcess {
  readonly pid: number;
  ppid: number;
  creds: Creds;
  comm: string;
  tty: string; // controlling tty ("pts/3") or ""
  alive: boolean;
  // What /proc shows beyond the above (read by privsep-snapshot.ts; no event depends on them):
  exe: string; // the image the process runs (a fork keeps its parent's)
  cmdline: string[]; // argv, or sshd's setproctitle text
  startNs: number; // boot-clock ns of its fork (start_boottime)
  root: string; // its root directory ("/run/sshd" after the pre-auth child's chroot)
  sid: number; // session id (setsid makes it a leader)
  peer: InetEndpoint | null; // the TCP peer of a connected socket it holds
  seccomp: boolean; // a seccomp filter is installed (the pre-auth sandbox)
}

/** How the process table looked from a point of the history on: `from` is the number of events pushed when it
 *  changed (a cut after `from` events shows it); `proc` is a frozen copy, or null once the pid is gone. */
export interface TableChange {
  readonly from: number;
  readonly pid: number;
  readonly proc: Readonly<SimProcess> | null;
}

const UNSET = 4294967295;
/** What runs a process the init system starts, before its exec. */
const INIT_EXE = '/usr/lib/systemd/systemd';
export const ROOT_CREDS: Creds = {
  uid: 0,
  euid: 0,
  suid: 0,
  fsuid: 0,
  gid: 0,
  egid: 0,
  sgid: 0,
  fsgid: 0,
  auid: UNSET,
  sessionid: UNSET,
};

/** wait4's status word for an ending, as WEXITSTATUS/WTERMSIG decode it. */
export function waitStatus(end: ProcessEnd): number {
  return 'code' in end ? (end.code & 0xff) << 8 : end.signal & 0x7f;
}

export class KernelSim {
  readonly events: TraceEvent[] = [];
  readonly procs = new Map<number, SimProcess>();
  /** Every change of the process table, in order (see tableAt). */
  readonly journal: TableChange[] = [];
  private now: number;
  private tick = 0;
  private nextPid: number;
  private nextIno = 40_000;
  private readonly ptys = new Set<number>();

  constructor(
    private readonly gapsNs: readonly number[],
    startNs: number,
    private readonly pidBase: number,
    private pidPoolSize: number,
  ) {
    this.now = startNs;
    this.nextPid = pidBase;
  }

  /** Strictly increasing boot-clock time, with gaps taken in turn from the scenario. */
  time(): number {
    const gap = this.gapsNs.length === 0 ? 1000 : this.gapsNs[this.tick % this.gapsNs.length]!;
    this.tick += 1;
    this.now += Math.max(1, Math.floor(gap));
    return this.now;
  }

  push(e: TraceEvent): void {
    this.events.push(e);
    switch (e.kind) {
      case 'fork':
        this.note(e.childTgid);
        break;
      case 'wait':
        if (e.reapedPid !== null) this.note(e.reapedPid);
        break;
      case 'exec':
      case 'exit':
      case 'cred':
      case 'setsid':
      case 'chroot':
      case 'prctl':
        this.note(e.tgid);
        break;
      default:
        break;
    }
  }

  /** Records the current state of `pid` (or its absence) for tableAt(). Every change to a process must be noted. */
  note(pid: number): void {
    const p = this.procs.get(pid);
    this.journal.push({
      from: this.events.length,
      pid,
      proc: p === undefined ? null : Object.freeze({ ...p, cmdline: [...p.cmdline] }),
    });
  }

  /** The process table as it stood after the first `cut` events (zombies included, as /proc lists them). */
  tableAt(cut: number): Map<number, Readonly<SimProcess>> {
    const table = new Map<number, Readonly<SimProcess>>();
    for (const c of this.journal) {
      if (c.from > cut) break;
      if (c.proc === null) table.delete(c.pid);
      else table.set(c.pid, c.proc);
    }
    return table;
  }

  /** Boot-clock ns of the last tick (no time passes). */
  current(): number {
    return this.now;
  }

  /** setproctitle(3): what /proc/pid/cmdline shows from now on (no event). */
  title(pid: number, text: string): void {
    const p = this.proc(pid);
    p.cmdline = [text];
    this.note(pid);
  }

  /** The process closes (or, with a peer, receives) its connected TCP socket (no event). */
  holdPeer(pid: number, peer: InetEndpoint | null): void {
    this.proc(pid).peer = peer;
    this.note(pid);
  }

  ino(): number {
    return this.nextIno++;
  }

  /** The lowest free /dev/pts number, as devpts hands them out. */
  allocPty(): number {
    let n = 0;
    while (this.ptys.has(n)) n += 1;
    this.ptys.add(n);
    return n;
  }

  reservePty(n: number): void {
    this.ptys.add(n);
  }
  freePty(n: number): void {
    this.ptys.delete(n);
  }

  proc(pid: number): SimProcess {
    const p = this.procs.get(pid);
    if (p === undefined) throw new Error(`simulator bug: no process ${pid}`);
    return p;
  }

  /** A process that exists before the capture (the listener): never from the pool. */
  adopt(
    pid: number,
    ppid: number,
    comm: string,
    tty: string,
    shown: { exe: string; cmdline: readonly string[]; startNs: number; sid: number },
  ): void {
    this.procs.set(pid, {
      pid,
      ppid,
      creds: ROOT_CREDS,
      comm,
      tty,
      alive: true,
      exe: shown.exe,
      cmdline: [...shown.cmdline],
      startNs: shown.startNs,
      root: '/',
      sid: shown.sid,
      peer: null,
      seccomp: false,
    });
    this.note(pid);
  }

  /** Cyclic allocation over a small pool, skipping pids still in use; grows only when the pool is full. */
  private allocPid(): number {
    for (let tries = 0; tries < this.pidPoolSize; tries++) {
      const pid = this.nextPid;
      this.nextPid = pid + 1 >= this.pidBase + this.pidPoolSize ? this.pidBase : pid + 1;
      if (!this.procs.has(pid)) return pid;
    }
    this.pidPoolSize += 8;
    return this.allocPid();
  }

  /** A process started outside the tracked family (its fork is not seen): it shows up at its exec. */
  spawnUntracked(ppid: number, comm: string): number {
    const pid = this.allocPid();
    this.procs.set(pid, {
      pid,
      ppid,
      creds: ROOT_CREDS,
      comm,
      tty: '',
      alive: true,
      exe: INIT_EXE,
      cmdline: [INIT_EXE],
      startNs: this.now,
      root: '/',
      sid: pid,
      peer: null,
      seccomp: false,
    });
    this.note(pid);
    return pid;
  }

  private base(pid: number): { ts: number; tgid: number; tid: number; truncated: boolean } {
    return { ts: this.time(), tgid: pid, tid: pid, truncated: false };
  }

  /** The time of the event pushed last (the oracle's ground truth for when something happened). */
  lastTs(): number {
    return this.events[this.events.length - 1]!.ts;
  }

  fork(parentPid: number): number {
    const parent = this.proc(parentPid);
    const child = this.allocPid();
    const base = this.base(parentPid);
    this.procs.set(child, {
      ...parent,
      pid: child,
      ppid: parentPid,
      alive: true,
      cmdline: [...parent.cmdline],
      startNs: base.ts,
    });
    this.push({
      kind: 'fork',
      ...base,
      childTgid: child,
      childTid: child,
      thread: false,
      creds: parent.creds,
      comm: parent.comm,
    });
    return child;
  }

  exec(
    pid: number,
    filename: string,
    argv: readonly string[],
    flags: { familyRoot?: boolean; wasTracked?: boolean } = {},
  ): number {
    const p = this.proc(pid);
    p.comm = basename(filename).slice(0, CAPS.COMM_LEN - 1);
    p.exe = filename;
    p.cmdline = [...argv];
    this.push({
      kind: 'exec',
      ...this.base(pid),
      oldTid: pid,
      ppid: p.ppid,
      creds: p.creds,
      startBoottime: this.now,
      comm: p.comm,
      tty: p.tty,
      filename,
      argv: [...argv],
      argc: argv.length,
      familyRoot: flags.familyRoot ?? false,
      wasTracked: flags.wasTracked ?? true,
    });
    return this.lastTs();
  }

  /** The last thread exits; `reaper` says who collects the zombie. An orphan's pid is freed at once (callers
   *  only use 'init' just before the parent itself exits, so no fork can take the pid too early). */
  exit(pid: number, end: ProcessEnd, reaper: 'parent' | 'init'): number {
    const p = this.proc(pid);
    p.alive = false;
    const status = waitStatus(end);
    this.push({
      kind: 'exit',
      ...this.base(pid),
      exitCode: 'code' in end ? end.code : null,
      signal: 'signal' in end ? end.signal : null,
      core: false,
      rawStatus: status,
      ppid: p.ppid,
      startBoottime: 0,
      creds: p.creds,
      comm: p.comm,
    });
    if (reaper === 'init') {
      this.procs.delete(pid);
      this.note(pid);
    }
    return this.lastTs();
  }

  /** The parent's wait4 collects an exited child and frees its pid. */
  wait(parentPid: number, childPid: number, end: ProcessEnd, pidArg = -1): void {
    const child = this.proc(childPid);
    if (child.alive) throw new Error(`simulator bug: wait for live ${childPid}`);
    this.procs.delete(childPid);
    this.push({
      kind: 'wait',
      ...this.base(parentPid),
      call: 'wait4',
      ret: childPid,
      pidArg,
      options: pidArg === -1 ? 1 : 0,
      reapedPid: childPid,
      status: waitStatus(end),
      siCode: 0,
      siStatus: 0,
    });
  }

  /** A set*id call; ret < 0 leaves the credentials alone (EPERM tests). -1 args mean "unchanged". */
  cred(pid: number, call: CredCall, args: readonly number[], ret = 0): void {
    const p = this.proc(pid);
    if (ret === 0) p.creds = applyCred(p.creds, call, args);
    const padded = [...args, UNSET, UNSET, UNSET].slice(0, 3).map((a) => (a === -1 ? UNSET : a));
    this.push({ kind: 'cred', ...this.base(pid), call, ret, args: padded, creds: p.creds });
  }

  setgroups(pid: number, groups: readonly number[]): void {
    this.push({ kind: 'setgroups', ...this.base(pid), ret: 0, count: groups.length, groups: [...groups] });
  }

  chroot(pid: number, path: string): void {
    this.proc(pid).root = path;
    this.push({ kind: 'chroot', ...this.base(pid), ret: 0, path });
  }

  setsid(pid: number): void {
    this.proc(pid).tty = '';
    this.proc(pid).sid = pid;
    this.push({ kind: 'setsid', ...this.base(pid), ret: pid });
  }

  /** TIOCSCTTY: not an event, but later execs carry the tty. */
  setControllingTty(pid: number, tty: string): void {
    this.proc(pid).tty = tty;
    this.note(pid);
  }

  prctl(pid: number, op: 'no_new_privs' | 'seccomp'): void {
    if (op === 'seccomp') this.proc(pid).seccomp = true;
    this.push({ kind: 'prctl', ...this.base(pid), op, ret: 0, arg2: op === 'seccomp' ? 2 : 1, arg3: 0 });
  }

  /** Returns the new socket's inode; its time is lastTs(). */
  accept(pid: number, fd: number, local: InetEndpoint, peer: InetEndpoint): number {
    const sockIno = this.ino();
    this.proc(pid).peer = peer;
    this.push({ kind: 'accept', ...this.base(pid), fd, listenFd: 3, local, peer, sockIno });
    this.note(pid);
    return sockIno;
  }

  sockname(pid: number, call: 'getpeername' | 'getsockname', fd: number, addr: InetEndpoint, sockIno: number): void {
    this.push({ kind: 'sockname', ...this.base(pid), call, ret: 0, fd, addr, sockIno });
  }

  socketpair(pid: number, fds: readonly [number, number] = [5, 6]): readonly [number, number] {
    const inos = [this.ino(), this.ino()] as const;
    this.push({
      kind: 'socketpair',
      ...this.base(pid),
      ret: 0,
      family: 1,
      sockType: 1,
      fds: [...fds] as [number, number],
      inos,
      framed: true,
    });
    return inos;
  }

  /** One monitor-protocol message as the BPF message splitter reports it: withheld types carry no body at all. */
  message(pid: number, sockIno: number, msgType: number, body: Uint8Array): number {
    const cap = msgBodyCap(msgType);
    const kept = body.subarray(0, Math.min(cap, body.length));
    this.push({
      kind: 'frame',
      ...this.base(pid),
      truncated: cap > 0 && body.length > cap,
      sockIno,
      len: body.length + 1,
      msgType,
      withheld: cap === 0,
      body: Uint8Array.from(kept),
    });
    return this.lastTs();
  }

  fdpass(pid: number, sockIno: number): void {
    this.push({ kind: 'fdpass', ...this.base(pid), sockIno, controllen: 24, datalen: 1 });
  }

  banner(pid: number, sockIno: number, text: string): void {
    this.push({ kind: 'banner', ...this.base(pid), sockIno, text });
  }

  /** Anything that is not a kernel event (clock, snapshot, counters) at the current time. */
  meta<E extends TraceEvent>(make: (ts: number) => E): E {
    const e = make(this.time());
    this.push(e);
    return e;
  }
}

function applyCred(c: Creds, call: CredCall, args: readonly number[]): Creds {
  const keep = (v: number | undefined, old: number) => (v === undefined || v === -1 ? old : v);
  switch (call) {
    case 'setuid':
      return { ...c, uid: args[0]!, euid: args[0]!, suid: args[0]!, fsuid: args[0]! };
    case 'setgid':
      return { ...c, gid: args[0]!, egid: args[0]!, sgid: args[0]!, fsgid: args[0]! };
    case 'setresuid': {
      const euid = keep(args[1], c.euid);
      return { ...c, uid: keep(args[0], c.uid), euid, suid: keep(args[2], c.suid), fsuid: euid };
    }
    case 'setresgid': {
      const egid = keep(args[1], c.egid);
      return { ...c, gid: keep(args[0], c.gid), egid, sgid: keep(args[2], c.sgid), fsgid: egid };
    }
    case 'setreuid':
      return { ...c, uid: keep(args[0], c.uid), euid: keep(args[1], c.euid) };
    case 'setregid':
      return { ...c, gid: keep(args[0], c.gid), egid: keep(args[1], c.egid) };
  }
}

export function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

export type { KernelEvent };
