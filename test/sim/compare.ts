// Both sides of the oracle comparison in one shape: records grouped by client address (unique per connection in
// a scenario), reduced to the contract fields of model/records.ts, so that assert.deepStrictEqual shows a
// readable diff per connection.
//
// Times: the oracle knows when the simulated world did each thing (boot-clock ns) and the capture's clock offset
// (REALTIME_OFFSET_NS), so it knows each wall time exactly; it writes them with nanoseconds and reconcileTimes()
// turns each into the record's microseconds (see there for the rounding the records may show).
import assert from 'node:assert/strict';
import type { OutputRecord } from '../../model/records';
import { REFUSED_REASON, sourceKey, type ExpectedCommand, type Model, type OracleConn } from './oracle';
import { REALTIME_OFFSET_NS } from './world';

export interface AuthView {
  readonly time: string;
  readonly user: string;
  readonly invalid_user: boolean;
  readonly success: boolean;
  readonly method: string;
  readonly source: { ip: string; port: number } | null;
  readonly key: { type: string; fingerprint: string } | null;
  readonly incomplete: boolean;
}

export interface CommandView {
  readonly argv: readonly string[];
  readonly path: string;
  readonly pid: number;
  readonly ppid: number;
  readonly channel: number | null;
  readonly start: string;
  readonly end: string | null;
  readonly duration_ms: number | null;
  readonly exit_code: number | null;
  readonly signal: number | null;
  readonly replaced_by_exec: boolean;
}

export interface PidsView {
  readonly listener: number | null;
  readonly monitor: number | null;
  readonly preauth: number | null;
  readonly postauth?: number | null;
}

export interface SessionView {
  readonly user: string;
  readonly uid: number | null;
  readonly source: { ip: string; port: number } | null;
  readonly start: string;
  readonly end: string | null;
  readonly end_reason: string;
  readonly tty: string | null;
  readonly method: string | null;
  readonly incomplete: boolean;
  readonly pids: PidsView;
  readonly commands: readonly CommandView[];
}

export interface ConnectionView {
  readonly source: { ip: string; port: number } | null;
  readonly start: string;
  readonly end: string | null;
  readonly end_reason: string;
  readonly user: string | null;
  readonly invalid_user: boolean;
  readonly attempts: number;
  readonly incomplete: boolean;
  readonly pids: PidsView;
}

// ---- Times ----------------------------------------------------------------------------------------------------

const OFFSET_NS = BigInt(REALTIME_OFFSET_NS); // an integer below 2^63 that a double holds exactly
const EXACT = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{9})Z$/;
const RECORD = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{6})Z$/;

/** The wall time of a boot-clock instant in the simulated world, exact: "2026-01-01T00:00:05.000123456Z". */
export function wallTime(ts: number): string {
  const ns = BigInt(ts) + OFFSET_NS;
  const second = ns / 1_000_000_000n;
  const prefix = new Date(Number(second) * 1000).toISOString().slice(0, 19);
  return `${prefix}.${String(ns % 1_000_000_000n).padStart(9, '0')}Z`;
}

function parseNs(m: RegExpExecArray, digits: number): bigint {
  return BigInt(Date.parse(`${m[1]}Z`)) * 1_000_000n + BigInt(m[2]!) * 10n ** BigInt(9 - digits);
}

function microsIso(ns: bigint): string {
  const second = ns / 1_000_000_000n;
  const prefix = new Date(Number(second) * 1000).toISOString().slice(0, 19);
  return `${prefix}.${String((ns % 1_000_000_000n) / 1000n).padStart(6, '0')}Z`;
}

/**
 * How far a record's wall time may stray from the exact one before truncation to microseconds. The clock event's
 * realtimeNs is a JS number near 1.8e18 (a double's step there is 256 ns), and the model adds the offset in
 * doubles too: three roundings of at most 128 ns and the division by 1000 (at most 125 ns) — 509 ns at worst.
 * That is far below the recorder's own clock calibration (record/boot-clock.ts), and still tells apart two
 * events the simulator spaces at least 1 µs apart in all but the rare cases where the gap is near that minimum.
 */
const ROUNDING_NS = 512n;

/** Is `record` ("…56.123456Z") what a time of exactly `exactNs` can become in a record? */
function acceptable(record: string, exactNs: bigint): boolean {
  const m = RECORD.exec(record);
  if (m === null) return false;
  const us = parseNs(m, 6);
  const floorUs = (ns: bigint) => (ns / 1000n) * 1000n;
  return us >= floorUs(exactNs - ROUNDING_NS) && us <= floorUs(exactNs + ROUNDING_NS);
}

/**
 * The expected view with each exact time (9 digits) replaced by the record's own string when the record shows
 * that instant (see ROUNDING_NS), else by the instant truncated to microseconds, so that a wrong time shows as
 * a plain difference in deepStrictEqual's diff. `actual` is walked alongside (same shape where they agree).
 */
export function reconcileTimes<T>(actual: unknown, expected: T): T {
  if (typeof expected === 'string') {
    const m = EXACT.exec(expected);
    if (m === null) return expected;
    const exact = parseNs(m, 9);
    return (typeof actual === 'string' && acceptable(actual, exact) ? actual : microsIso(exact)) as T;
  }
  if (Array.isArray(expected)) {
    return expected.map((e, i) => reconcileTimes(Array.isArray(actual) ? actual[i] : undefined, e)) as T;
  }
  if (expected !== null && typeof expected === 'object') {
    const a = actual !== null && typeof actual === 'object' ? (actual as Record<string, unknown>) : {};
    return Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, reconcileTimes(a[k], v)])) as T;
  }
  return expected;
}

/** A command's duration as records give it: milliseconds, rounded to the microsecond. */
function expectedDuration(startTs: number, endTs: number | null): number | null {
  return endTs === null ? null : Math.round((endTs - startTs) / 1000) / 1000;
}

export interface ConnView {
  auths: AuthView[];
  sessions: SessionView[];
  connections: ConnectionView[];
  /** session_start records are optional, but at most one per login and never before its successful auth. */
  sessionStartProblems: string[];
}

export interface RecordsView {
  readonly bySource: Record<string, ConnView>;
  readonly anomalies: string[];
}

const emptyView = (): ConnView => ({ auths: [], sessions: [], connections: [], sessionStartProblems: [] });

function slot(view: Record<string, ConnView>, source: { ip: string; port: number } | null): ConnView {
  const k = sourceKey(source);
  return (view[k] ??= emptyView());
}

function sessionStart(v: ConnView, seen: Set<string>, key: string): void {
  if (!v.auths.some((a) => a.success)) v.sessionStartProblems.push('session_start before its successful auth');
  if (seen.has(key)) v.sessionStartProblems.push('more than one session_start');
  seen.add(key);
}

/** What the reducer said, in contract fields. */
export function viewRecords(records: readonly OutputRecord[]): RecordsView {
  const bySource: Record<string, ConnView> = {};
  const anomalies: string[] = [];
  const started = new Set<string>();
  for (const r of records) {
    switch (r.type) {
      case 'auth':
        slot(bySource, r.source).auths.push({
          time: r.time,
          user: r.user,
          invalid_user: r.invalid_user,
          success: r.success,
          method: r.method,
          source: r.source,
          key: r.key,
          incomplete: r.incomplete,
        });
        break;
      case 'session':
        slot(bySource, r.source).sessions.push({
          user: r.user,
          uid: r.uid,
          source: r.source,
          start: r.start,
          end: r.end,
          end_reason: r.end_reason,
          tty: r.tty,
          method: r.method,
          incomplete: r.incomplete,
          pids: { ...r.pids },
          commands: r.commands.map((c) => ({
            argv: c.argv,
            path: c.path,
            pid: c.pid,
            ppid: c.ppid,
            channel: c.channel,
            start: c.start,
            end: c.end,
            duration_ms: c.duration_ms,
            exit_code: c.exit_code,
            signal: c.signal,
            replaced_by_exec: c.replaced_by_exec,
          })),
        });
        break;
      case 'connection':
        slot(bySource, r.source).connections.push({
          source: r.source,
          start: r.start,
          end: r.end,
          end_reason: r.end_reason,
          user: r.user,
          invalid_user: r.invalid_user,
          attempts: r.attempts,
          incomplete: r.incomplete,
          pids: { listener: r.pids.listener, monitor: r.pids.monitor, preauth: r.pids.preauth },
        });
        break;
      case 'session_start':
        sessionStart(slot(bySource, r.source), started, sourceKey(r.source));
        break;
      case 'anomaly':
        anomalies.push(`${r.what}: ${r.detail} (pid ${r.pid})`);
        break;
    }
  }
  return { bySource, anomalies };
}

const orNull = (ts: number | null): string | null => (ts === null ? null : wallTime(ts));

function expectedCommand(cmd: ExpectedCommand): CommandView {
  return {
    argv: cmd.argv,
    path: cmd.path,
    pid: cmd.pid,
    ppid: cmd.ppid,
    channel: cmd.channel,
    start: wallTime(cmd.startTs),
    end: orNull(cmd.endTs),
    duration_ms: expectedDuration(cmd.startTs, cmd.endTs),
    exit_code: cmd.exit_code,
    signal: cmd.signal,
    replaced_by_exec: cmd.replaced_by_exec,
  };
}

function expectedConn(c: OracleConn): ConnView {
  const v = emptyView();
  v.auths = c.auths.map(({ decidedTs, ...a }) => ({ time: wallTime(decidedTs), ...a }));
  if (c.method !== null) {
    v.sessions.push({
      // A session starts when its login was decided and ends with its monitor.
      user: c.user!,
      uid: c.uid,
      source: c.source,
      start: wallTime(c.loginTs!),
      end: orNull(c.endTs),
      end_reason: c.endReason!,
      tty: c.tty,
      method: c.method,
      incomplete: false,
      pids: { ...c.pids },
      commands: c.commands.map(expectedCommand),
    });
  } else {
    v.connections.push({
      // A connection starts with the listener's fork for it (the accept only queues the peer).
      source: c.source,
      start: wallTime(c.startTs),
      end: orNull(c.endTs),
      end_reason: c.endReason!,
      user: c.user,
      invalid_user: c.user !== null && !c.valid,
      attempts: c.auths.length,
      incomplete: false,
      pids: { listener: c.pids.listener, monitor: c.pids.monitor, preauth: c.pids.preauth },
    });
  }
  return v;
}

/** What the records must say, from the oracle's model (a connection refused before a fork gives a
 *  connection record with no monitor). */
export function viewExpected(m: Model): RecordsView {
  const bySource: Record<string, ConnView> = {};
  for (const c of m.conns) bySource[sourceKey(c.source)] = expectedConn(c);
  for (const r of m.refusedConns) {
    const v = emptyView();
    v.connections.push({
      // sshd closes a refused connection at once (sshd.c server_accept_loop: close(*newsock); continue).
      source: r.source,
      start: wallTime(r.acceptTs),
      end: wallTime(r.acceptTs),
      end_reason: REFUSED_REASON,
      user: null,
      invalid_user: false,
      attempts: 0,
      // Unconfirmed (the capture ended before the listener's next accept): it may have been about to fork.
      incomplete: !r.confirmed,
      pids: { listener: r.listener, monitor: null, preauth: null },
    });
    bySource[sourceKey(r.source)] = v;
  }
  return { bySource, anomalies: [] };
}

/** The scenario as this run resolved it: set-up, then one line per action. */
export function story(m: Model): string {
  const s = m.setup;
  const head =
    `OpenSSH ${s.release.version} (${s.release.generation.name}), listener from ${s.listenerStart}` +
    `${s.listenerTty === '' ? '' : ` on ${s.listenerTty}`}${s.rexec ? '' : ' with -r'}` +
    `${s.usePam ? `, UsePAM${s.motd ? ' + pam_motd' : ''}` : ', no PAM'}, PermitRootLogin ${s.permitRootLogin}` +
    `, pid pool ${s.pidPoolSize}`;
  return [head, ...m.story.map((line, i) => `  ${i + 1}. ${line}`)].join('\n');
}

/** deepStrictEqual, with the scenario's story in the message so a shrunk counterexample reads as a story. */
export function assertSameView(actual: RecordsView, expected: RecordsView, m: Model): void {
  try {
    assert.deepStrictEqual(actual, reconcileTimes(actual, expected));
  } catch (err) {
    const diff = err instanceof Error ? err.message : String(err);
    throw new Error(`records differ from the oracle for this scenario:\n${story(m)}\n${diff}`);
  }
}
