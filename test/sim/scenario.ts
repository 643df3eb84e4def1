// A privsep scenario: a set-up (OpenSSH release, listener, pid pool, timing) and a sequence of user actions
// (fast-check model-based commands). Running it yields the KernelEvents real sshd would produce and the oracle's
// model, whose expected records come from the actions alone.
import fc from 'fast-check';
import type { TraceEvent } from '../../capture/events';
import { KernelSim } from './kernel';
import { startListener } from './sshd-connect';
import { newModel, type Model } from './oracle';
import { ConfigTestCommand, ConnectCommand, RefuseCommand, type PrivsepCommand, type Real } from './cmd-connect';
import {
  AbandonKeyCommand,
  DeniedLoginCommand,
  EndPreauthCommand,
  FailCommand,
  METHODS,
  ProbeCommand,
  SucceedCommand,
} from './cmd-auth';
import {
  CloseChannelCommand,
  EndSessionCommand,
  OpenChannelCommand,
  RunProgramCommand,
  closeEverything,
} from './cmd-session';
import { EXEC_COMMANDS, lastExec, processEnd, program } from './programs';
import type { ChannelKind } from './sshd-session';
import {
  ACCOUNTS,
  BOOT_NS,
  LISTENER_BINARY,
  LISTENER_PID,
  PID_BASE,
  REALTIME_OFFSET_NS,
  UNKNOWN_NAMES,
  listenerArgv,
  perConnectionBinary,
  preauthBinary,
  releasesOf,
  type Setup,
} from './world';
import { GENERATIONS, type KnownGenerationName } from '../../model/versions';

/** Parts of the generator that can be switched off, to look past a known finding. */
export type Feature = 'refused-connections' | 'kbdint-failures' | 'root-denied';

/**
 * Generator features whose histories the reducer currently gets wrong (see the model-findings tests). Properties
 * that compare against the oracle for another purpose (truncation, loss) leave them out, so that they keep
 * testing their own point; the main oracle property keeps everything (as a todo while this list is not empty).
 *
 * None is open now (the last, refused connections ending at the next accept, is fixed and kept as a regression
 * test in test/unit/model-findings.test.ts).
 */
export const OPEN_FINDINGS: readonly Feature[] = [];

export interface ScenarioOptions {
  readonly maxCommands?: number;
  readonly without?: readonly Feature[];
}

export interface Scenario {
  readonly setup: Setup;
  readonly commands: Iterable<PrivsepCommand>;
}

export interface History {
  readonly events: TraceEvent[];
  readonly model: Model;
  /** The simulated kernel, for what /proc would have shown at any point (KernelSim.tableAt). */
  readonly sim: KernelSim;
}

/** Event spacing: mostly sub-millisecond syscalls, some human pauses up to 30 ms (all below the reorder window). */
const gapNs = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1_000, max: 200_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 200_000, max: 30_000_000 }) },
);

export function setupArb(generation: KnownGenerationName, without: readonly Feature[] = []): fc.Arbitrary<Setup> {
  return fc.record({
    release: fc.constantFrom(...releasesOf(generation)),
    listenerStart: fc.constantFrom('snapshot' as const, 'exec' as const),
    listenerTty: fc.constantFrom('', 'pts/0'),
    listenerArgs: fc.constantFrom(['-D'], ['-D', '-f', '/etc/ssh/sshd_config']),
    rexec: GENERATIONS[generation].reexecCanBeOff
      ? fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, fc.constant(false))
      : fc.constant(true),
    usePam: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)),
    permitRootLogin: without.includes('root-denied')
      ? fc.constant('prohibit-password' as const)
      : fc.constantFrom('prohibit-password' as const, 'no' as const),
    motd: fc.boolean(),
    pidPoolSize: fc.integer({ min: 12, max: 48 }),
    gapsNs: fc.array(gapNs, { minLength: 1, maxLength: 16 }),
  });
}

const target = fc.nat(7);
// Mostly accounts that exist (so logins happen), sometimes root, sometimes names that do not exist.
const user = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ACCOUNTS.filter((a) => a.uid !== 0).map((a) => a.name)) },
  { weight: 1, arbitrary: fc.constant('root') },
  { weight: 1, arbitrary: fc.constantFrom(...UNKNOWN_NAMES) },
);
const channelKind = fc.constantFrom<ChannelKind>('shell-pty', 'shell', 'exec', 'exec-pty', 'sftp', 'internal-sftp');
const method = fc.constantFrom(...METHODS);
const failMethod = (without: readonly Feature[]) =>
  fc.constantFrom(...METHODS.filter((m) => m !== 'keyboard-interactive' || !without.includes('kbdint-failures')));
const key = fc.nat(3);

/** Every user action, weighted towards the ones that make histories interesting (one weighted arbitrary, so that
 *  commands whose precondition fails are cheap and the rest come often). */
export function commandArbs(without: readonly Feature[] = []): fc.Arbitrary<PrivsepCommand>[] {
  const ip = fc.nat(4);
  const port = fc.nat(50);
  const w = (weight: number, arbitrary: fc.Arbitrary<PrivsepCommand>) => ({ weight, arbitrary });
  const refuse = without.includes('refused-connections') ? 0 : 1;
  return [
    fc.oneof(
      w(
        3,
        fc.tuple(ip, port).map(([i, p]) => new ConnectCommand(i, p)),
      ),
      w(
        refuse,
        fc.tuple(ip, port).map(([i, p]) => new RefuseCommand(i, p)),
      ),
      w(
        1,
        fc.tuple(target, user).map(([t, u]) => new ProbeCommand(t, u)),
      ),
      w(
        4,
        fc
          .tuple(target, user, failMethod(without), fc.nat(11), key)
          .map(([t, u, m, v, k]) => new FailCommand(t, u, m, v, k)),
      ),
      w(
        4,
        fc.tuple(target, user, method, fc.boolean(), key).map(([t, u, m, q, k]) => new SucceedCommand(t, u, m, q, k)),
      ),
      w(
        1,
        fc.tuple(target, user, key).map(([t, u, k]) => new AbandonKeyCommand(t, u, k)),
      ),
      w(
        1,
        fc.tuple(target, user, method, key).map(([t, u, m, k]) => new DeniedLoginCommand(t, u, m, k)),
      ),
      w(1, fc.constant(new ConfigTestCommand())),
      w(
        1,
        fc
          .tuple(
            target,
            fc.constantFrom('drop' as const, 'grace' as const, 'crash' as const, 'drop-at-prompt' as const),
          )
          .map(([t, h]) => new EndPreauthCommand(t, h)),
      ),
      w(
        4,
        fc
          .tuple(target, channelKind, fc.constantFrom(...EXEC_COMMANDS))
          .map(([t, k, c]) => new OpenChannelCommand(t, k, c)),
      ),
      w(
        5,
        fc.tuple(target, target, program(2)).map(([t, ch, p]) => new RunProgramCommand(t, ch, p)),
      ),
      w(
        3,
        fc.tuple(target, target, lastExec, processEnd).map(([t, ch, l, e]) => new CloseChannelCommand(t, ch, l, e)),
      ),
      w(
        1,
        fc
          .tuple(target, fc.constantFrom('disconnect' as const, 'term' as const))
          .map(([t, h]) => new EndSessionCommand(t, h)),
      ),
    ),
  ];
}

export function scenarioArb(generation: KnownGenerationName, options: ScenarioOptions = {}): fc.Arbitrary<Scenario> {
  const without = options.without ?? [];
  const commands = fc.commands(commandArbs(without), { maxCommands: options.maxCommands ?? 60, size: 'large' });
  return fc.record({ setup: setupArb(generation, without), commands });
}

/** The capture's opening events: the clock pairing, then the /proc snapshot (with the listener, or empty). */
/** The capture header's tables that come with every snapshot: OpenSSH version per binary, user names by uid. */
export function captureHeader(setup: Setup): { opensshVersions: Record<string, string>; users: [string, number][] } {
  const r = setup.release;
  const versions: Record<string, string> = { [LISTENER_BINARY]: r.version, [perConnectionBinary(r)]: r.version };
  const auth = preauthBinary(r);
  if (auth !== null) versions[auth] = r.version;
  const users: [string, number][] = [
    ...ACCOUNTS.map((a) => [a.name, a.uid] as [string, number]),
    ['sshd', r.privsepUid],
  ];
  return { opensshVersions: versions, users };
}

function openCapture(sim: KernelSim, setup: Setup): void {
  sim.meta((ts) => ({ kind: 'clock' as const, ts, realtimeNs: ts + REALTIME_OFFSET_NS }));
  const { opensshVersions: versions, users } = captureHeader(setup);
  const processes =
    setup.listenerStart === 'exec'
      ? []
      : [
          {
            pid: LISTENER_PID,
            ppid: 1,
            exe: LISTENER_BINARY,
            argv: listenerArgv(setup),
            comm: 'sshd',
            uid: [0, 0, 0, 0] as const,
            gid: [0, 0, 0, 0] as const,
            auid: 4294967295,
            sessionid: 4294967295,
            startBoottime: BOOT_NS - 1_000_000_000,
            tty: setup.listenerTty,
            root: '/',
            flags: 3,
            peer: null,
            sid: setup.listenerTty === '' ? LISTENER_PID : 50,
          },
        ];
  sim.meta((ts) => ({ kind: 'snapshot' as const, ts, processes, opensshVersions: versions, users }));
  startListener(sim, setup);
}

/** The capture's clean end: a loss-free counters event, then capture_end. */
function closeCapture(sim: KernelSim): void {
  sim.meta((ts) => ({
    kind: 'counters' as const,
    ts,
    emitted: {},
    dropped: {},
    truncated: 0,
    frameDesync: 0,
    trackFailed: 0,
    readFailed: 0,
    userDropped: 0,
    unknownEvents: 0,
  }));
  sim.meta((ts) => ({ kind: 'capture_end' as const, ts, clean: true, reason: 'recorder stopped' }));
}

export function runScenario(s: Scenario): History {
  const sim = new KernelSim(s.setup.gapsNs, BOOT_NS, PID_BASE, s.setup.pidPoolSize);
  if (s.setup.listenerTty !== '') sim.reservePty(0);
  openCapture(sim, s.setup);
  const model = newModel(s.setup);
  const real: Real = { sim, sshd: new Map() };
  fc.modelRun(() => ({ model, real }), s.commands);
  closeEverything(model, real);
  closeCapture(sim);
  return { events: sim.events, model, sim };
}
