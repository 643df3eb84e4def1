// `sshtrace demo` end to end, as a new user runs it: it prints the tour's attempts, sessions and connections
// (counts from what the four scenarios do), and leaves nothing behind — no users, no sshd, no clients, no
// recorder, no files — whether it finishes or is interrupted with SIGINT or SIGHUP in the middle of the tour.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { newLeftovers, snapshotLeftovers } from '../../harness/fixture';
import { CLI } from '../../harness/record-scenarios';
import { WORKSPACE_PREFIX } from '../../harness/scenarios';

const ADDON = resolve(__dirname, '../../../native/build/Release/sshtrace.node');
const skip =
  process.geteuid?.() !== 0
    ? 'needs root (BPF, users, sshd)'
    : !existsSync(ADDON)
      ? `needs the built addon (${ADDON}): npm run build`
      : false;

interface DemoRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  sshdPid: number;
  fixtureDir: string;
  /** Users the demo's sshd served (its per-connection processes are titled "sshd: USER [priv]"). */
  served: Set<string>;
}

/** Children of the demo's sshd name the users it serves; other tests' users never appear under it. */
function pollServedUsers(sshdPid: () => number, served: Set<string>): NodeJS.Timeout {
  return setInterval(() => {
    if (sshdPid() === 0) return;
    for (const p of processes()) {
      const user = /^sshd: (sshtr_[0-9a-f]+) \[/.exec(p.cmdline)?.[1];
      if (user && p.ppid === sshdPid()) served.add(user);
    }
  }, 20);
}

/** Runs the demo; `interruptAfter` sends `signal` that long after the tour starts. Learns sshd's pid and dir while it runs. */
function runDemo(interruptAfterMs: number | null, signal: NodeJS.Signals = 'SIGINT'): Promise<DemoRun> {
  const child = spawn(process.execPath, [CLI, 'demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let sshdPid = 0;
  let fixtureDir = '';
  const served = new Set<string>();
  const poll = pollServedUsers(() => sshdPid, served);
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const started = /^1\/4 .* pid (\d+),/m.exec(stdout);
    if (started && sshdPid === 0) {
      sshdPid = Number(started[1]);
      const argv = readFileSync(`/proc/${sshdPid}/cmdline`, 'utf8').split('\0');
      fixtureDir = dirname(argv[argv.indexOf('-f') + 1]!);
    }
    if (interruptAfterMs !== null && /^2\/4 /m.test(stdout)) {
      setTimeout(() => child.kill(signal), interruptAfterMs);
      interruptAfterMs = null;
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((done) =>
    child.once('exit', (code, signal) => {
      clearInterval(poll);
      done({ code, signal, stdout, stderr, sshdPid, fixtureDir, served });
    }),
  );
}

/** Live processes; a zombie is dead already (killed during the clean-up, reaped by init once the demo exits). */
function processes(): { pid: number; ppid: number; cmdline: string }[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .flatMap((n) => {
      try {
        const stat = readFileSync(`/proc/${n}/stat`, 'utf8').split(') ')[1]!.split(' ');
        if (stat[0] === 'Z' || stat[0] === 'X') return [];
        return [
          {
            pid: Number(n),
            ppid: Number(stat[1]),
            cmdline: readFileSync(`/proc/${n}/cmdline`, 'utf8').replace(/\0/g, ' ').trim(),
          },
        ];
      } catch {
        return [];
      }
    });
}

const accounts = () =>
  readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('sshtr_'))
    .map((l) => l.split(':')[0]!);
const demoDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith('sshtrace-demo-'));

/**
 * Nothing of this run is left: its sshd, clients (they name its port), recorder (it names the demo dir), dirs, and
 * the users it served or named. Other engineers' tests may add sshtr_ users meanwhile on a shared machine, so the
 * whole /etc/passwd is compared only in CI, where tests run one at a time.
 */
function assertNothingLeft(run: DemoRun, accountsBefore: readonly string[], dirsBefore: readonly string[]): void {
  assert.ok(run.sshdPid > 0 && run.fixtureDir !== '', `the demo named its sshd: ${run.stdout}`);
  const port = /127\.0\.0\.1:(\d+)/.exec(run.stdout)![1]!;
  const left = processes().filter(
    (p) =>
      p.pid === run.sshdPid ||
      p.cmdline.includes(`Port=${port}`) ||
      p.cmdline.includes('sshtrace-demo-') ||
      p.cmdline.includes(run.fixtureDir),
  );
  assert.deepEqual(left, [], 'processes the demo started');
  assert.equal(existsSync(run.fixtureDir), false, `${run.fixtureDir} removed`);
  assert.deepEqual(
    demoDirs().filter((d) => !dirsBefore.includes(d)),
    [],
    'the demo capture directory',
  );
  const mine = new Set([...run.served, ...(run.stdout.match(/sshtr_[0-9a-f]+/g) ?? [])]);
  assert.ok(mine.size > 0, 'the demo served some users before it ended');
  assert.deepEqual(
    accounts().filter((a) => mine.has(a)),
    [],
    'the users the demo created',
  );
  for (const user of mine) assert.equal(existsSync(`/home/${user}`), false, `/home/${user}`);
  if (process.env.CI)
    assert.deepEqual(
      accounts().filter((a) => !accountsBefore.includes(a)),
      [],
      'sshtr_ accounts',
    );
}

describe('sshtrace demo', { skip }, () => {
  it('shows the tour and leaves nothing behind', async () => {
    const before = snapshotLeftovers(['/'], WORKSPACE_PREFIX);
    const [accountsBefore, dirsBefore] = [accounts(), demoDirs()];
    const run = await runDemo(null);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    // One password login, three wrong passwords, one invalid user, one key login: 6 attempts, 2 accepted.
    assert.match(run.stdout, /Authentication attempts: 6 \(2 accepted, 4 refused\)/);
    assert.match(run.stdout, /Sessions: 2\n/);
    assert.match(run.stdout, /Connections that never logged in: 2\n/);
    assert.match(run.stdout, /AUTH {5}FAILED {3}password for invalid user sshtr_nx[0-9a-f]+ from 127\.0\.0\.1:\d+/);
    assert.match(run.stdout, /exit 3 {2}\[\d+\] bash -c id -un; exit 3/);
    assert.match(run.stdout, /SESSION {2}sshtr_[0-9a-f]+ from 127\.0\.0\.1:\d+, pts\/\d+, until /);
    assert.match(run.stdout, /exit 2 {2}\[\d+\] ls \/sshtr-missing-path/);
    assert.match(run.stdout, /^4\/4 {2}Cleaned up/m);
    assertNothingLeft(run, accountsBefore, dirsBefore);
    // Tests run one at a time in CI, so there the whole-machine snapshot must not change either.
    if (process.env.CI) assert.deepEqual(newLeftovers(before, snapshotLeftovers(['/'], WORKSPACE_PREFIX)), {});
  });

  // SIGINT: Ctrl-C; SIGHUP: the terminal was closed (or the ssh connection running the demo dropped).
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGHUP', 129],
  ] as const) {
    it(`cleans up everything when interrupted with ${signal} during the tour`, async () => {
      const before = snapshotLeftovers(['/'], WORKSPACE_PREFIX);
      const [accountsBefore, dirsBefore] = [accounts(), demoDirs()];
      const run = await runDemo(1500, signal);
      assert.equal(run.code, code, `exit code after ${signal}\n${run.stdout}\n${run.stderr}`);
      assert.match(
        run.stderr,
        new RegExp(`^sshtrace demo: interrupted \\(${signal}\\): stopping the recorder and the private sshd`, 'm'),
      );
      assert.doesNotMatch(run.stdout, /^3\/4 /m, 'interrupted before the replay');
      assertNothingLeft(run, accountsBefore, dirsBefore);
      if (process.env.CI) assert.deepEqual(newLeftovers(before, snapshotLeftovers(['/'], WORKSPACE_PREFIX)), {});
    });
  }
});
