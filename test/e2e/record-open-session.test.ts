// A recorder started while a session is already open (issues #2, #3, #6): the session comes from the /proc
// snapshot with its user, source and running commands, marked incomplete, and its end is still recorded.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { startPrivateSshd } from '../../harness/fixture';
import { startClient } from '../../harness/scenarios/client';
import { keyOptions, onlyMethod, target } from '../../harness/scenarios/expect';
import { withWorkspace } from '../../harness/scenarios/workspace';
import { startRecorder } from '../../harness/record-scenarios';
import { replayFiles } from '../../replay/pipeline';
import type { SessionRecord } from '../../model/records';

const ADDON = resolve(__dirname, '../../../native/build/Release/sshtrace.node');
const skip =
  process.geteuid?.() !== 0
    ? 'needs root (BPF, users, sshd)'
    : !existsSync(ADDON)
      ? `needs the built addon (${ADDON}): npm run build`
      : false;
const dir = mkdtempSync(join(tmpdir(), 'sshtr-open-session-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const COMMAND = 'sleep 3; exit 4';

/** Resolves once a process runs `argv` (the session is open on the server). */
async function processRunning(argv: readonly string[], timeoutMs = 10_000): Promise<void> {
  const wanted = `${argv.join('\0')}\0`;
  for (const started = Date.now(); Date.now() - started < timeoutMs; ) {
    for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'latin1') === wanted) return;
      } catch {
        /* exited */
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no process ran ${argv.join(' ')} within ${timeoutMs} ms`);
}

describe('recording that starts inside an open session', { skip }, () => {
  it('reports the session from the snapshot, marked incomplete, with its end', async () => {
    const fixture = await startPrivateSshd();
    try {
      const user = await fixture.createUser({ key: true });
      const { session, sourcePort } = await withWorkspace('open_session', async (ws) => {
        const client = startClient(fixture, ws, {
          program: 'ssh',
          args: [
            ...onlyMethod('publickey'),
            ...keyOptions(user.key!.privateKeyPath),
            target(fixture, user.name),
            COMMAND,
          ],
        });
        await processRunning(['sleep', '3']);
        const recorder = await startRecorder(join(dir, 'open.sshtrace'), []);
        const result = await client.done;
        assert.equal(result.exitStatus, 4, 'the client saw the command exit 4');
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(await recorder.stop(), 0, recorder.stderr());
        const records = await replayFiles([join(dir, 'open.sshtrace')]);
        const found = records.filter((r): r is SessionRecord => r.type === 'session' && r.user === user.name);
        assert.equal(found.length, 1, JSON.stringify(records));
        return { session: found[0]!, sourcePort: result.sourcePort };
      });
      assert.equal(session.source?.port, sourcePort);
      assert.equal(session.uid, user.uid);
      assert.ok(session.incomplete);
      assert.ok(
        session.incomplete_reasons.includes('the capture started during the connection'),
        session.incomplete_reasons.join(),
      );
      assert.notEqual(session.end, null, 'the end of the session was captured');
      const shell = session.commands.find((c) => c.argv.join(' ') === `bash -c ${COMMAND}`);
      const sleep = session.commands.find((c) => c.argv.join(' ') === 'sleep 3');
      assert.deepEqual([shell?.from_snapshot, shell?.exit_code], [true, 4]);
      assert.deepEqual([sleep?.from_snapshot, sleep?.exit_code], [true, 0]);
    } finally {
      await fixture.stop();
    }
  });

  // Issue #6: a pty session open before the recorder starts: user and tty come from the /proc snapshot.
  it('reports an open pty session from the snapshot with its user and tty', async () => {
    const fixture = await startPrivateSshd();
    try {
      const user = await fixture.createUser({ key: true });
      const { session, tty, sourcePort } = await withWorkspace('open_pty_session', async (ws) => {
        let tty = '';
        const client = startClient(fixture, ws, {
          program: 'ssh',
          keepStdinOpen: true,
          args: [
            '-tt',
            ...onlyMethod('publickey'),
            ...keyOptions(user.key!.privateKeyPath),
            target(fixture, user.name),
          ],
          interact: async (io) => {
            // The server's own answer names the pty; sleep then keeps the session open while recording starts.
            io.write('echo "sshtr-tty=$(tty)"\n');
            await io.waitForStdout(/sshtr-tty=\/dev\/pts\/\d+/);
            io.write('sleep 3; exit 5\n');
          },
        });
        client.child.stdout!.on('data', (chunk: Buffer) => {
          tty = /sshtr-tty=\/dev\/(pts\/\d+)/.exec(chunk.toString())?.[1] ?? tty;
        });
        await processRunning(['sleep', '3']);
        const recorder = await startRecorder(join(dir, 'open-pty.sshtrace'), []);
        const result = await client.done;
        assert.equal(result.exitStatus, 5, `the login shell exited 5: ${result.stderr}`);
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(await recorder.stop(), 0, recorder.stderr());
        const records = await replayFiles([join(dir, 'open-pty.sshtrace')]);
        const found = records.filter(
          (r): r is SessionRecord => r.type === 'session' && r.source?.port === result.sourcePort,
        );
        assert.equal(found.length, 1, JSON.stringify(records));
        tty ||= /sshtr-tty=\/dev\/(pts\/\d+)/.exec(result.stdout)?.[1] ?? '';
        return { session: found[0]!, tty, sourcePort: result.sourcePort };
      });
      assert.match(tty, /^pts\/\d+$/, 'the client saw its pty');
      assert.deepEqual(
        { user: session.user, uid: session.uid, tty: session.tty, port: session.source?.port },
        { user: user.name, uid: user.uid, tty, port: sourcePort },
      );
      assert.ok(
        session.incomplete_reasons.includes('the capture started during the connection'),
        session.incomplete_reasons.join(),
      );
      const shell = session.commands.find((c) => c.argv.join(' ') === '-bash');
      const sleep = session.commands.find((c) => c.argv.join(' ') === 'sleep 3');
      assert.deepEqual([shell?.from_snapshot, shell?.exit_code, shell?.tty], [true, 5, tty]);
      assert.deepEqual([sleep?.from_snapshot, sleep?.exit_code, sleep?.tty], [true, 0, tty]);
    } finally {
      await fixture.stop();
    }
  });
});
