// `sshtrace demo`: a private OpenSSH server on 127.0.0.1 with throwaway users, recorded by `sshtrace record`
// while four real clients log in (or fail to), then replayed and explained; everything it created is removed,
// also when interrupted. Built from the test fixture and scenarios (corpus/), so the tour is the tested one.
import { existsSync, statSync } from 'node:fs';
import { startPrivateSshd, type PrivateSshd } from '../../harness/fixture';
import { startRecorder } from '../../harness/record-scenarios';
import { scenarioNamed, type Scenario, type ScenarioOutcome } from '../../harness/scenarios';
import { EXIT, SshtraceError } from '../../capture/errors';
import { replayFiles } from '../../replay/pipeline';
import { DemoWorkspace } from './workspace';
import { presentRecords, recordsOfListener } from './present';

export interface DemoIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const processIo: DemoIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** The tour, in the words a new user reads while it runs. */
const TOUR: readonly { readonly scenario: string; readonly says: string }[] = [
  { scenario: 'password_command_fails', says: 'a user logs in with a password and runs `id -un; exit 3`' },
  { scenario: 'wrong_passwords', says: 'a real user types three wrong passwords, and the client gives up' },
  { scenario: 'invalid_user', says: 'someone tries a password for a user that does not exist' },
  {
    scenario: 'publickey_pty_session',
    says: 'a user logs in with a key, gets a terminal, and types a few commands (one fails)',
  },
];

const PREREQUISITES: readonly [string, string][] = [
  ['/usr/sbin/sshd', 'apt-get install openssh-server'],
  ['/usr/bin/ssh', 'apt-get install openssh-client'],
  ['/usr/bin/python3', 'apt-get install python3'],
];

function checkPrerequisites(): void {
  if (process.geteuid?.() !== 0) {
    throw new SshtraceError(
      'sshtrace demo must run as root (it starts an sshd, adds users and loads BPF programs): run it with sudo',
      EXIT.privileges,
    );
  }
  for (const [path, install] of PREREQUISITES) {
    if (!existsSync(path))
      throw new SshtraceError(
        `sshtrace demo needs ${path}: ${install} (or run bash .ci/install-deps)`,
        EXIT.inputMissing,
      );
  }
}

export async function runDemo(io: DemoIo = processIo): Promise<void> {
  checkPrerequisites();
  const { loadNative } = await import('../../record/recorder-process.js');
  await loadNative(); // a missing addon fails here, before anything is created
  const work = new DemoWorkspace(io.err);
  try {
    io.out(
      'sshtrace demo: sshtrace watches OpenSSH from the outside (eBPF on its syscalls), without touching its configuration.',
    );
    io.out('');
    const fixture = await startFixture();
    io.out(
      `1/4  Started a private sshd (${fixture.version}) on 127.0.0.1:${fixture.port}, pid ${fixture.pid}, with its own config and host keys.`,
    );
    try {
      const recorder = await startRecorder(work.capture, []).catch((error: Error) => {
        throw new SshtraceError(
          `the recorder did not start: ${error.message.split('\n').filter(Boolean).pop()}`,
          EXIT.kernel,
        );
      });
      work.watchRecorder(recorder.child);
      io.out('2/4  `sshtrace record` is recording it. Four clients connect at once (throwaway users named sshtr_*):');
      await runTour(fixture, io);
      await new Promise((r) => setTimeout(r, 300)); // the last exits reach the ring buffer
      const code = await recorder.stop();
      if (code !== 0) throw new Error(`the recorder exited with ${code}: ${recorder.stderr().trim()}`);
    } finally {
      await fixture.stop();
    }
    await show(work.capture, fixture.pid, io);
    work.dispose();
    io.out('');
    io.out('4/4  Cleaned up: the private sshd is stopped, its users and files are deleted, the capture is removed.');
    io.out('Next: `sudo npx sshtrace watch` shows your own sshd live; `sudo npx sshtrace record -o ssh.sshtrace` then');
    io.out('`npx sshtrace replay ssh.sshtrace` records and replays it; every command has --help with examples.');
  } finally {
    work.dispose();
  }
}

async function startFixture(): Promise<PrivateSshd> {
  try {
    return await startPrivateSshd();
  } catch (error) {
    throw new SshtraceError((error as Error).message, EXIT.internal);
  }
}

async function runTour(fixture: PrivateSshd, io: DemoIo): Promise<void> {
  for (const step of TOUR) io.out(`       - ${step.says}`);
  io.out('     (about 10 s: sshd and PAM make each wrong password wait about 3 s)');
  const outcomes = await Promise.all(
    TOUR.map(async (step) => {
      const outcome = await runOne(scenarioNamed(step.scenario), fixture);
      const mark = outcome.error === null ? 'done' : `failed: ${outcome.error.message.split('\n')[0]}`;
      io.out(`       ${(outcome.durationMs / 1000).toFixed(1).padStart(4)} s  ${step.says}: ${mark}`);
      return outcome;
    }),
  );
  const failed = outcomes.filter((o) => o.error !== null).length;
  if (failed > 0)
    io.err(`sshtrace demo: warning: ${failed} client(s) did not behave as planned; the replay shows what happened`);
}

async function runOne(scenario: Scenario, fixture: PrivateSshd): Promise<ScenarioOutcome> {
  const started = Date.now();
  try {
    return {
      scenario: scenario.name,
      truth: await scenario.run({ fixture }),
      error: null,
      durationMs: Date.now() - started,
    };
  } catch (error) {
    return { scenario: scenario.name, truth: null, error: error as Error, durationMs: Date.now() - started };
  }
}

async function show(capture: string, listener: number, io: DemoIo): Promise<void> {
  const records = recordsOfListener(await replayFiles([capture]), listener);
  const kib = (statSync(capture).size / 1024).toFixed(0);
  io.out(
    `3/4  Replayed the capture (${kib} KiB). Below is what \`sshtrace replay capture.sshtrace\` prints for this sshd`,
  );
  io.out('     (times are UTC; in JSON with --format jsonl, or for a SIEM with --format ocsf or --format ecs):');
  for (const line of presentRecords(records)) io.out(line);
}
