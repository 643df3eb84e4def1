// Hand-written privsep histories for given/when/then unit tests: a fixed set-up and an explicit list of user
// actions, run through the same simulator as the property tests.
import { reduce } from '../../model';
import type { ExecEvent, TraceEvent } from '../../capture/events';
import type { AuthRecord, ConnectionRecord, OutputRecord, SessionRecord } from '../../model/records';
import { runScenario, type History } from './scenario';
import type { PrivsepCommand } from './cmd-connect';
import { RELEASES, type Setup } from './world';

export { ConnectCommand, RefuseCommand } from './cmd-connect';
export {
  AbandonKeyCommand,
  DeniedLoginCommand,
  EndPreauthCommand,
  FailCommand,
  ProbeCommand,
  SucceedCommand,
} from './cmd-auth';
export { CloseChannelCommand, EndSessionCommand, OpenChannelCommand, RunProgramCommand } from './cmd-session';
export { prog } from './programs';
export { fingerprint, keyBlob } from './messages';
export { KEYS } from './cmd-auth';

/** Debian-like defaults for one OpenSSH version ("9.2p1", "10.0p2", ...), with a roomy pid pool. */
export function fixedSetup(version: string, overrides: Partial<Setup> = {}): Setup {
  const release = RELEASES.find((r) => r.version === version);
  if (release === undefined) throw new Error(`no simulated release ${version}: use one of test/sim/world.ts RELEASES`);
  return {
    release,
    listenerStart: 'snapshot',
    listenerTty: '',
    listenerArgs: ['-D'],
    rexec: true,
    usePam: true,
    permitRootLogin: 'prohibit-password',
    motd: false,
    pidPoolSize: 200,
    gapsNs: [50_000, 3_000, 700_000],
    ...overrides,
  };
}

export interface Played {
  readonly history: History;
  readonly records: OutputRecord[];
  readonly auths: AuthRecord[];
  readonly sessions: SessionRecord[];
  readonly connections: ConnectionRecord[];
}

/** Runs the actions (each must apply: a skipped action is a mistake in the test) and reduces the history. */
export function play(setup: Setup, actions: readonly PrivsepCommand[]): Played {
  const history = runScenario({ setup, commands: actions });
  if (history.model.story.length < actions.length) {
    throw new Error(
      `only ${history.model.story.length} of ${actions.length} actions applied:\n${history.model.story.join('\n')}`,
    );
  }
  const records = [...reduce(history.events)];
  return {
    history,
    records,
    auths: records.filter((r): r is AuthRecord => r.type === 'auth'),
    sessions: records.filter((r): r is SessionRecord => r.type === 'session'),
    connections: records.filter((r): r is ConnectionRecord => r.type === 'connection'),
  };
}

/** The exec events of a history (the "given" side of a test can point at them). */
export function execs(events: readonly TraceEvent[]): ExecEvent[] {
  return events.filter((e): e is ExecEvent => e.kind === 'exec');
}

/** Pids that were forked more than once in a history. */
export function reusedPids(events: readonly TraceEvent[]): number[] {
  const seen = new Map<number, number>();
  for (const e of events) if (e.kind === 'fork') seen.set(e.childTgid, (seen.get(e.childTgid) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([pid]) => pid);
}

/** A command record reduced to what a test states about it. */
export function brief(c: SessionRecord['commands'][number]): string {
  const end = c.replaced_by_exec ? 'replaced' : c.signal !== null ? `signal ${c.signal}` : `exit ${c.exit_code}`;
  return `${c.argv.join(' ')} (${end})`;
}
