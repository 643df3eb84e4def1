// End to end: the private sshd fixture runs every scenario with real OpenSSH clients, the clients'
// outcomes match the ground truth each scenario claims, and nothing is left behind afterwards.
// Needs root (sshd, useradd, chroot); CI runs as root, so it must not skip there.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, test } from 'node:test';
import {
  newLeftovers,
  snapshotLeftovers,
  startPrivateSshd,
  type PrivateSshd,
  type PrivateSshdOptions,
} from '../../harness/fixture';
import {
  fitsGraceTime,
  runScenarios,
  SCENARIOS,
  WORKSPACE_PREFIX,
  WRONG_PASSWORD_PATTERN,
  type ExpectedConnection,
  type GroundTruth,
  type Scenario,
  type ScenarioOutcome,
} from '../../harness/scenarios';

const ROOTFS = process.env.SSHTRACE_ROOTFS ?? '/var/cache/sshtrace/rootfs/bookworm';
const SHORT_GRACE_S = 3;
const SCENARIOS_AT_ONCE = 4;

function skipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (starts sshd, runs useradd and chroot); CI runs as root';
  if (!fs.existsSync('/usr/sbin/sshd')) return '/usr/sbin/sshd missing: apt-get install openssh-server';
  return false;
}

function rootfsSkipReason(): string | false {
  if (fs.existsSync(`${ROOTFS}/usr/sbin/sshd`)) return false;
  return `no Debian rootfs with sshd at ${ROOTFS} (set SSHTRACE_ROOTFS to one)`;
}

const SKIP = skipReason();
const ROOTFS_SKIP = rootfsSkipReason();
if (SKIP) console.log(`e2e fixture tests skipped: ${SKIP}`);

interface SuiteRun {
  readonly outcomes: readonly ScenarioOutcome[];
  readonly passwords: readonly string[];
  readonly syslogText: string | null;
  readonly utmpBytes: Buffer | null;
}

function fixtureFor(fixtures: readonly PrivateSshd[]) {
  return (scenario: Scenario): PrivateSshd => {
    const fitting = fixtures.find((f) => fitsGraceTime(scenario, f.loginGraceTime));
    if (fitting === undefined) throw new Error(`no fixture suits ${scenario.name}'s LoginGraceTime limits`);
    return fitting;
  };
}

/** Starts a default fixture and a short-grace one (for login_grace_expiry), runs every scenario, stops both. */
async function runSuite(options: PrivateSshdOptions): Promise<SuiteRun> {
  const shortOptions = options.root === undefined ? {} : { root: options.root };
  const fixtures = await Promise.all([
    startPrivateSshd(options),
    startPrivateSshd({ ...shortOptions, loginGraceTime: SHORT_GRACE_S }),
  ]);
  const started = Date.now();
  let run: SuiteRun;
  try {
    const outcomes = await runScenarios(SCENARIOS, fixtureFor(fixtures), SCENARIOS_AT_ONCE);
    console.log(
      `fixture ${JSON.stringify(options)}: ${SCENARIOS.length} scenarios in ${Date.now() - started} ms ` +
        `(${outcomes.map((o) => `${o.scenario} ${o.durationMs}`).join(', ')})`,
    );
    const main = fixtures[0];
    run = {
      outcomes,
      passwords: fixtures.flatMap((f) => f.users().map((u) => u.password ?? '')).filter((p) => p !== ''),
      syslogText: main.syslogFile === null ? null : fs.readFileSync(main.syslogFile, 'utf8'),
      utmpBytes: main.utmpPath === null ? null : fs.readFileSync(main.utmpPath),
    };
  } catch (error) {
    await stopAll(fixtures).catch(() => undefined); // the run's own error is the one to report
    throw error;
  }
  await stopAll(fixtures);
  return run;
}

/** Stops every fixture; fails when one did not stop (a leftover sshd is a defect of the fixture). */
async function stopAll(fixtures: readonly { stop(): Promise<void> }[]): Promise<void> {
  const stops = await Promise.allSettled(fixtures.map((f) => f.stop()));
  const failed = stops.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}

function assertConnection(scenario: string, c: ExpectedConnection): void {
  const where = `${scenario}/${c.label}`;
  assert.equal(
    c.client_exit_status,
    c.expected_client_exit_status,
    `${where}: client exit status (stderr: ${c.stderr.trim()})`,
  );
  for (const text of c.stdout_must_include)
    assert.ok(c.stdout.includes(text), `${where}: stdout lacks ${text}: ${c.stdout}`);
  if (c.client !== 'tcp') {
    const prompted = c.attempts.filter((a) => a.method !== 'publickey').length;
    assert.equal(c.prompts_answered, prompted, `${where}: askpass prompts vs password attempts`);
  }
  assert.ok(Number.isInteger(c.source_port) && c.source_port! > 0, `${where}: source port unknown`);
  const succeeded = c.attempts.some((a) => a.success);
  assert.equal(c.sessions.length > 0, succeeded, `${where}: sessions exactly when an attempt succeeded`);
  for (const session of c.sessions) {
    assert.match(session.commands[0]?.argv[0] ?? '', /^-?bash$/, `${where}: the first command is the user's shell`);
  }
  assert.ok(c.started_at <= c.ended_at, `${where}: timings`);
}

function assertTruth(outcome: ScenarioOutcome, passwords: readonly string[]): GroundTruth {
  assert.equal(outcome.error, null, `${outcome.scenario} failed: ${outcome.error?.stack}`);
  const truth = outcome.truth!;
  assert.equal(truth.scenario, outcome.scenario);
  assert.ok(truth.connections.length > 0, `${outcome.scenario}: no connection recorded`);
  for (const connection of truth.connections) assertConnection(outcome.scenario, connection);
  for (const check of truth.checks) assert.ok(check.ok, `${outcome.scenario}: ${check.what}`);
  const text = JSON.stringify(truth);
  for (const password of passwords)
    assert.ok(!text.includes(password), `${outcome.scenario}: a password is in the ground truth`);
  assert.doesNotMatch(
    text,
    WRONG_PASSWORD_PATTERN,
    `${outcome.scenario}: a typed wrong password is in the ground truth`,
  );
  return truth;
}

function assertAll(run: SuiteRun): GroundTruth[] {
  const truths = run.outcomes.map((outcome) => assertTruth(outcome, run.passwords));
  const ports = truths.flatMap((t) => t.connections.map((c) => c.source_port));
  assert.equal(new Set(ports).size, ports.length, 'every connection has its own source port');
  return truths;
}

// sshd's own account of each authentication must name the user and the source port the scenario recorded.
const LOGGED_METHOD = {
  password: 'password',
  publickey: 'publickey',
  'keyboard-interactive': 'keyboard-interactive/pam',
};

function assertSyslogAgrees(truths: readonly GroundTruth[], run: SuiteRun): void {
  const log = run.syslogText!;
  for (const c of truths.flatMap((t) => t.connections)) {
    for (const a of c.attempts.filter((x) => x.success || x.method === 'password')) {
      const verdict = a.success ? 'Accepted' : 'Failed';
      const line = `${verdict} ${LOGGED_METHOD[a.method]} for ${a.invalid_user ? 'invalid user ' : ''}${a.user} from 127.0.0.1 port ${c.source_port} ssh2`;
      assert.ok(log.includes(line), `syslog lacks "${line}"`);
    }
  }
  for (const password of run.passwords) assert.ok(!log.includes(password), 'a password reached syslog');
  assert.doesNotMatch(log, WRONG_PASSWORD_PATTERN, 'a typed wrong password reached syslog');
}

describe('private sshd fixture and scenarios (e2e, root)', { skip: SKIP }, () => {
  const roots = ROOTFS_SKIP ? ['/'] : ['/', ROOTFS];
  let before: ReturnType<typeof snapshotLeftovers> | undefined;

  test('snapshot the machine before', () => {
    before = snapshotLeftovers(roots, WORKSPACE_PREFIX);
  });

  describe('every scenario, three fixtures at once', { concurrency: 3 }, () => {
    test('host sshd', async () => {
      assertAll(await runSuite({}));
    });

    test('host sshd with syslog and utmp', async () => {
      const run = await runSuite({ syslog: true, utmp: true });
      const truths = assertAll(run);
      assert.ok(run.syslogText !== null, 'the /dev/log receiver was not started (does /dev/log already exist?)');
      assertSyslogAgrees(truths, run);
      assert.ok(run.utmpBytes?.toString('latin1').includes('pts/'), 'no pty login in utmp');
    });

    test(`chroot into ${ROOTFS}`, { skip: ROOTFS_SKIP }, async () => {
      assertAll(await runSuite({ root: ROOTFS }));
    });
  });

  test('nothing is left behind', () => {
    assert.ok(before !== undefined);
    assert.deepEqual(newLeftovers(before, snapshotLeftovers(roots, WORKSPACE_PREFIX)), {});
  });
});
