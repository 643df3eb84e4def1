// Compares replayed records with a scenario's ground truth (what the scenario did and observed, never
// what a reducer said). Connections are matched by the client's source port; each mismatch is one
// readable line: where, what was expected, what replay said.
import type { OutputRecord, AuthRecord, SessionRecord, ConnectionRecord, CommandRecord } from '../model/records';
import type { ExpectedCommand, ExpectedConnection, ExpectedSession } from './scenarios/ground-truth';

export interface Mismatch { readonly where: string; readonly expected: string; readonly actual: string }

/** The part of a ground truth the comparison reads: a GroundTruth, or a corpus expected.json. */
export interface TruthToCompare {
  readonly scenario: string;
  readonly connections: readonly Pick<ExpectedConnection, 'label' | 'source_port' | 'attempts' | 'sessions' | 'server_closed'>[];
}

const show = (v: unknown) => JSON.stringify(v);

export function compareWithTruth(truth: TruthToCompare, records: readonly OutputRecord[]): Mismatch[] {
  const out: Mismatch[] = [];
  for (const conn of truth.connections) {
    if (conn.source_port === null) continue;
    const where = `${truth.scenario}/${conn.label} (port ${conn.source_port})`;
    const mine = records.filter((r) => portOf(r) === conn.source_port);
    compareAttempts(where, conn, mine.filter((r): r is AuthRecord => r.type === 'auth'), out);
    compareOutcome(where, conn, mine, out);
  }
  return out;
}

function portOf(r: OutputRecord): number | null {
  return r.type === 'anomaly' ? null : r.source?.port ?? null;
}

function compareAttempts(where: string, conn: TruthToCompare['connections'][number], auths: readonly AuthRecord[], out: Mismatch[]): void {
  // The key is compared only where the ground truth knows it (publickey attempts of newer scenarios).
  const withKey = (i: number) => conn.attempts[i]?.key_fingerprint !== undefined;
  const actual = auths.map((a, i) => ({ user: a.user, invalid_user: a.invalid_user, success: a.success, method: a.method,
    ...(withKey(i) ? { key_fingerprint: a.key?.fingerprint ?? null } : {}) }));
  const expected = conn.attempts.map((a, i) => ({ user: a.user, invalid_user: a.invalid_user, success: a.success, method: a.method,
    ...(withKey(i) ? { key_fingerprint: a.key_fingerprint } : {}) }));
  if (show(actual) !== show(expected)) out.push({ where: `${where} attempts`, expected: show(expected), actual: show(actual) });
}

function compareOutcome(where: string, conn: TruthToCompare['connections'][number], mine: readonly OutputRecord[], out: Mismatch[]): void {
  const loggedIn = conn.attempts.some((a) => a.success);
  const sessions = mine.filter((r): r is SessionRecord => r.type === 'session');
  const connections = mine.filter((r): r is ConnectionRecord => r.type === 'connection');
  if (!loggedIn) {
    if (sessions.length > 0 || connections.length !== 1) {
      out.push({ where, expected: 'one connection record, no session', actual: `${connections.length} connection, ${sessions.length} session records` });
    } else {
      compareFailedConnection(where, conn, connections[0]!, out);
    }
    return;
  }
  if (sessions.length !== 1 || connections.length > 0) {
    out.push({ where, expected: 'one session record', actual: `${sessions.length} session, ${connections.length} connection records` });
    return;
  }
  const method = conn.attempts.find((a) => a.success)?.method;
  if (sessions[0]!.method !== method) out.push({ where: `${where} session method`, expected: show(method), actual: show(sessions[0]!.method) });
  compareSession(where, conn.sessions, sessions[0]!, out);
}

/** A connection that never logged in: who it tried to be, how often, and (when observed) why the server ended it. */
function compareFailedConnection(where: string, conn: TruthToCompare['connections'][number], actual: ConnectionRecord, out: Mismatch[]): void {
  const last = conn.attempts.at(-1);
  const expected = { user: last?.user ?? null, invalid_user: last?.invalid_user ?? false, attempts: conn.attempts.length };
  const got = { user: actual.user, invalid_user: actual.invalid_user, attempts: actual.attempts };
  if (show(got) !== show(expected)) out.push({ where: `${where} connection`, expected: show(expected), actual: show(got) });
  if (actual.incomplete) out.push({ where: `${where} incomplete`, expected: 'complete', actual: actual.incomplete_reasons.join('; ') });
  if (conn.server_closed === 'login_grace_time' && !/grace/i.test(actual.end_reason)) {
    out.push({ where: `${where} end`, expected: 'ended by LoginGraceTime', actual: show(actual.end_reason) });
  }
}

function compareSession(where: string, expected: readonly ExpectedSession[], actual: SessionRecord, out: Mismatch[]): void {
  const user = expected[0]?.user;
  if (user !== undefined && actual.user !== user) out.push({ where: `${where} user`, expected: show(user), actual: show(actual.user) });
  const uid = expected[0]?.uid;
  if (uid !== undefined && actual.uid !== uid) out.push({ where: `${where} uid`, expected: show(uid), actual: show(actual.uid) });
  const wantTty = expected.some((s) => s.tty);
  if ((actual.tty !== null) !== wantTty) out.push({ where: `${where} tty`, expected: wantTty ? 'a tty' : 'no tty', actual: show(actual.tty) });
  if (actual.incomplete) out.push({ where: `${where} incomplete`, expected: 'complete', actual: actual.incomplete_reasons.join('; ') });
  const byChannel = new Map<number | null, CommandRecord[]>();
  for (const c of actual.commands) byChannel.set(c.channel, [...(byChannel.get(c.channel) ?? []), c]);
  const unused = new Set(byChannel.keys());
  expected.forEach((session, i) => {
    const first = session.commands[0]?.argv;
    const channel = [...unused].find((ch) => first !== undefined && show(byChannel.get(ch)?.[0]?.argv) === show(first));
    if (channel === undefined) {
      out.push({ where: `${where} channel ${i}`, expected: `a channel starting with ${show(first)}`, actual: show([...byChannel.values()].map((cs) => cs[0]?.argv)) });
      return;
    }
    unused.delete(channel);
    const kind = actual.channels.find((c) => c.channel === channel)?.kind ?? 'no channel record';
    if (kind !== session.kind) out.push({ where: `${where} channel ${i} kind`, expected: show(session.kind), actual: show(kind) });
    compareCommands(`${where} channel ${i}`, session, byChannel.get(channel)!, out);
  });
}

interface Want { readonly argv: readonly string[]; readonly exit_code: number | null; readonly signal: number | null; readonly replaced: boolean }

/** An expected process becomes one command per image: replaced images first, the last one ends it. */
function wanted(commands: readonly ExpectedCommand[]): Want[] {
  return commands.filter((c) => !c.forked_only).flatMap((c) => {
    const images = [c.argv, ...(c.then_execs ?? [])];
    return images.map((argv, i) => i < images.length - 1
      ? { argv, exit_code: null, signal: null, replaced: true }
      : { argv, exit_code: c.exit_code, signal: c.signal, replaced: false });
  });
}

function compareCommands(where: string, session: ExpectedSession, actual: readonly CommandRecord[], out: Mismatch[]): void {
  const left = [...actual];
  for (const want of wanted(session.commands)) {
    const i = left.findIndex((c) => show(c.argv) === show(want.argv));
    if (i < 0) {
      out.push({ where: `${where} command`, expected: show(want.argv), actual: `missing; have ${show(left.map((c) => c.argv))}` });
      continue;
    }
    const got = left.splice(i, 1)[0]!;
    const g = { exit_code: got.exit_code, signal: got.signal, replaced: got.replaced_by_exec };
    const w = { exit_code: want.exit_code, signal: want.signal, replaced: want.replaced };
    if (show(g) !== show(w)) out.push({ where: `${where} ${show(want.argv)}`, expected: show(w), actual: show(g) });
  }
  if (session.commands_complete && left.length > 0) {
    out.push({ where: `${where} extra commands`, expected: 'none', actual: show(left.map((c) => c.argv)) });
  }
}

export function formatMismatches(ms: readonly Mismatch[]): string {
  return ms.map((m) => `  ${m.where}\n    expected: ${m.expected}\n    replay:   ${m.actual}`).join('\n');
}
