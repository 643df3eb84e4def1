// Both sides of the oracle comparison in one shape: records grouped by client address (unique per connection in
// a scenario), reduced to the contract fields of model/records.ts, so that assert.deepStrictEqual shows a
// readable diff per connection.
import assert from 'node:assert/strict';
import type { OutputRecord } from '../../model/records';
import { sourceKey, type Model, type OracleConn } from './privsep-oracle';

export interface AuthView {
  readonly user: string; readonly invalid_user: boolean; readonly success: boolean; readonly method: string;
  readonly source: { ip: string; port: number } | null;
  readonly key: { type: string; fingerprint: string } | null;
  readonly incomplete: boolean;
}

export interface CommandView {
  readonly argv: readonly string[]; readonly pid: number;
  readonly exit_code: number | null; readonly signal: number | null; readonly replaced_by_exec: boolean;
}

export interface PidsView {
  readonly listener: number | null; readonly monitor: number | null; readonly preauth: number | null;
  readonly postauth?: number | null;
}

export interface SessionView {
  readonly user: string; readonly uid: number | null; readonly source: { ip: string; port: number } | null;
  readonly tty: string | null; readonly method: string | null; readonly incomplete: boolean;
  readonly pids: PidsView; readonly commands: readonly CommandView[];
}

export interface ConnectionView {
  readonly source: { ip: string; port: number } | null; readonly user: string | null;
  readonly invalid_user: boolean; readonly attempts: number; readonly incomplete: boolean; readonly pids: PidsView;
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
          user: r.user, invalid_user: r.invalid_user, success: r.success, method: r.method, source: r.source,
          key: r.key, incomplete: r.incomplete,
        });
        break;
      case 'session':
        slot(bySource, r.source).sessions.push({
          user: r.user, uid: r.uid, source: r.source, tty: r.tty, method: r.method, incomplete: r.incomplete,
          pids: { ...r.pids },
          commands: r.commands.map((c) => ({
            argv: c.argv, pid: c.pid, exit_code: c.exit_code, signal: c.signal, replaced_by_exec: c.replaced_by_exec,
          })),
        });
        break;
      case 'connection':
        slot(bySource, r.source).connections.push({
          source: r.source, user: r.user, invalid_user: r.invalid_user, attempts: r.attempts,
          incomplete: r.incomplete, pids: { listener: r.pids.listener, monitor: r.pids.monitor, preauth: r.pids.preauth },
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

function expectedConn(c: OracleConn): ConnView {
  const v = emptyView();
  v.auths = c.auths.map((a) => ({ ...a }));
  if (c.method !== null) {
    v.sessions.push({
      user: c.user!, uid: c.uid, source: c.source, tty: c.tty, method: c.method, incomplete: false,
      pids: { ...c.pids },
      commands: c.commands.map((cmd) => ({ ...cmd })),
    });
  } else {
    v.connections.push({
      source: c.source, user: c.user, invalid_user: c.user !== null && !c.valid, attempts: c.auths.length,
      incomplete: false, pids: { listener: c.pids.listener, monitor: c.pids.monitor, preauth: c.pids.preauth },
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
      // Unconfirmed (the capture ended before the listener's next accept): it may have been about to fork.
      source: r.source, user: null, invalid_user: false, attempts: 0, incomplete: !r.confirmed,
      pids: { listener: r.listener, monitor: null, preauth: null },
    });
    bySource[sourceKey(r.source)] = v;
  }
  return { bySource, anomalies: [] };
}

/** The scenario as this run resolved it: set-up, then one line per action. */
export function story(m: Model): string {
  const s = m.setup;
  const head = `OpenSSH ${s.release.version} (${s.release.generation}), listener from ${s.listenerStart}` +
    `${s.listenerTty === '' ? '' : ` on ${s.listenerTty}`}${s.rexec ? '' : ' with -r'}` +
    `${s.usePam ? `, UsePAM${s.motd ? ' + pam_motd' : ''}` : ', no PAM'}, PermitRootLogin ${s.permitRootLogin}` +
    `, pid pool ${s.pidPoolSize}`;
  return [head, ...m.story.map((line, i) => `  ${i + 1}. ${line}`)].join('\n');
}

/** deepStrictEqual, with the scenario's story in the message so a shrunk counterexample reads as a story. */
export function assertSameView(actual: RecordsView, expected: RecordsView, m: Model): void {
  try {
    assert.deepStrictEqual(actual, expected);
  } catch (err) {
    const diff = err instanceof Error ? err.message : String(err);
    throw new Error(`records differ from the oracle for this scenario:\n${story(m)}\n${diff}`);
  }
}
