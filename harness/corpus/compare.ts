// Compares replayed records with a scenario's ground truth (what the scenario did and observed, never
// what a reducer said). Connections are matched by the client's source port; each mismatch is one
// readable line: where, what was expected, what replay said.
//
// What is compared, per connection of the truth (and nothing the truth does not know):
// - source: every record of the connection comes from 127.0.0.1 (the fixture listens there and every client
//   connects to it from the same host; the truth's source_port is a 127.0.0.1 port);
// - attempts: user, invalid_user, success, method, in order (and the key fingerprint where the truth has it);
// - a failed login: one connection record with the last user, the attempt count, complete, ended, and the end
//   reason the truth knows (connection-end.ts);
// - a login: one session record with the method, user, uid, complete, ended, the end reason, and its channels:
//   one per expected session, matched by the first command, none more; each with its kind and tty presence;
// - per channel: every expected command by argv with exit code, signal and replaced_by_exec (and its tty
//   presence), in the listed order (commandOrderProblem), and no other command when the list is complete.
import type { OutputRecord, AuthRecord, SessionRecord, ConnectionRecord, CommandRecord } from '../../model/records';
import type { GroundTruth, ExpectedCommand, ExpectedConnection, ExpectedSession } from '../scenarios/ground-truth';
import { expectedEnd } from './connection-end';

export interface Mismatch {
  readonly where: string;
  readonly expected: string;
  readonly actual: string;
}

/** The part of a ground truth the comparison reads: a GroundTruth, or a corpus expected.json. */
export interface TruthToCompare {
  readonly scenario: string;
  readonly connections: readonly Pick<
    ExpectedConnection,
    'label' | 'source_port' | 'attempts' | 'sessions' | 'server_closed'
  >[];
}

/** Where every client of a scenario connects from: the fixture's sshd listens on 127.0.0.1 (the address is
 *  part of the ground truth's type) and the clients run on the same host, so the kernel picks 127.0.0.1. */
const SOURCE_ADDRESS: GroundTruth['server']['address'] = '127.0.0.1';

const show = (v: unknown) => JSON.stringify(v);

export function compareWithTruth(truth: TruthToCompare, records: readonly OutputRecord[]): Mismatch[] {
  const out: Mismatch[] = [];
  for (const conn of truth.connections) {
    if (conn.source_port === null) continue;
    const where = `${truth.scenario}/${conn.label} (port ${conn.source_port})`;
    const mine = records.filter((r) => portOf(r) === conn.source_port);
    compareSource(where, mine, out);
    compareAttempts(
      where,
      conn,
      mine.filter((r): r is AuthRecord => r.type === 'auth'),
      out,
    );
    compareOutcome(where, conn, mine, out);
  }
  return out;
}

function portOf(r: OutputRecord): number | null {
  return r.type === 'anomaly' ? null : (r.source?.port ?? null);
}

/** The truth knows the client's address as well as its port. */
function compareSource(where: string, mine: readonly OutputRecord[], out: Mismatch[]): void {
  const sources = mine.flatMap((r) =>
    r.type === 'anomaly' || r.source === null ? [] : [{ type: r.type, source: r.source }],
  );
  const wrong = sources.filter((r) => r.source.ip !== SOURCE_ADDRESS);
  if (wrong.length === 0) return;
  const ips = [...new Set(wrong.map((r) => r.source.ip))];
  out.push({
    where: `${where} source`,
    expected: show(SOURCE_ADDRESS),
    actual: `${show(ips)} in ${wrong.length} of ${sources.length} records (${[...new Set(wrong.map((r) => r.type))].join(', ')})`,
  });
}

function compareAttempts(
  where: string,
  conn: TruthToCompare['connections'][number],
  auths: readonly AuthRecord[],
  out: Mismatch[],
): void {
  // The key is compared only where the ground truth knows it (publickey attempts of newer scenarios).
  const withKey = (i: number) => conn.attempts[i]?.key_fingerprint !== undefined;
  const actual = auths.map((a, i) => ({
    user: a.user,
    invalid_user: a.invalid_user,
    success: a.success,
    method: a.method,
    ...(withKey(i) ? { key_fingerprint: a.key?.fingerprint ?? null } : {}),
  }));
  const expected = conn.attempts.map((a, i) => ({
    user: a.user,
    invalid_user: a.invalid_user,
    success: a.success,
    method: a.method,
    ...(withKey(i) ? { key_fingerprint: a.key_fingerprint } : {}),
  }));
  if (show(actual) !== show(expected))
    out.push({ where: `${where} attempts`, expected: show(expected), actual: show(actual) });
}

function compareOutcome(
  where: string,
  conn: TruthToCompare['connections'][number],
  mine: readonly OutputRecord[],
  out: Mismatch[],
): void {
  const loggedIn = conn.attempts.some((a) => a.success);
  const sessions = mine.filter((r): r is SessionRecord => r.type === 'session');
  const connections = mine.filter((r): r is ConnectionRecord => r.type === 'connection');
  if (!loggedIn) {
    if (sessions.length > 0 || connections.length !== 1) {
      out.push({
        where,
        expected: 'one connection record, no session',
        actual: `${connections.length} connection, ${sessions.length} session records`,
      });
    } else {
      compareFailedConnection(where, conn, connections[0]!, out);
    }
    return;
  }
  if (sessions.length !== 1 || connections.length > 0) {
    out.push({
      where,
      expected: 'one session record',
      actual: `${sessions.length} session, ${connections.length} connection records`,
    });
    return;
  }
  const method = conn.attempts.find((a) => a.success)?.method;
  if (sessions[0]!.method !== method)
    out.push({ where: `${where} session method`, expected: show(method), actual: show(sessions[0]!.method) });
  compareEnd(where, conn, sessions[0]!, out);
  compareSession(where, conn.sessions, sessions[0]!, out);
}

/** A connection that never logged in: who it tried to be, how often, and (when observed) why the server ended it. */
function compareFailedConnection(
  where: string,
  conn: TruthToCompare['connections'][number],
  actual: ConnectionRecord,
  out: Mismatch[],
): void {
  const last = conn.attempts.at(-1);
  const expected = {
    user: last?.user ?? null,
    invalid_user: last?.invalid_user ?? false,
    attempts: conn.attempts.length,
  };
  const got = { user: actual.user, invalid_user: actual.invalid_user, attempts: actual.attempts };
  if (show(got) !== show(expected))
    out.push({ where: `${where} connection`, expected: show(expected), actual: show(got) });
  if (actual.incomplete)
    out.push({ where: `${where} incomplete`, expected: 'complete', actual: actual.incomplete_reasons.join('; ') });
  compareEnd(where, conn, actual, out);
}

/** The connection ended during the capture, for the reason the truth knows (who closed it, after what). */
function compareEnd(
  where: string,
  conn: TruthToCompare['connections'][number],
  actual: SessionRecord | ConnectionRecord,
  out: Mismatch[],
): void {
  const want = expectedEnd(conn);
  if (actual.end === null || !want.matches(actual.end_reason)) {
    out.push({
      where: `${where} end`,
      expected: `ended: ${want.describe}`,
      actual: actual.end === null ? `not ended (${show(actual.end_reason)})` : show(actual.end_reason),
    });
  }
}

function compareSession(
  where: string,
  expected: readonly ExpectedSession[],
  actual: SessionRecord,
  out: Mismatch[],
): void {
  const user = expected[0]?.user;
  if (user !== undefined && actual.user !== user)
    out.push({ where: `${where} user`, expected: show(user), actual: show(actual.user) });
  const uid = expected[0]?.uid;
  if (uid !== undefined && actual.uid !== uid)
    out.push({ where: `${where} uid`, expected: show(uid), actual: show(actual.uid) });
  const wantTty = expected.some((s) => s.tty);
  if ((actual.tty !== null) !== wantTty)
    out.push({ where: `${where} tty`, expected: wantTty ? 'a tty' : 'no tty', actual: show(actual.tty) });
  if (actual.incomplete)
    out.push({ where: `${where} incomplete`, expected: 'complete', actual: actual.incomplete_reasons.join('; ') });
  const byChannel = new Map<number | null, CommandRecord[]>();
  for (const c of actual.channels) byChannel.set(c.channel, []);
  for (const c of actual.commands) byChannel.set(c.channel, [...(byChannel.get(c.channel) ?? []), c]);
  const unused = new Set(byChannel.keys());
  expected.forEach((session, i) => {
    const first = session.commands[0]?.argv;
    const channel = [...unused].find((ch) => first !== undefined && show(byChannel.get(ch)?.[0]?.argv) === show(first));
    if (channel === undefined) {
      out.push({
        where: `${where} channel ${i}`,
        expected: `a channel starting with ${show(first)}`,
        actual: show([...byChannel.values()].map((cs) => cs[0]?.argv)),
      });
      return;
    }
    unused.delete(channel);
    const record = actual.channels.find((c) => c.channel === channel);
    const kind = record?.kind ?? 'no channel record';
    if (kind !== session.kind)
      out.push({ where: `${where} channel ${i} kind`, expected: show(session.kind), actual: show(kind) });
    if (record !== undefined && (record.tty !== null) !== session.tty) {
      out.push({
        where: `${where} channel ${i} tty`,
        expected: session.tty ? 'a tty' : 'no tty',
        actual: show(record.tty),
      });
    }
    compareCommands(`${where} channel ${i}`, session, byChannel.get(channel)!, out);
  });
  // Every channel the client opened is an expected session: one more means replay saw a session that was not there.
  for (const channel of unused) {
    const record = actual.channels.find((c) => c.channel === channel);
    const commands = byChannel.get(channel)!;
    const what =
      record === undefined
        ? 'commands outside any channel'
        : `channel of kind ${record.kind} (pid ${record.pid}${record.command === null ? '' : `, command ${show(record.command)}`})`;
    out.push({
      where: `${where} extra channel ${show(channel)}`,
      expected: `only the ${expected.length} channel(s) of the truth`,
      actual: `${what} running ${show(commands.map((c) => c.argv))}`,
    });
  }
}

interface Want {
  readonly argv: readonly string[];
  readonly exit_code: number | null;
  readonly signal: number | null;
  readonly replaced: boolean;
}

/** An expected process becomes one command per image: replaced images first, the last one ends it. */
function wanted(commands: readonly ExpectedCommand[]): Want[] {
  return commands
    .filter((c) => !c.forked_only)
    .flatMap((c) => {
      const images = [c.argv, ...(c.then_execs ?? [])];
      return images.map((argv, i) =>
        i < images.length - 1
          ? { argv, exit_code: null, signal: null, replaced: true }
          : { argv, exit_code: c.exit_code, signal: c.signal, replaced: false },
      );
    });
}

function compareCommands(
  where: string,
  session: ExpectedSession,
  actual: readonly CommandRecord[],
  out: Mismatch[],
): void {
  const left = [...actual];
  const found: { want: Want; got: CommandRecord }[] = [];
  for (const want of wanted(session.commands)) {
    const i = left.findIndex((c) => show(c.argv) === show(want.argv));
    if (i < 0) {
      out.push({
        where: `${where} command`,
        expected: show(want.argv),
        actual: `missing; have ${show(left.map((c) => c.argv))}`,
      });
      continue;
    }
    const got = left.splice(i, 1)[0]!;
    found.push({ want, got });
    const g = { exit_code: got.exit_code, signal: got.signal, replaced: got.replaced_by_exec };
    const w = { exit_code: want.exit_code, signal: want.signal, replaced: want.replaced };
    if (show(g) !== show(w)) out.push({ where: `${where} ${show(want.argv)}`, expected: show(w), actual: show(g) });
    if ((got.tty !== null) !== session.tty) {
      out.push({
        where: `${where} ${show(want.argv)} tty`,
        expected: session.tty ? 'a tty' : 'no tty',
        actual: show(got.tty),
      });
    }
  }
  const order = commandOrderProblem(found.map((f) => f.got));
  if (order !== null) out.push({ where: `${where} command order`, ...order });
  if (session.commands_complete && left.length > 0) {
    out.push({ where: `${where} extra commands`, expected: 'none', actual: show(left.map((c) => c.argv)) });
  }
}

/**
 * The truth lists a channel's processes in the order they were started: the shell first, then each process
 * as it was forked (an image replaced by exec before the next image of the same pid). What it does not know
 * is when each exec'd: the members of a pipeline are forked one after the other but exec and run
 * concurrently, and one may exit before another has exec'd (`cat f | true`). So of two processes A listed
 * before B, replay must show A started first by one of the two things the kernel orders:
 * - exec: A exec'd no later than B (sequential commands, a parent before its children, images of one pid);
 * - fork: A has the lower pid (pids are handed out in fork order), which is how a pipeline member that
 *   exec'd late still counts as started first.
 * Only both reversed contradicts the truth. The one way a right truth could still be flagged: the pid counter
 * wraps between two forks of one pipeline whose execs also came in the other order.
 */
export function commandOrderProblem(listed: readonly CommandRecord[]): Omit<Mismatch, 'where'> | null {
  for (let j = 1; j < listed.length; j++) {
    for (let i = 0; i < j; i++) {
      const a = listed[i]!;
      const b = listed[j]!;
      const forkedFirst = a.pid !== b.pid && a.pid < b.pid;
      if (a.start <= b.start || forkedFirst) continue;
      return {
        expected: `${show(a.argv)} started before ${show(b.argv)} (listed order ${show(listed.map((c) => c.argv))})`,
        actual: `${show(b.argv)} pid ${b.pid} exec ${b.start} came first: ${show(a.argv)} pid ${a.pid} exec ${a.start}`,
      };
    }
  }
  return null;
}

export function formatMismatches(ms: readonly Mismatch[]): string {
  return ms.map((m) => `  ${m.where}\n    expected: ${m.expected}\n    replay:   ${m.actual}`).join('\n');
}
