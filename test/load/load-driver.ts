// The load driver: many ssh sessions running many commands, and many failed password attempts, against a
// private sshd, with the ground truth of what was done (never what sshtrace says). Shared by the load test
// and the loss tests (ring-buffer overflow, recorder killed, disk full).
import { readFileSync } from 'node:fs';
import { startPrivateSshd, type FixtureUser, type PrivateSshd } from '../../harness/fixture';
import { startClient, type ClientResult } from '../../harness/scenarios/client';
import { keyOptions, onlyMethod, target } from '../../harness/scenarios/expect';
import { wrongPassword } from '../../harness/scenarios/scenario';
import { withWorkspace } from '../../harness/scenarios/workspace';

/**
 * sshd settings for load: MaxStartups 10:30:100 (Debian's default) drops unauthenticated connections at random
 * beyond 10, so it is raised past the number of connections in flight; MaxAuthTries above the attempts one
 * connection makes, so sshd never cuts a client short; LoginGraceTime long enough for 5 slow failures (~3 s each).
 */
export const LOAD_SSHD_CONFIG: readonly string[] = ['MaxStartups 200:100:400', 'MaxAuthTries 10', 'MaxSessions 100'];

export const startLoadSshd = (extra: readonly string[] = []): Promise<PrivateSshd> =>
  startPrivateSshd({ loginGraceTime: 60, extraConfig: [...LOAD_SSHD_CONFIG, ...extra] });

export interface SessionTruth {
  readonly index: number;
  readonly sourcePort: number | null;
  readonly exitStatus: number | null;
  /** argv of every command the session ran after its shell, in order. */
  readonly commands: readonly (readonly string[])[];
  readonly stderr: string;
}

export interface LoopOptions {
  /** Seconds of /bin/sleep after each command (0: none). */
  readonly pauseSeconds?: number;
  /** An extra argument of this many bytes on each command: big exec events (to overflow a tiny ring buffer). */
  readonly padBytes?: number;
}

const pad = (o: LoopOptions) => ((o.padBytes ?? 0) > 0 ? ['x'.repeat(o.padBytes!)] : []);

export const commandArgv = (session: number, command: number, o: LoopOptions = {}): string[] => [
  '/bin/true',
  `sshtr-load-${session}-${command}`,
  ...pad(o),
];

/** A bash loop: one fork + exec of /bin/true per command (and of sleep when pausing), nothing else (no `seq`). */
export function loopCommand(session: number, commands: number, o: LoopOptions = {}): string {
  const pause = (o.pauseSeconds ?? 0) > 0 ? `; /bin/sleep ${o.pauseSeconds}` : '';
  return `for ((i=1;i<=${commands};i++)); do ${['/bin/true', `sshtr-load-${session}-$i`, ...pad(o)].join(' ')}${pause}; done`;
}

/** The argv of every command loopCommand runs, in order. */
export function loopArgvs(session: number, commands: number, o: LoopOptions = {}): string[][] {
  const sleep = (o.pauseSeconds ?? 0) > 0 ? [['/bin/sleep', String(o.pauseSeconds)]] : [];
  return Array.from({ length: commands }, (_, c) => [commandArgv(session, c + 1, o), ...sleep]).flat();
}

/** `sessions` publickey sessions at once, each running `commands` commands; resolves when all ended. */
export async function runCommandSessions(
  fixture: PrivateSshd,
  user: FixtureUser,
  sessions: number,
  commands: number,
  options: LoopOptions & { firstIndex?: number } = {},
): Promise<SessionTruth[]> {
  const first = options.firstIndex ?? 0;
  return withWorkspace('load_sessions', (ws) =>
    Promise.all(
      Array.from({ length: sessions }, async (_, k) => {
        const index = first + k;
        const client = startClient(fixture, ws, {
          program: 'ssh',
          timeoutMs: 300_000,
          args: [
            ...onlyMethod('publickey'),
            ...keyOptions(user.key!.privateKeyPath),
            target(fixture, user.name),
            loopCommand(index, commands, options),
          ],
        });
        const result: ClientResult = await client.done;
        return {
          index,
          sourcePort: result.sourcePort,
          exitStatus: result.exitStatus,
          stderr: result.stderr,
          commands: loopArgvs(index, commands, options),
        };
      }),
    ),
  );
}

export interface AttemptTruth {
  readonly sourcePort: number | null;
  readonly attempts: number;
  readonly exitStatus: number | null;
}

/**
 * `total` failed password attempts for `user` from `clients` parallel clients; each connection types up to
 * `perConnection` wrong passwords. The attempts of a connection are the prompts its client answered.
 */
export async function runFailedAttempts(
  fixture: PrivateSshd,
  user: FixtureUser,
  total: number,
  clients: number,
  perConnection = 5,
): Promise<AttemptTruth[]> {
  let remaining = total;
  const truths: AttemptTruth[] = [];
  const worker = () =>
    withWorkspace('load_failures', async (ws) => {
      while (remaining > 0) {
        const n = Math.min(perConnection, remaining);
        remaining -= n;
        const client = startClient(fixture, ws, {
          program: 'ssh',
          timeoutMs: 120_000,
          answers: Array.from({ length: n }, () => wrongPassword()),
          args: [...onlyMethod('password', n), target(fixture, user.name), 'true'],
        });
        const result = await client.done;
        truths.push({ sourcePort: result.sourcePort, attempts: result.prompts.length, exitStatus: result.exitStatus });
      }
    });
  await Promise.all(Array.from({ length: clients }, worker));
  return truths;
}

/** CPU seconds (user + system) a process has used so far, from /proc/PID/stat. */
export function cpuSeconds(pid: number, ticks = 100): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticks; // utime, stime (fields 14, 15)
}
