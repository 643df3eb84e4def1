// The oracle: what the records must say, derived from the user actions of a scenario (who connected from where,
// what they typed, which attempts failed) and from what the simulated kernel did (pids, execs, exits) — never
// from the reducer. It is also the fast-check model that the commands' check() preconditions read.
import type { InetEndpoint, TraceEvent } from '../../capture/events';
import type { ProcessEnd } from './kernel';
import type { SshdConn } from './sshd-connect';
import type { ChannelKind, ExecLog, SimChannel } from './sshd-session';
import type { Setup } from './world';

export interface Endpoint {
  readonly ip: string;
  readonly port: number;
}

export interface ExpectedAuth {
  readonly user: string;
  readonly invalid_user: boolean;
  readonly success: boolean;
  readonly method: string;
  readonly source: Endpoint;
  readonly key: { readonly type: string; readonly fingerprint: string } | null;
  readonly incomplete: boolean;
  /** Boot-clock ns of the event that decided the attempt (the simulator's, see privsep-sshd-auth.ts). */
  readonly decidedTs: number;
}

export interface ExpectedCommand {
  readonly argv: readonly string[];
  readonly path: string; // the file the kernel exec'd
  readonly pid: number;
  readonly ppid: number; // the process's parent in the simulated kernel at the exec
  readonly channel: number; // index of the session channel (in opening order) the program ran under
  readonly startTs: number; // its exec
  endTs: number | null; // its exit, or the exec that replaced it
  exit_code: number | null;
  signal: number | null;
  replaced_by_exec: boolean;
}

export interface OracleChannel {
  readonly n: number;
  readonly kind: ChannelKind;
  readonly sim: SimChannel;
}

export interface OracleConn {
  readonly n: number; // connection number in the scenario, for readable output
  readonly source: Endpoint;
  phase: 'preauth' | 'session' | 'closed';
  user: string | null; // the name the client sent, once it sent one
  valid: boolean;
  uid: number | null;
  failures: number; // MaxAuthTries counter, as the pre-auth child keeps it
  readonly auths: ExpectedAuth[];
  method: string | null;
  tty: string | null; // the connection's first pty
  readonly commands: ExpectedCommand[];
  readonly images: Map<number, number>; // pid → index of its current image in commands
  readonly channels: OracleChannel[]; // open ones
  channelCount: number;
  pids: { listener: number; monitor: number; preauth: number | null; postauth: number | null };
  /** Index in the event list of the listener's fork for it, and one past its monitor's exit. */
  readonly startedAt: number;
  endedAt: number | null;
  /** Boot-clock ns: the listener's fork for it, the successful attempt's decision, the monitor's exit. */
  readonly startTs: number;
  loginTs: number | null;
  endTs: number | null;
  /** How the connection ended, in the records' words (set by the action that ended it). */
  endReason: string | null;
}

/** The fast-check model: every connection of the scenario, open or closed, and the addresses used. */
export interface Model {
  readonly setup: Setup;
  readonly conns: OracleConn[];
  readonly usedSources: Set<string>;
  refused: number;
  /** Connections the listener accepted and closed without a fork (MaxStartups, penalties); acceptTs: boot ns. */
  readonly refusedConns: {
    readonly source: Endpoint;
    readonly listener: number;
    readonly acceptTs: number;
    confirmed: boolean;
  }[];
  /** What happened, one line per action, as this run resolved it (printed with a failing counterexample). */
  readonly story: string[];
}

export function newModel(setup: Setup): Model {
  return { setup, conns: [], usedSources: new Set(), refused: 0, refusedConns: [], story: [] };
}

export const sourceKey = (e: Endpoint | null): string => (e === null ? 'no source' : `${e.ip} port ${e.port}`);

/** A fresh client address: the hinted port, moved on until no earlier connection used it. */
export function freshSource(m: Model, ip: InetEndpoint['ip'], portHint: number): Endpoint {
  let port = 40_000 + portHint;
  while (m.usedSources.has(sourceKey({ ip, port }))) port += 1;
  m.usedSources.add(sourceKey({ ip, port }));
  return { ip, port };
}

export function openConns(m: Model, phase: OracleConn['phase']): OracleConn[] {
  return m.conns.filter((c) => c.phase === phase);
}

/** Resolves a command's target index among the connections in a phase (null when there is none). */
export function pick<T>(list: readonly T[], target: number): T | null {
  return list.length === 0 ? null : list[target % list.length]!;
}

export function newOracleConn(
  m: Model,
  source: Endpoint,
  monitor: number,
  preauth: number,
  listener: number,
  startedAt: number,
  startTs: number,
): OracleConn {
  const c: OracleConn = {
    startedAt,
    endedAt: null,
    startTs,
    loginTs: null,
    endTs: null,
    endReason: null,
    n: m.conns.length + 1,
    source,
    phase: 'preauth',
    user: null,
    valid: false,
    uid: null,
    failures: 0,
    auths: [],
    method: null,
    tty: null,
    commands: [],
    images: new Map(),
    channels: [],
    channelCount: 0,
    pids: { listener, monitor, preauth, postauth: null },
  };
  m.conns.push(c);
  return c;
}

/** The connection is over: it ended with its monitor's exit (the listener's wait4 after it changes nothing). */
export function closeConn(c: OracleConn, events: readonly TraceEvent[], reason: string): void {
  c.phase = 'closed';
  let i = events.length - 1;
  while (i >= 0 && !(events[i]!.kind === 'exit' && (events[i] as { tgid: number }).tgid === c.pids.monitor)) i -= 1;
  c.endedAt = i + 1;
  c.endTs = events[i]!.ts;
  c.endReason = reason;
}

/** end_reason of a connection that ended before a login, from how it ended and what the client had done. */
export function preauthEndReason(c: OracleConn, s: SshdConn, how: 'drop' | 'grace' | 'crash' | 'maxtries'): string {
  const codes = s.release.generation.preauthExit;
  switch (how) {
    // Under `sshd -r` (8.4-9.7) the per-connection process never execs, which only those versions do.
    case 'grace':
      return 'login grace time expired';
    case 'maxtries':
      return 'authentication failed';
    case 'crash':
      if (codes.crashed !== null) return 'pre-auth child crashed';
      // Up to 9.7 the monitor does not look at how its child died: it exits 255 as for a close, and the records
      // read that exit code (the child's exit by SIGSYS is in the trace, but the model does not use it).
      return preauthEndReason(c, s, 'drop');
    case 'drop':
      if (c.auths.some((a) => !a.success)) return 'authentication failed';
      // From 9.8 sshd itself counts any authentication request (a key query too) as an unsuccessful attempt
      // (EXIT_AUTH_ATTEMPTED, penalised as "failed authentication"); the records take sshd's word for it.
      if (s.attempted && codes.authAttempted !== null) return 'authentication failed';
      return c.user === null ? 'connection closed before authentication completed' : 'closed during authentication';
  }
}

/** end_reason of a session: SSH_MSG_DISCONNECT from the client, or the TCP connection closing under sshd. */
export function sessionEndReason(s: SshdConn, how: 'disconnect' | 'term'): string {
  if (how === 'disconnect') return 'client disconnected';
  // Root up to 9.7 has no post-auth child to send MONITOR_REQ_TERM: the monitor's exit 0 is all there is to see.
  return s.postauth === null ? 'sshd exited with code 0' : 'connection closed';
}

export const REFUSED_REASON = 'refused by the listener (MaxStartups or a penalty): closed without a fork';

export function expectAuth(
  c: OracleConn,
  success: boolean,
  method: string,
  decidedTs: number,
  key: ExpectedAuth['key'] = null,
): void {
  c.auths.push({
    user: c.user!,
    invalid_user: !c.valid,
    success,
    method,
    source: c.source,
    key,
    incomplete: false,
    decidedTs,
  });
  if (!success) c.failures += 1;
}

/** The ground truth of the user's process tree, fed by the simulator as it execs and ends programs under the
 *  session channel numbered `channel` (0 for the connection's first channel). */
export function execLogOf(c: OracleConn, channel: number): ExecLog {
  return {
    exec(pid, path, argv, ppid, ts) {
      const previous = c.images.get(pid);
      if (previous !== undefined) {
        const replaced = c.commands[previous]!;
        replaced.replaced_by_exec = true;
        replaced.endTs = ts;
      }
      c.images.set(pid, c.commands.length);
      c.commands.push({
        argv: [...argv],
        path,
        pid,
        ppid,
        channel,
        startTs: ts,
        endTs: null,
        exit_code: null,
        signal: null,
        replaced_by_exec: false,
      });
    },
    ended(pid, end: ProcessEnd, ts) {
      const index = c.images.get(pid);
      c.images.delete(pid);
      if (index === undefined) return; // a subshell that never exec'd
      const cmd = c.commands[index]!;
      cmd.endTs = ts;
      if ('code' in end) cmd.exit_code = end.code;
      else cmd.signal = end.signal;
    },
  };
}
