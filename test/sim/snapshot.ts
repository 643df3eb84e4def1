// /proc snapshots of the simulated machine at any point of a privsep history, as record/proc-snapshot.ts would
// read them there: the sshd family (processes whose exe is sshd, sshd-session or sshd-auth, and all their
// descendants), zombies included, with what /proc shows of each. Built from the simulator's own process table
// (KernelSim.tableAt), never from the reducer. Also: the streams a recorder restart or a capture started
// mid-history produce, and the ground truth of each connection's life in event indexes.
import type { ClockEvent, SnapshotEvent, SnapshotProcess, TraceEvent } from '../../capture/events';
import { TRACK } from '../../capture/layout';
import { basename, type KernelSim, type SimProcess } from './kernel';
import type { OracleConn } from './oracle';
import { captureHeader, type History } from './scenario';
import { LISTENER_PID, REALTIME_OFFSET_NS } from './world';
import { MON } from './messages';
import { FAMILY_NAMES } from '../../model/versions';

/** USER_HZ: /proc/pid/stat counts start times in 10 ms ticks (the kernel truncates). */
const TICK_NS = 10_000_000;

const isFamilyImage = (exe: string): boolean => exe !== '' && FAMILY_NAMES.includes(basename(exe));

export interface SnapshotOptions {
  /** false: leave zombies out, as if every exit were reaped at once (to look past the finding about them). */
  readonly zombies?: boolean;
}

/**
 * What the recorder's /proc scan would list after the first `cut` events of the history: family roots and their
 * descendants, in pid order. A zombie (exited, not yet reaped) is listed as /proc shows one: its stat, status and
 * session still read, but exe and root no longer resolve, cmdline is empty and it holds no descriptors.
 */
export function procSnapshot(sim: KernelSim, cut: number, options: SnapshotOptions = {}): SnapshotProcess[] {
  const table = sim.tableAt(cut);
  if (options.zombies === false) for (const [pid, p] of table) if (!p.alive) table.delete(pid);
  const shown = (p: Readonly<SimProcess>) => ({
    exe: p.alive ? p.exe : '',
    root: p.alive ? p.root : '',
    argv: p.alive ? p.cmdline : [],
    peer: p.alive ? p.peer : null,
  });
  const children = new Map<number, number[]>();
  for (const p of table.values()) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const members = new Set<number>();
  const queue = [...table.values()].filter((p) => isFamilyImage(shown(p).exe)).map((p) => p.pid);
  while (queue.length > 0) {
    const pid = queue.pop()!;
    if (members.has(pid)) continue;
    members.add(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return [...members]
    .sort((x, y) => x - y)
    .map((pid) => {
      const p = table.get(pid)!;
      const parent = table.get(p.ppid);
      const { exe, root, argv, peer } = shown(p);
      const sshdImage = isFamilyImage(exe);
      const parentRoot = parent === undefined ? '/' : shown(parent).root || '/';
      const chrooted =
        sshdImage && parent !== undefined && isFamilyImage(shown(parent).exe) && root !== '' && root !== parentRoot;
      const flags =
        TRACK.FOLLOWED |
        (sshdImage ? TRACK.SSHD_IMAGE : 0) |
        (chrooted ? TRACK.CHROOTED : 0) |
        (sshdImage && p.seccomp ? TRACK.SANDBOXED : 0);
      const c = p.creds;
      return {
        pid,
        ppid: p.ppid,
        exe,
        argv: [...argv],
        comm: p.comm,
        uid: [c.uid, c.euid, c.suid, c.fsuid] as const,
        gid: [c.gid, c.egid, c.sgid, c.fsgid] as const,
        auid: c.auid,
        sessionid: c.sessionid,
        startBoottime: Math.floor(p.startNs / TICK_NS) * TICK_NS,
        tty: p.tty,
        root,
        flags,
        peer,
        sid: p.sid,
      };
    });
}

/** The snapshot event a recorder starting after the first `cut` events writes, at `ts`. */
export function snapshotEvent(h: History, cut: number, ts: number, options: SnapshotOptions = {}): SnapshotEvent {
  return { kind: 'snapshot', ts, processes: procSnapshot(h.sim, cut, options), ...captureHeader(h.model.setup) };
}

const clock = (ts: number): ClockEvent => ({ kind: 'clock', ts, realtimeNs: ts + REALTIME_OFFSET_NS });

/** Cut points that leave the opening (clock, snapshot) before and the closing (counters, capture_end) after. */
export function cutRange(h: History): { min: number; max: number } {
  return { min: 2, max: h.events.length - 2 };
}

/** Boot-clock ns just before event `i` (events are at least 1 µs apart: room for a few more). */
const before = (events: readonly TraceEvent[], i: number, k: number): number => events[i]!.ts - k;
const after = (events: readonly TraceEvent[], i: number, k: number): number => events[i]!.ts + k;

/**
 * A recorder restart into the same directory, replayed as one stream: the first run saw events [0, a) (and, when
 * it stopped cleanly, wrote its counters and capture_end); the second started after event b-1 with a clock event
 * and a fresh /proc snapshot, and saw [b, end). Events [a, b) happened while no recorder ran.
 */
export function restartStream(
  h: History,
  a: number,
  b: number,
  cleanStop: boolean,
  options: SnapshotOptions = {},
): { stream: TraceEvent[]; restartTs: number } {
  const ev = h.events;
  const stop: TraceEvent[] = cleanStop
    ? [
        {
          kind: 'counters',
          ts: after(ev, a - 1, 1),
          emitted: {},
          dropped: {},
          truncated: 0,
          frameDesync: 0,
          trackFailed: 0,
          readFailed: 0,
          userDropped: 0,
          unknownEvents: 0,
        },
        { kind: 'capture_end', ts: after(ev, a - 1, 2), clean: true, reason: 'recorder stopped' },
      ]
    : [];
  const restartTs = before(ev, b, 1);
  const start = [clock(before(ev, b, 2)), snapshotEvent(h, b, restartTs, options)];
  return { stream: [...ev.slice(0, a), ...stop, ...start, ...ev.slice(b)], restartTs };
}

/** A capture that started after event a-1: its clock event, its /proc snapshot, then the rest of the history. */
export function midStream(
  h: History,
  a: number,
  options: SnapshotOptions = {},
): { stream: TraceEvent[]; startTs: number } {
  const startTs = before(h.events, a, 1);
  const snapshot = snapshotEvent(h, a, startTs, options);
  return { stream: [clock(before(h.events, a, 2)), snapshot, ...h.events.slice(a)], startTs };
}

// ---- Ground truth: each connection's life as event indexes ----------------------------------------------------

export interface Life {
  readonly conn: OracleConn;
  readonly fork: number; // the listener's fork of the monitor
  readonly exit: number; // the monitor's exit
  readonly reap: number; // the listener's wait4 that freed its pid
  readonly login: number | null; // the event that decided the successful attempt
  readonly pwnam: number | null; // the pre-auth child's PWNAM (the user's name)
  readonly ansPwnam: number | null; // the monitor's answer (the uid)
  readonly keyexport: number | null; // the pre-auth child's KEYEXPORT: the login is done
}

export function lives(h: History): Life[] {
  const ev = h.events;
  const messageOf = (c: OracleConn, type: number, pid = c.pids.preauth): number | null => {
    const i = ev.findIndex((e, j) => j > c.startedAt && e.kind === 'frame' && e.tgid === pid && e.msgType === type);
    return i < 0 || i > c.endedAt! ? null : i;
  };
  return h.model.conns.map((c) => {
    const exit = c.endedAt! - 1;
    let reap = exit + 1;
    while (
      reap < ev.length &&
      !(ev[reap]!.kind === 'wait' && (ev[reap] as { reapedPid: number | null }).reapedPid === c.pids.monitor)
    )
      reap += 1;
    const login = c.loginTs === null ? null : ev.findIndex((e) => e.ts === c.loginTs);
    return {
      conn: c,
      fork: c.startedAt,
      exit,
      reap,
      login,
      pwnam: messageOf(c, MON.PWNAM),
      ansPwnam: messageOf(c, MON.ANS_PWNAM, c.pids.monitor),
      keyexport: messageOf(c, MON.KEYEXPORT),
    };
  });
}

/** Its monitor had been forked and had not exited after the first `cut` events. */
export const aliveAt = (l: Life, cut: number): boolean => l.fork < cut && l.exit >= cut;
/** Its monitor was listed by /proc then: alive, or a zombie not yet reaped. */
export const listedAt = (l: Life, cut: number): boolean => l.fork < cut && l.reap >= cut;

/**
 * Whether /proc shows the login after the first `cut` events: a channel process (a session leader) runs under the
 * monitor, or the post-auth child has dropped to the user's (non-root) uid. Otherwise the login is in flight (its
 * post-auth child not forked yet, or not yet setuid) or, for root, indistinguishable from sshd's root helpers.
 */
export function loginShows(h: History, l: Life, cut: number): boolean {
  if (!aliveAt(l, cut)) return false;
  const table = h.sim.tableAt(cut);
  const monitor = l.conn.pids.monitor;
  const under = (p: Readonly<SimProcess>): boolean => {
    const seen = new Set<number>();
    for (let q = table.get(p.ppid); q !== undefined && !seen.has(q.pid); q = table.get(q.ppid)) {
      if (q.pid === monitor) return true;
      seen.add(q.pid);
    }
    return false;
  };
  for (const p of table.values()) {
    if (!p.alive || !under(p)) continue;
    if (p.sid === p.pid) return true;
    if (p.pid === l.conn.pids.postauth && l.conn.uid !== null && l.conn.uid !== 0 && p.creds.uid === l.conn.uid)
      return true;
  }
  return false;
}

/**
 * The listener accepted a connection before event `a` and had not handed it over (fork) yet, and what settled it
 * (the fork for it, or the next accept, which shows it was refused) came while no recorder ran, in [a, b).
 */
export function handOverLost(h: History, a: number, b: number): boolean {
  const byListener = (e: TraceEvent) => (e.kind === 'accept' || e.kind === 'fork') && e.tgid === LISTENER_PID;
  let pending = false;
  for (let i = 0; i < a; i++) {
    const e = h.events[i]!;
    if (byListener(e)) pending = e.kind === 'accept';
  }
  if (!pending) return false;
  for (let i = a; i < h.events.length; i++) if (byListener(h.events[i]!)) return i < b;
  return false;
}

/** model/snapshot-resume.ts START_SLACK_NS: /proc start times count 10 ms ticks, so a process listed again is
 *  recognised by its pid and a start within this much of the one known. */
export const START_SLACK_NS = 20_000_000;

/**
 * A pid that names one process after `a` events and another after `b`, both started within START_SLACK_NS: at
 * /proc's resolution the two are one process. Linux hands pids out cyclically up to pid_max (32768 and more), so a
 * pid comes back within 20 ms only on the simulator's small pool and compressed clock, never on a real machine:
 * such histories say nothing about the model.
 */
export function ambiguousReuse(h: History, a: number, b: number): boolean {
  const before = h.sim.tableAt(a);
  for (const [pid, q] of h.sim.tableAt(b)) {
    const p = before.get(pid);
    if (p !== undefined && p.startNs !== q.startNs && Math.abs(p.startNs - q.startNs) <= START_SLACK_NS + 10_000_000)
      return true;
  }
  return false;
}

/** After the first `cut` events, a pre-auth child has been forked (10.0+: exec'd sshd-auth) but not chroot'ed yet. */
export function preauthBeforeChrootAt(h: History, cut: number): boolean {
  return h.model.conns.some((c) => {
    if (c.startedAt >= cut || c.pids.preauth === null) return false;
    const chroot = h.events.findIndex((e, i) => i > c.startedAt && e.kind === 'chroot' && e.tgid === c.pids.preauth);
    const fork = h.events.findIndex((e, i) => i > c.startedAt && e.kind === 'fork' && e.childTgid === c.pids.preauth);
    return fork >= 0 && fork < cut && chroot >= cut;
  });
}

/** The listener exec'd after the first capture started (so the model knows it only as an sshd that has not
 *  accepted yet) and its first accept came while no recorder ran, in [a, b). */
export function firstAcceptLost(h: History, a: number, b: number): boolean {
  if (h.model.setup.listenerStart !== 'exec') return false;
  const first = h.events.findIndex((e) => e.kind === 'accept' && e.tgid === LISTENER_PID);
  return first >= a && first < b;
}

/** Forks by a monitor of a child that becomes a session leader (up to 9.7 root's channels), with the index of its
 *  setsid: between the two, /proc shows a root child of the monitor that leads no session yet. */
export function channelForks(h: History): { fork: number; setsid: number }[] {
  const monitors = new Set(h.model.conns.map((c) => c.pids.monitor));
  const out: { fork: number; setsid: number }[] = [];
  h.events.forEach((e, i) => {
    if (e.kind !== 'fork' || !monitors.has(e.tgid)) return;
    const setsid = h.events.findIndex((s, j) => j > i && s.kind === 'setsid' && s.tgid === e.childTgid);
    const gone = h.events.findIndex((s, j) => j > i && s.kind === 'exit' && s.tgid === e.childTgid);
    if (setsid >= 0 && (gone < 0 || setsid < gone)) out.push({ fork: i, setsid });
  });
  return out;
}
