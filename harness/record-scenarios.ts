// Runs scenarios against private sshds while the real recorder (`sshtrace record`, a child process) captures
// them: the shared engine of the end-to-end tests, `corpus record` and `sshtrace demo`.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { startPrivateSshd, type PrivateSshd, type PrivateSshdOptions } from './fixture';
import { runScenarios, fitsGraceTime, type Scenario, type ScenarioOutcome } from './scenarios';

export const CLI = resolve(__dirname, '../cli/main.js');
const GRACE_SECONDS = 3;

export interface RecordScenariosOptions {
  readonly scenarios: readonly Scenario[];
  readonly output: string;
  /** Options for every fixture (root filesystem, syslog, utmp...). */
  readonly fixture?: PrivateSshdOptions;
  readonly concurrency?: number;
  readonly recordArgs?: readonly string[];
  /** Called with each fixture right after it started (e.g. to open sessions before recording). */
  readonly beforeRecording?: (fixtures: readonly PrivateSshd[]) => Promise<void>;
  readonly log?: (line: string) => void;
}

export interface RecordedScenarios {
  readonly capture: string;
  readonly outcomes: readonly ScenarioOutcome[];
  /** Every password the fixtures handed out (to prove none reached the capture). */
  readonly passwords: readonly string[];
  readonly recorderStderr: string;
  readonly recorderExit: number | null;
  readonly version: string;
}

/** Scenarios that need a short LoginGraceTime get their own sshd, so the others are never cut short. */
export async function recordScenarios(opts: RecordScenariosOptions): Promise<RecordedScenarios> {
  const graceScenarios = opts.scenarios.filter((s) => !fitsGraceTime(s, 30));
  const normal = await startPrivateSshd({ ...opts.fixture });
  const fixtures: PrivateSshd[] = [normal];
  try {
    const short =
      graceScenarios.length > 0 ? await startPrivateSshd({ ...opts.fixture, loginGraceTime: GRACE_SECONDS }) : null;
    if (short) fixtures.push(short);
    await opts.beforeRecording?.(fixtures);
    const recorder = await startRecorder(opts.output, opts.recordArgs ?? []);
    opts.log?.(`recording ${opts.scenarios.length} scenario(s) against OpenSSH ${normal.version}`);
    const outcomes = await runScenarios(
      opts.scenarios,
      (s) => (short !== null && graceScenarios.includes(s) ? short : normal),
      opts.concurrency ?? 1,
    );
    await settle();
    const exit = await recorder.stop();
    const passwords = fixtures.flatMap((f) => f.users().map((u) => u.password)).filter((p): p is string => !!p);
    return {
      capture: opts.output,
      outcomes,
      passwords,
      recorderStderr: recorder.stderr(),
      recorderExit: exit,
      version: normal.version,
    };
  } finally {
    for (const f of fixtures.reverse()) await f.stop().catch((e: Error) => opts.log?.(`fixture stop: ${e.message}`));
  }
}

/** Lets the last exits and counters reach the ring buffer before the recorder stops. */
function settle(): Promise<void> {
  return new Promise((done) => setTimeout(done, 300));
}

export interface RunningRecorder {
  stop(): Promise<number | null>;
  stderr(): string;
  readonly child: ChildProcess;
}

/** Starts `sshtrace record` and resolves once it says it is recording (or fails with its stderr). */
export function startRecorder(output: string, extra: readonly string[]): Promise<RunningRecorder> {
  const child = spawn(process.execPath, [CLI, 'record', '--output', output, '--force', ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((ready, fail) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (/^sshtrace: recording /m.test(text)) ready(handle());
    });
    child.once('exit', (code) => fail(new Error(`sshtrace record exited with ${code} before recording:\n${text}`)));
  });
  function handle(): RunningRecorder {
    return {
      child,
      stderr: () => text,
      stop: async () => {
        if (child.exitCode === null) child.kill('SIGINT');
        return exited;
      },
    };
  }
}
