// A second /proc snapshot in one stream: the recorder was restarted (a service restart writing into the same
// directory) and the captures are replayed together. What both recordings saw stays one connection, marked
// incomplete for the gap; what ended unseen is reported as such; only what is new is seeded.
import type { SnapshotEvent, SnapshotProcess } from '../capture/events';
import type { Conn, Proc, State } from './state';
import { dropProc, hold, markIncomplete, putConn, putProc } from './update';
import { connectionRecord, sessionRecord } from './emit';
import { commandFromSnapshot } from './sessions';
import {
  childrenOf,
  login,
  monitorChildRole,
  seedAll,
  seedChannel,
  seedConnection,
  seededGeneration,
  sorted,
  toProc,
} from './snapshot-seed';

const GAP = 'the recorder was not running for a while (between two captures)';
const START_SLACK_NS = 20_000_000; // /proc start times count 10 ms ticks

function sameProcess(p: Proc, q: SnapshotProcess): boolean {
  return Math.abs(p.startTs - q.startBoottime) <= START_SLACK_NS || (p.fromSnapshot && p.startTs === q.startBoottime);
}

export function resumeFrom(s: State, e: SnapshotEvent): State {
  s = { ...s, lossTotal: 0 }; // the new recorder's loss counters start from zero
  const alive = new Map(e.processes.map((p) => [p.pid, p]));
  const still = (p: Proc | undefined) => p !== undefined && alive.has(p.pid) && sameProcess(p, alive.get(p.pid)!);
  const children = childrenOf(e.processes);
  for (const c of s.conns
    .valueSeq()
    .sortBy((c) => c.startTs)
    .toArray()) {
    s = still(s.procs.get(c.monitor))
      ? putConn(s, markIncomplete(learnGeneration(s, c, alive, children), GAP))
      : endedUnseen(s, c);
  }
  for (const p of s.procs.valueSeq().toArray()) if (!still(p)) s = dropProc(s, p.pid);
  const fresh = e.processes.filter((p) => !s.procs.has(p.pid));
  return adopt(handedOver(s, fresh), fresh, alive);
}

/** An accept the first recording saw whose connection /proc now shows (forked while no recorder ran): the
 *  snapshot seeds that connection, so the accept is no longer pending (else the next accept would call it refused). */
function handedOver(s: State, fresh: readonly SnapshotProcess[]): State {
  let accepted = s.accepted;
  for (const [listener, pending] of s.accepted) {
    const peer = pending.peer;
    if (
      peer !== null &&
      fresh.some((p) => p.ppid === listener && p.peer?.ip === peer.ip && p.peer.port === peer.port)
    ) {
      accepted = accepted.delete(listener);
    }
  }
  return accepted === s.accepted ? s : { ...s, accepted };
}

/** The exec that would have told the generation may have come while no recorder ran: /proc tells it now. */
function learnGeneration(
  s: State,
  c: Conn,
  alive: ReadonlyMap<number, SnapshotProcess>,
  children: Map<number, SnapshotProcess[]>,
): Conn {
  const listener = c.listener === null ? undefined : alive.get(c.listener);
  const monitor = alive.get(c.monitor);
  if (c.generation !== 'unknown' || listener === undefined || monitor === undefined) return c;
  return { ...c, generation: seededGeneration(s, listener, monitor, children.get(monitor.pid) ?? []) };
}

function endedUnseen(s: State, c: Conn): State {
  const gone = markIncomplete(c, GAP);
  const reason = 'ended while the recorder was not running';
  const record = gone.authenticated ? sessionRecord(s, gone, null, reason) : connectionRecord(s, gone, null, reason);
  return hold({ ...s, conns: s.conns.delete(c.id) }, record);
}

/** New processes under a process already followed join it by its role; wholly new trees are seeded. */
function adopt(s: State, fresh: readonly SnapshotProcess[], alive: ReadonlyMap<number, SnapshotProcess>): State {
  const children = childrenOf(fresh);
  const freshPids = new Set(fresh.map((p) => p.pid));
  const newRoots: SnapshotProcess[] = [];
  for (const p of sorted(fresh.filter((q) => !freshPids.has(q.ppid)))) {
    const parent = s.procs.get(p.ppid);
    if (parent === undefined) newRoots.push(p);
    else s = adoptUnder(s, parent, alive.get(parent.pid)!, p, children);
  }
  return seedAll(
    s,
    fresh.filter((p) => newRoots.some((root) => isBelow(p, root, alive))),
  );
}

function isBelow(p: SnapshotProcess, root: SnapshotProcess, byPid: ReadonlyMap<number, SnapshotProcess>): boolean {
  const seen = new Set<number>(); // a damaged snapshot may hold a ppid cycle
  for (let q: SnapshotProcess | undefined = p; q !== undefined && !seen.has(q.pid); q = byPid.get(q.ppid)) {
    if (q.pid === root.pid) return true;
    seen.add(q.pid);
  }
  return false;
}

function adoptUnder(
  s: State,
  parent: Proc,
  parentNow: SnapshotProcess,
  p: SnapshotProcess,
  children: Map<number, SnapshotProcess[]>,
): State {
  const c = parent.conn === null ? undefined : s.conns.get(parent.conn);
  if (parent.role === 'listener' || parent.role === 'sshd') return seedConnection(s, parentNow, p, children);
  if (c === undefined) return putProc(s, toProc(p, 'other', null, null));
  if (parent.role === 'monitor') return adoptMonitorChild(s, c, parentNow, p, children);
  if (parent.role === 'postauth') {
    const [next, conn] = seedChannel(s, c, p, children);
    return putConn(next, conn);
  }
  if (parent.role === 'session') return adoptIntoChannel(s, c, parent, p, children);
  return putProc(s, toProc(p, 'helper', c.id, null));
}

function adoptMonitorChild(
  s: State,
  c: Conn,
  monitor: SnapshotProcess,
  p: SnapshotProcess,
  children: Map<number, SnapshotProcess[]>,
): State {
  const role = monitorChildRole(p, monitor, children.get(p.pid) ?? []);
  s = putProc(s, toProc(p, role, c.id, null));
  if (role !== 'postauth' && role !== 'session') return s;
  let conn = c.authenticated ? c : login(s, c, p);
  if (role === 'postauth') conn = { ...conn, postauth: p.pid };
  if (role === 'session') [s, conn] = seedChannel(s, conn, p, children);
  return putConn(s, conn);
}

/** A process started during the gap inside a channel: its tree becomes commands of that channel. */
function adoptIntoChannel(
  s: State,
  c: Conn,
  parent: Proc,
  root: SnapshotProcess,
  children: Map<number, SnapshotProcess[]>,
): State {
  const stack = [root];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const p = stack.shift()!;
    if (seen.has(p.pid)) continue;
    seen.add(p.pid);
    const cmd = commandFromSnapshot(p.pid, p.ppid, p.argv, p.exe, p.startBoottime, parent.channel, p.tty || null);
    s = putProc(s, { ...toProc(p, 'session', c.id, parent.channel), command: c.commands.size });
    c = { ...c, commands: c.commands.push(cmd) };
    stack.push(...sorted(children.get(p.pid)));
  }
  return putConn(s, c);
}
