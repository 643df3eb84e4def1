// What "incomplete rather than wrong" means for a history that was cut short or lost events: every record must
// either be exactly the oracle's or be marked incomplete and agree with the oracle on what it claims.
import assert from 'node:assert/strict';
import type { CountersEvent, TraceEvent } from '../../capture/events';
import type { OutputRecord } from '../../model/records';
import { sourceKey, type Model, type OracleConn } from './oracle';
import {
  reconcileTimes,
  story,
  viewExpected,
  viewRecords,
  wallTime,
  type CommandView,
  type ConnView,
  type SessionView,
} from './compare';

/** What the model says of a record the capture ended in the middle of. */
const CUT = 'capture ended';

function conns(m: Model): Map<string, OracleConn> {
  return new Map(m.conns.map((c) => [sourceKey(c.source), c]));
}

/** A command seen before the cut: same program, process and start; its ending is either the real one or not
 *  known yet. */
function consistentCommand(seen: CommandView, truth: CommandView): boolean {
  if (seen.pid !== truth.pid || JSON.stringify(seen.argv) !== JSON.stringify(truth.argv)) return false;
  if (seen.path !== truth.path || seen.ppid !== truth.ppid || seen.channel !== truth.channel) return false;
  if (seen.start !== truth.start) return false;
  if (seen.end === null)
    return seen.duration_ms === null && !seen.replaced_by_exec && seen.exit_code === null && seen.signal === null;
  if (seen.end !== truth.end || seen.duration_ms !== truth.duration_ms) return false;
  if (seen.replaced_by_exec) return truth.replaced_by_exec;
  return seen.exit_code === truth.exit_code && seen.signal === truth.signal && !truth.replaced_by_exec;
}

function consistentSession(seen: SessionView, truth: SessionView): string | null {
  if (seen.user !== truth.user || seen.uid !== truth.uid || seen.method !== truth.method) return 'who/how differs';
  if (seen.start !== truth.start) return `start ${seen.start} instead of ${truth.start}`;
  if (seen.end !== null || seen.end_reason !== CUT)
    return `end ${seen.end} (${seen.end_reason}) before the session ended`;
  if (seen.tty !== null && seen.tty !== truth.tty) return `tty ${seen.tty} instead of ${truth.tty}`;
  if (seen.commands.length > truth.commands.length) return 'more commands than were run';
  const bad = seen.commands.findIndex((cmd, i) => !consistentCommand(cmd, truth.commands[i]!));
  return bad < 0 ? null : `command ${bad} contradicts what ran`;
}

/** Records of a connection cut before its end: complete ones exact, others incomplete and not contradicting. */
function checkOpenConn(key: string, seen: ConnView, truth: ConnView, oc: OracleConn): void {
  assert.deepStrictEqual(seen.auths, truth.auths.slice(0, seen.auths.length), `${key}: auth records`);
  for (const s of seen.sessions) {
    assert.ok(s.incomplete, `${key}: a session cut short must be incomplete`);
    const t = truth.sessions[0];
    assert.ok(t !== undefined, `${key}: a session record for a connection that never logged in`);
    const problem = consistentSession(s, t);
    assert.equal(problem, null, `${key}: ${problem}`);
  }
  for (const c of seen.connections) {
    assert.ok(c.incomplete, `${key}: a connection cut short must be incomplete`);
    assert.equal(c.start, reconcileTimes(c.start, wallTime(oc.startTs)), `${key}: connection start`);
    assert.deepEqual([c.end, c.end_reason], [null, CUT], `${key}: a connection cut short has no end`);
    const expectedUser = truth.sessions[0]?.user ?? truth.connections[0]?.user ?? null;
    assert.ok(c.user === null || c.user === expectedUser, `${key}: user ${c.user} instead of ${expectedUser}`);
    assert.ok(c.attempts <= seen.auths.length + 1, `${key}: more attempts than were decided`);
  }
  assert.ok(seen.sessions.length + seen.connections.length <= 1, `${key}: more than one end record`);
}

function acceptedOnly(v: ConnView): boolean {
  return (
    v.auths.length === 0 &&
    v.sessions.length === 0 &&
    v.connections.length === 1 &&
    v.connections[0]!.pids.monitor === null &&
    v.connections[0]!.attempts === 0
  );
}

/** The history was cut after `cut` events: finished connections are exact, open ones incomplete but right. */
export function checkTruncated(records: readonly OutputRecord[], m: Model, cut: number): void {
  const seen = viewRecords(records);
  const truth = reconcileTimes(seen.bySource, viewExpected(m).bySource);
  const byKey = conns(m);
  try {
    assert.deepStrictEqual(seen.anomalies, []);
    for (const [key, view] of Object.entries(seen.bySource)) {
      const c = byKey.get(key);
      // Accepted but not forked before the cut (or refused): one connection record without a monitor.
      if ((c === undefined || c.startedAt >= cut) && acceptedOnly(view)) continue;
      assert.ok(c !== undefined && c.startedAt < cut, `${key}: records for a connection not yet started`);
      if (c.endedAt !== null && c.endedAt <= cut) assert.deepStrictEqual(view, truth[key], `${key}: finished`);
      else checkOpenConn(key, view, truth[key]!, c);
    }
    for (const c of m.conns) {
      if (c.startedAt >= cut || (c.endedAt !== null && c.endedAt > cut)) continue;
      assert.ok(seen.bySource[sourceKey(c.source)] !== undefined, `#${c.n} finished before the cut but has no records`);
    }
  } catch (err) {
    throw new Error(`cut after ${cut} events:\n${story(m)}\n${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A counters event saying `dropped` events of some kind were lost, placed just after event `at - 1`. */
export function lossAt(events: readonly TraceEvent[], at: number, dropped: number): CountersEvent {
  return {
    kind: 'counters',
    ts: events[at - 1]!.ts + 1,
    emitted: { exec: 10 },
    dropped: { exec: dropped },
    truncated: 0,
    frameDesync: 0,
    trackFailed: 0,
    readFailed: 0,
    userDropped: 0,
    unknownEvents: 0,
  };
}

/** Records overlapping the loss are incomplete; records of connections started after it are exact. */
export function checkLoss(records: readonly OutputRecord[], m: Model, at: number): void {
  const seen = viewRecords(records);
  const truth = reconcileTimes(seen.bySource, viewExpected(m).bySource);
  const incompleteOnly = (v: ConnView) => ({
    ...v,
    auths: v.auths.map((a) => ({ ...a, incomplete: true })),
    sessions: v.sessions.map((s) => ({ ...s, incomplete: true })),
    connections: v.connections.map((c) => ({ ...c, incomplete: true })),
  });
  try {
    assert.ok(
      seen.anomalies.length > 0 && seen.anomalies.every((a) => a.startsWith('events lost')),
      'one loss anomaly',
    );
    for (const c of m.conns) {
      const key = sourceKey(c.source);
      const view = seen.bySource[key];
      if (c.startedAt >= at) assert.deepStrictEqual(view, truth[key], `${key} started after the loss`);
      else if (c.endedAt! > at) assert.deepStrictEqual(view, incompleteOnly(truth[key]!), `${key} overlaps the loss`);
      else assert.deepStrictEqual(view && incompleteOnly(view), incompleteOnly(truth[key]!), `${key} ended before it`);
    }
  } catch (err) {
    throw new Error(`loss after ${at} events:\n${story(m)}\n${err instanceof Error ? err.message : String(err)}`);
  }
}
