// Issue #6, secrets: on every OpenSSH version available here, the password of a password login, of a
// keyboard-interactive (PAM) login and of failed attempts never reaches a capture (raw bytes and every
// decompressed frame) nor anything `replay` or `dump` print. Two recorders run at once: the default one
// and one with --file-writes (which hooks write(), the widest the recorder can look). A planted password
// proves the search finds one. The committed corpus captures get the same proof.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { after, describe, it } from 'node:test';
import { startPrivateSshd } from '../../harness/fixture';
import { startRecorder } from '../../harness/record-scenarios';
import { compareWithTruth, formatMismatches } from '../../harness/corpus/compare';
import { runScenarios, type ScenarioOutcome } from '../../harness/scenarios';
import {
  invalidUser,
  keyboardInteractive,
  passwordCommandFails,
  wrongThenRight,
} from '../../harness/scenarios/password';
import { wrongPassword } from '../../harness/scenarios/scenario';
import { replayFiles } from '../../replay/pipeline';
import { startClient } from '../../harness/scenarios/client';
import { keyOptions, onlyMethod, target } from '../../harness/scenarios/expect';
import { withWorkspace } from '../../harness/scenarios/workspace';
import { ROOT, ROOTFS_CACHE, rootSkipReason, runCli, sleep } from './support/reliability-cli';
import { readSecretsFile } from '../../harness/corpus/secrets-file';
import { allSecretHits, committedCaptures, plantSecret, secretsInOutputs } from './support/reliability-secrets';
import { secretsInCapture } from './support/secrets';

const SCENARIOS = [passwordCommandFails, keyboardInteractive, wrongThenRight, invalidUser];
const dir = mkdtempSync(join(tmpdir(), 'sshtr-secrets-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Target {
  readonly name: string;
  readonly root: string | undefined;
}
// Host: Debian 12's 9.2p1. Chroots: 8.4p1 (bullseye), 10.0p1 (trixie: PAM 1.7 feeds unix_chkpwd through a pipe), 10.6p1 (sid).
const TARGETS: readonly Target[] = [
  { name: 'host', root: undefined },
  ...['bullseye', 'trixie', 'sid'].map((name) => ({ name, root: join(ROOTFS_CACHE, name) })),
];

function skipFor(target: Target): string | false {
  const base = rootSkipReason();
  if (base) return base;
  if (target.root === undefined)
    return existsSync('/usr/sbin/sshd') ? false : '/usr/sbin/sshd missing: apt-get install openssh-server';
  return existsSync(join(target.root, 'usr/sbin/sshd'))
    ? false
    : `no Debian ${target.name} root filesystem at ${target.root} (sudo npx sshtrace corpus rootfs build ${target.name} builds it)`;
}

interface LiveRun {
  readonly captures: readonly string[];
  readonly passwords: readonly string[];
  readonly outcomes: readonly ScenarioOutcome[];
  readonly version: string;
}

async function recordLive(target: Target): Promise<LiveRun> {
  const fixture = await startPrivateSshd(target.root === undefined ? {} : { root: target.root });
  try {
    const captures = [join(dir, `${target.name}-default.sshtrace`), join(dir, `${target.name}-file-writes.sshtrace`)];
    const recorders = [await startRecorder(captures[0]!, []), await startRecorder(captures[1]!, ['--file-writes'])];
    const outcomes = await runScenarios(SCENARIOS, () => fixture, SCENARIOS.length);
    await sleep(300); // the last exits reach the ring buffer
    for (const r of recorders) {
      assert.equal(await r.stop(), 0, r.stderr());
      assert.match(r.stderr(), /no losses/, r.stderr());
    }
    const passwords = fixture
      .users()
      .map((u) => u.password)
      .filter((p): p is string => p !== null);
    return { captures, passwords, outcomes, version: fixture.version };
  } finally {
    await fixture.stop();
  }
}

/** The clients really typed every password: otherwise an empty search would prove nothing. */
function assertPasswordsWereTyped(outcomes: readonly ScenarioOutcome[]): void {
  for (const o of outcomes) {
    assert.equal(o.error, null, `${o.scenario}: ${o.error?.message}`);
    for (const c of o.truth!.connections) {
      assert.equal(c.client_exit_status, c.expected_client_exit_status, `${o.scenario}/${c.label}: ${c.stderr}`);
      assert.equal(c.prompts_answered, c.attempts.length, `${o.scenario}/${c.label}: one typed password per attempt`);
    }
  }
}

for (const target of TARGETS) {
  describe(`no password in captures or output: ${target.name}`, { skip: skipFor(target) }, () => {
    let run: LiveRun;

    it('records password, keyboard-interactive and failed logins with two recorders', async () => {
      run = await recordLive(target);
      assertPasswordsWereTyped(run.outcomes);
      assert.equal(run.passwords.length, 3, 'three users with passwords (invalid_user has none)');
    });

    it('captured every attempt (so the capture is not trivially empty)', async () => {
      for (const capture of run.captures) {
        const records = await replayFiles([capture]);
        const problems = run.outcomes
          .flatMap((o) => compareWithTruth(o.truth!, records))
          .filter((m) => m.where.endsWith(' attempts'));
        assert.equal(problems.length, 0, `${run.version}, ${capture}:\n${formatMismatches(problems)}`);
      }
    });

    it('creates captures with mode 0600', () => {
      for (const capture of run.captures) assert.equal(statSync(capture).mode & 0o777, 0o600, capture);
    });

    it('finds no password in the raw capture, its frames, replay (every format) or dump', async () => {
      for (const capture of run.captures)
        assert.deepEqual(await allSecretHits(capture, run.passwords), [], `${run.version} ${capture}`);
    });

    it('finds a planted password (positive control: the search can fail)', async () => {
      const planted = join(dir, `${target.name}-planted.sshtrace`);
      const wrong = wrongPassword();
      await plantSecret(run.captures[0]!, planted, `${run.passwords[0]} ${wrong}`);
      const inCapture = await secretsInCapture(planted, run.passwords);
      assert.deepEqual(new Set(inCapture.map((h) => h.secret)), new Set([run.passwords[0], wrong]));
      assert.ok(
        inCapture.some((h) => h.where.endsWith('(decompressed)')),
        JSON.stringify(inCapture),
      );
      const inOutput = await secretsInOutputs(planted, run.passwords);
      assert.ok(
        inOutput.some((h) => h.where === 'sshtrace dump' && h.secret === run.passwords[0]),
        JSON.stringify(inOutput),
      );
    });
  });
}

// The committed corpus captures (another engineer records them, one folder per OpenSSH build): no wrong
// password (they all match WRONG_PASSWORD_PATTERN) and none of the passwords listed in the `<capture>.secrets.json`
// that `corpus record` writes beside every capture (the throwaway users' passwords and the wrong ones typed;
// the users are gone). A capture without its sidecar fails: the proof must not shrink to the pattern alone.
const CORPUS = join(ROOT, 'corpus');
const corpusCaptures = existsSync(CORPUS) ? committedCaptures(CORPUS) : [];
const byBuild = new Map<string, string[]>();
for (const capture of corpusCaptures) {
  const build = relative(CORPUS, capture).split(sep).slice(0, -2).join('/') || relative(CORPUS, dirname(capture));
  byBuild.set(build, [...(byBuild.get(build) ?? []), capture]);
}

const sidecarOf = (capture: string) => capture.replace(/\.sshtrace$/, '.secrets.json');

/** Every password listed beside `captures`; throws naming each capture that has no (readable) sidecar. */
function listedPasswords(captures: readonly string[]): string[] {
  const missing = captures.filter((c) => !existsSync(sidecarOf(c)));
  assert.deepEqual(
    missing,
    [],
    'captures without a <capture>.secrets.json ("sshtrace corpus record" writes one): re-record them',
  );
  const listed = captures.flatMap((c) => readSecretsFile(sidecarOf(c)).passwords);
  assert.ok(listed.length > 0, `no password listed beside ${captures.length} captures: the search would prove nothing`);
  return listed;
}

describe('no password in the committed corpus captures', {
  skip: corpusCaptures.length === 0 ? `no *.sshtrace committed under ${CORPUS} yet` : false,
}, () => {
  for (const [build, captures] of byBuild) {
    it(`${build}: ${captures.length} capture(s) with their secrets.json, raw, frames, replay (every format) and dump`, async () => {
      const passwords = listedPasswords(captures);
      for (const capture of captures) assert.deepEqual(await secretsInCapture(capture, passwords), [], capture);
      assert.deepEqual(await secretsInOutputs(captures, passwords), []);
    });
  }
});

// Regression (found by this test's first run on trixie/sid, then by this one): --file-writes reads pipes written
// by a chrooted sshd (the pre-auth log pipe). A whole sshd in a rootfs or container, or a ChrootDirectory
// post-auth child, also counted as chrooted: the first leaked the monitor's pipe to unix_chkpwd (the password),
// the second the user's session data. Only a chrooted *and* seccomp-sandboxed writer is read now.
describe('--file-writes reads only the pre-auth log pipe', { skip: skipFor(TARGETS[0]!) }, () => {
  it('never captures what a ChrootDirectory session pipes to its command, but still the pre-auth log', async () => {
    const secret = `sshtr-session-data-${Date.now()}`;
    const capture = join(dir, 'chroot-directory.sshtrace');
    const fixture = await startPrivateSshd({
      logLevel: 'DEBUG1',
      extraConfig: ['Match User sshtr_*', '  ChrootDirectory /'],
    });
    try {
      const user = await fixture.createUser({ key: true });
      const recorder = await startRecorder(capture, ['--file-writes']);
      const result = await withWorkspace(
        'chroot_directory',
        (ws) =>
          startClient(fixture, ws, {
            program: 'ssh',
            args: [
              ...onlyMethod('publickey'),
              ...keyOptions(user.key!.privateKeyPath),
              target(fixture, user.name),
              'cat > /dev/null',
            ],
            interact: async (io) => {
              io.write(`${secret}\n`);
              await sleep(500);
            },
          }).done,
      );
      assert.equal(result.exitStatus, 0, result.stderr);
      await sleep(300);
      assert.equal(await recorder.stop(), 0, recorder.stderr());
    } finally {
      await fixture.stop();
    }
    assert.deepEqual(await allSecretHits(capture, [secret]), []);
    const dump = await runCli(['dump', '--kinds', 'pipe_write,chroot', capture]);
    assert.match(dump.stdout, /"kind":"chroot".*"path":"\/"/, 'the post-auth child did chroot');
    assert.match(dump.stdout, /"kind":"pipe_write"/, 'the pre-auth log pipe (DEBUG1) is still read');
  });
});
