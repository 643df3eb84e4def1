// The corpus's naming and bookkeeping, given small inputs: folder names from banners, their order, the
// distro of a root filesystem, what expected.json keeps, when a ground truth may not be committed,
// which processes of a capture belong to the fixture, and key fingerprints.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDirName, compareBuildDirs, versionOfBanner } from '../../harness/corpus/corpus-layout';
import { distroFromOsRelease } from '../../harness/corpus/corpus-target';
import { toExpectedFile } from '../../harness/corpus/expected-file';
import { truthProblems } from '../../harness/corpus/truth-checks';
import { descendantsInCapture, foreignActivityIn } from '../../harness/corpus/foreign-activity';
import { fingerprintOf } from '../../harness/scenarios/expect';
import { takeWrongPasswords, wrongPassword, WRONG_PASSWORD_PATTERN } from '../../harness/scenarios/scenario';
import { readSecretsFile, renderSecretsFile, SECRETS_NOTE } from '../../harness/corpus/secrets-file';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExpectedConnection, GroundTruth } from '../../harness/scenarios/ground-truth';
import type { ForkEvent, SetsidEvent, TraceEvent } from '../../capture/events';

const BUILD = {
  banner: 'OpenSSH_10.0p2 Debian-7+deb13u4',
  version: '10.0p2',
  distro: 'trixie',
  package: '1:10.0p1-7+deb13u4',
};

function connection(overrides: Partial<ExpectedConnection> = {}): ExpectedConnection {
  return {
    label: 'login',
    client: 'ssh',
    source_port: 40000,
    attempts: [{ user: 'sshtr_a', invalid_user: false, success: true, method: 'password' }],
    sessions: [{ user: 'sshtr_a', tty: false, kind: 'exec', commands: [], commands_complete: true, why: '' }],
    expected_client_exit_status: 0,
    client_exit_status: 0,
    stdout_must_include: ['sshtr_a'],
    stdout: 'sshtr_a\n/tmp/sshtr-client-x/1-file on host vm',
    stderr: '',
    prompts_answered: 1,
    started_at: '2026-11-28T10:00:00.000Z',
    ended_at: '2026-11-28T10:00:01.000Z',
    ...overrides,
  };
}

function truth(connections: ExpectedConnection[], checks: GroundTruth['checks'] = []): GroundTruth {
  return {
    scenario: 'password_command_fails',
    server: { address: '127.0.0.1', port: 2222, pid: 77, version: BUILD.banner },
    started_at: '2026-11-28T10:00:00.000Z',
    ended_at: '2026-11-28T10:00:02.000Z',
    connections,
    checks,
  };
}

describe('corpus folder names', () => {
  it('take the version from the banner and the distro as given', () => {
    assert.equal(versionOfBanner('OpenSSH_8.4p1 Debian-5+deb11u3'), '8.4p1');
    assert.equal(buildDirName('OpenSSH_10.0p2 Debian-7+deb13u4', 'Trixie'), '10.0p2-trixie');
    assert.throws(() => versionOfBanner('dropbear_2022.83'), /cannot read an OpenSSH version/);
    assert.throws(() => buildDirName(BUILD.banner, 'my distro'), /cannot name a corpus folder/);
  });

  it('sort by version number, not as text', () => {
    const sorted = ['10.6p1-sid', '9.2p1-bookworm', '10.0p2-trixie', '8.4p1-bullseye', '10.10p1-x'].sort(
      compareBuildDirs,
    );
    assert.deepEqual(sorted, ['8.4p1-bullseye', '9.2p1-bookworm', '10.0p2-trixie', '10.6p1-sid', '10.10p1-x']);
  });

  it('call sid sid although its os-release names the next release', () => {
    assert.equal(
      distroFromOsRelease('PRETTY_NAME="Debian GNU/Linux forky/sid"\nVERSION_CODENAME=forky\nID=debian\n'),
      'sid',
    );
    assert.equal(
      distroFromOsRelease('PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nVERSION_CODENAME=trixie\nID=debian\n'),
      'trixie',
    );
    assert.equal(distroFromOsRelease('ID=alpine\n'), 'alpine');
    assert.equal(distroFromOsRelease(''), 'custom');
  });
});

describe('expected.json', () => {
  it('keeps what was done and observed, and drops times, pids and raw client output', () => {
    const file = toExpectedFile(truth([connection()]), 'a description', BUILD);
    const text = JSON.stringify(file);
    for (const gone of ['started_at', 'ended_at', '"stdout"', '"stderr"', '"pid"', '/tmp/sshtr-client-', 'host vm']) {
      assert.ok(!text.includes(gone), `expected.json still holds ${gone}`);
    }
    assert.deepEqual(file.connections[0]!.attempts, connection().attempts);
    assert.equal(file.connections[0]!.client_exit_status, 0);
    assert.deepEqual(file.openssh, BUILD);
  });
});

describe('a ground truth that disagrees with itself is not committed', () => {
  it('accepts a consistent one', () => {
    assert.deepEqual(truthProblems(truth([connection()]), ['secret-password']), []);
  });

  it('names each problem', () => {
    const problems = truthProblems(
      truth([connection({ client_exit_status: 255, stdout: '' })], [{ what: 'file arrived', ok: false }]),
      [],
    );
    assert.match(problems.join('\n'), /client exited 255, the scenario expects 0/);
    assert.match(problems.join('\n'), /lacks "sshtr_a"/);
    assert.match(problems.join('\n'), /check failed: file arrived/);
  });

  it('refuses any password in it', () => {
    const leaky = connection({ stdout_must_include: ['hunter2-password'], stdout: 'hunter2-password' });
    assert.match(truthProblems(truth([leaky]), ['hunter2-password']).join('\n'), /a password is in the ground truth/);
    const typed = connection({ label: 'sshtr-wrong-0123456789abcdef01' });
    assert.match(truthProblems(truth([typed]), []).join('\n'), /wrong password/);
  });
});

const creds = {
  uid: 0,
  euid: 0,
  suid: 0,
  fsuid: 0,
  gid: 0,
  egid: 0,
  sgid: 0,
  fsgid: 0,
  auid: -1 >>> 0,
  sessionid: -1 >>> 0,
};
const fork = (parent: number, child: number, ts: number): ForkEvent => ({
  kind: 'fork',
  ts,
  tgid: parent,
  tid: parent,
  truncated: false,
  childTgid: child,
  childTid: child,
  thread: false,
  creds,
  comm: 'sshd',
});
const setsid = (pid: number, ts: number): SetsidEvent => ({
  kind: 'setsid',
  ts,
  tgid: pid,
  tid: pid,
  truncated: false,
  ret: pid,
});

describe("the fixture's process tree in a capture", () => {
  it('follows forks from the listener whatever order the file holds them in', () => {
    const events: TraceEvent[] = [fork(11, 12, 30), fork(10, 11, 10), fork(99, 100, 20)];
    assert.deepEqual([...descendantsInCapture(events, 10)].sort(), [10, 11, 12]);
  });

  it('counts the events of every other process as foreign', () => {
    const events: TraceEvent[] = [fork(10, 11, 1), setsid(11, 2), setsid(99, 3), setsid(99, 4), setsid(100, 5)];
    const foreign = foreignActivityIn(events, 10);
    assert.equal(foreign.events, 3);
    assert.deepEqual(
      [...foreign.pids.entries()],
      [
        [99, 2],
        [100, 1],
      ],
    );
  });

  it('counts another sshd already running at the start as foreign too', () => {
    const proc = (pid: number) => ({
      pid,
      ppid: 1,
      exe: '/usr/sbin/sshd',
      argv: [],
      comm: 'sshd',
      uid: [0, 0, 0, 0] as const,
      gid: [0, 0, 0, 0] as const,
      auid: 0,
      sessionid: 0,
      startBoottime: 0,
      tty: '',
      root: '/',
      flags: 0,
      peer: null,
    });
    const events: TraceEvent[] = [{ kind: 'snapshot', ts: 0, processes: [proc(10), proc(55)] }, fork(10, 11, 1)];
    const foreign = foreignActivityIn(events, 10);
    assert.deepEqual(foreign.snapshotPids, [55]);
    assert.equal(foreign.events, 0);
  });
});

describe('capture.secrets.json', () => {
  it('lists each password once, in order, with a one-line note', () => {
    const text = renderSecretsFile(['aaa', 'sshtr-wrong-0123456789abcdef01', 'aaa']);
    const parsed = JSON.parse(text);
    assert.deepEqual(parsed, { note: SECRETS_NOTE, passwords: ['aaa', 'sshtr-wrong-0123456789abcdef01'] });
    assert.ok(!SECRETS_NOTE.includes('\n'));
    const dir = mkdtempSync(join(tmpdir(), 'sshtr-secrets-file-'));
    try {
      writeFileSync(join(dir, 'ok.json'), text);
      assert.deepEqual(readSecretsFile(join(dir, 'ok.json')).passwords, ['aaa', 'sshtr-wrong-0123456789abcdef01']);
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ passwords: ['', 'x'] }));
      assert.throws(
        () => readSecretsFile(join(dir, 'bad.json')),
        /bad\.json: "passwords" must be a list of non-empty strings/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gets the wrong passwords a scenario typed from wrongPassword()', () => {
    takeWrongPasswords();
    const typed = [wrongPassword(), wrongPassword()];
    assert.ok(typed.every((p) => WRONG_PASSWORD_PATTERN.test(p)));
    assert.deepEqual(takeWrongPasswords(), typed);
    assert.deepEqual(takeWrongPasswords(), []);
  });
});

describe('key fingerprints', () => {
  it('are SHA256 of the key blob, unpadded base64, as ssh-keygen -l prints them', () => {
    // `ssh-keygen -lf` of this key printed "256 SHA256:Cxy3YLrMx0eMsDyv8rRsAok8r7+90z383bpERVwlUE0 comment (ED25519)".
    const line = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMbwvQNRG2FAEKJKD2bHeGI1m1fu+af/F6QhvhJ7i4G1 comment';
    assert.equal(fingerprintOf(line), 'SHA256:Cxy3YLrMx0eMsDyv8rRsAok8r7+90z383bpERVwlUE0');
    assert.throws(() => fingerprintOf('ssh-ed25519'), /not a public key line/);
  });
});
