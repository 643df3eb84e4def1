// Issue #6, sshd's life around a recording: the listener re-executing itself on SIGHUP mid-capture (sessions
// before, across and after it), and an sshd started after the recorder. Expected values come from what the
// driver ran. (The recorder started while sessions are open: test/e2e/record-open-session.test.ts.)
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startRecorder, type RunningRecorder } from '../../harness/record-scenarios';
import type { PrivateSshd } from '../../harness/fixture';
import type { AuthRecord, OutputRecord, SessionRecord } from '../../model/records';
import { replayFiles } from '../../replay/pipeline';
import { runCommandSessions, runFailedAttempts, startLoadSshd, type SessionTruth } from '../load/load-driver';
import { lines, rootSkipReason, runCli, sleep } from './support/reliability-cli';

const dir = mkdtempSync(join(tmpdir(), 'sshtr-lifecycle-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Resolves once something accepts TCP connections on the port again. */
async function listening(port: number, timeoutMs = 10_000): Promise<void> {
  for (const started = Date.now(); Date.now() - started < timeoutMs; await sleep(50)) {
    const ok = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (ok) return;
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

/** Every session the driver ran is in the replay, once, complete, with its commands in order. */
function assertSessions(records: readonly OutputRecord[], truths: readonly SessionTruth[], user: string): void {
  for (const truth of truths) {
    assert.equal(truth.exitStatus, 0, `session ${truth.index}: ${truth.stderr}`);
    const found = records.filter(
      (r): r is SessionRecord => r.type === 'session' && r.source?.port === truth.sourcePort,
    );
    assert.equal(found.length, 1, `session ${truth.index} (port ${truth.sourcePort})`);
    const s = found[0]!;
    assert.deepEqual(
      { user: s.user, incomplete: s.incomplete, ended: s.end !== null },
      { user, incomplete: false, ended: true },
      s.incomplete_reasons.join('; '),
    );
    assert.deepEqual(
      s.commands.filter((c) => c.argv[0] !== 'bash').map((c) => c.argv),
      truth.commands,
      `session ${truth.index}`,
    );
  }
}

async function stopAndReplay(recorder: RunningRecorder, capture: string): Promise<OutputRecord[]> {
  await sleep(300);
  assert.equal(await recorder.stop(), 0, recorder.stderr());
  assert.match(recorder.stderr(), /no losses/);
  return replayFiles([capture]);
}

const skip = rootSkipReason();

describe('the listener re-executes itself on SIGHUP mid-capture', { skip }, () => {
  it('reduces sessions before, across and after the re-exec, and failed attempts after it', async () => {
    const capture = join(dir, 'sighup.sshtrace');
    let fixture: PrivateSshd | null = null;
    try {
      fixture = await startLoadSshd();
      const user = await fixture.createUser({ key: true });
      const victim = await fixture.createUser();
      const recorder = await startRecorder(capture, []);
      const before = await runCommandSessions(fixture, user, 2, 5, { firstIndex: 0 });
      const across = runCommandSessions(fixture, user, 1, 10, { firstIndex: 2, pauseSeconds: 0.2 });
      await sleep(700); // the long session is logged in and running its loop
      process.kill(fixture.pid, 'SIGHUP');
      await sleep(200);
      await listening(fixture.port);
      const afterHup = await runCommandSessions(fixture, user, 2, 5, { firstIndex: 3 });
      const failures = await runFailedAttempts(fixture, victim, 2, 1, 2);
      const records = await stopAndReplay(recorder, capture);
      const dump = await runCli(['dump', '--kinds', 'exec', capture]);
      const reexec = lines(dump.stdout)
        .map((l) => JSON.parse(l) as { tgid: number })
        .filter((e) => e.tgid === fixture!.pid);
      assert.equal(reexec.length, 1, "the listener exec'd itself once, in place (same pid)");
      assertSessions(records, [...before, ...(await across), ...afterHup], user.name);
      const auths = records.filter((r): r is AuthRecord => r.type === 'auth' && r.user === victim.name);
      assert.deepEqual(
        auths.map((a) => [a.success, a.source?.port]),
        failures.flatMap((f) => Array(f.attempts).fill([false, f.sourcePort])),
      );
      assert.deepEqual(
        records.filter((r) => r.type === 'anomaly'),
        [],
      );
    } finally {
      await fixture?.stop();
    }
  });
});

describe('an sshd started after the recorder', { skip }, () => {
  it('is followed from its exec: its sessions and failed attempts are reduced right', async () => {
    const capture = join(dir, 'late-sshd.sshtrace');
    const recorder = await startRecorder(capture, []);
    let fixture: PrivateSshd | null = null;
    try {
      fixture = await startLoadSshd();
      const user = await fixture.createUser({ key: true });
      const victim = await fixture.createUser();
      const sessions = await runCommandSessions(fixture, user, 2, 5);
      const failures = await runFailedAttempts(fixture, victim, 1, 1, 1);
      const records = await stopAndReplay(recorder, capture);
      assertSessions(records, sessions, user.name);
      const auths = records.filter((r): r is AuthRecord => r.type === 'auth' && r.user === victim.name);
      assert.deepEqual(
        auths.map((a) => [a.success, a.source?.port, a.pids.listener]),
        [[false, failures[0]!.sourcePort, fixture.pid]],
      );
    } finally {
      if (recorder.child.exitCode === null) await recorder.stop();
      await fixture?.stop();
    }
  });
});
