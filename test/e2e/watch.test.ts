// `sshtrace watch` live: while a session is still open (its command waits for stdin we have not closed), the
// attempt that opened it and its LOGIN (session_start) are already printed; the session itself is printed once
// it ends; a failed password shows up too; the sshd is started after watch, so it is followed from its exec on;
// and the capture kept with --output replays to the same records.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { startPrivateSshd, type FixtureUser } from '../../harness/fixture';
import { CLI } from '../../harness/record-scenarios';
import { startClient } from '../../harness/scenarios/client';
import { keyOptions, onlyMethod, target } from '../../harness/scenarios/expect';
import { wrongPassword } from '../../harness/scenarios/scenario';
import { withWorkspace } from '../../harness/scenarios/workspace';
import type { OutputRecord } from '../../model/records';
import { replayFiles } from '../../replay/pipeline';

const ADDON = resolve(__dirname, '../../../native/build/Release/sshtrace.node');
const skip =
  process.geteuid?.() !== 0
    ? 'needs root (BPF, users, sshd)'
    : !existsSync(ADDON)
      ? `needs the built addon (${ADDON}): npm run build`
      : false;
const dir = mkdtempSync(join(tmpdir(), 'sshtr-watch-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const COMMAND = 'cat >/dev/null; exit 5';

/** The watch child, with its JSON lines parsed as they arrive (stdout is a pipe, so the format is jsonl). */
function startWatch(output: string): {
  child: ChildProcess;
  records: OutputRecord[];
  stderr: () => string;
  ready: Promise<void>;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, [CLI, 'watch', '--output', output], { stdio: ['ignore', 'pipe', 'pipe'] });
  const records: OutputRecord[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) records.push(JSON.parse(line) as OutputRecord);
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const ready = new Promise<void>((done, fail) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/^sshtrace: watching /m.test(stderr)) done();
    });
    void exited.then((code) => fail(new Error(`watch exited with ${code} before watching:\n${stderr}`)));
  });
  return { child, records, stderr: () => stderr, ready, exited };
}

async function until<T>(what: string, find: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  for (const started = Date.now(); Date.now() - started < timeoutMs; ) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`watch never printed ${what} within ${timeoutMs} ms`);
}

const about = (user: FixtureUser) => (r: OutputRecord) => 'user' in r && r.user === user.name;

describe('sshtrace watch', { skip }, () => {
  it('prints attempts and logins while the session runs, the session when it ends, and keeps the capture', async () => {
    const capture = join(dir, 'watch.sshtrace');
    const watch = startWatch(capture);
    await watch.ready;
    // Started after watch: an sshd that starts later is followed from its exec on.
    const fixture = await startPrivateSshd();
    try {
      const user = await fixture.createUser({ key: true });
      const mine = about(user);
      let seenWhileOpen: OutputRecord[] = [];
      const result = await withWorkspace(
        'watch',
        async (ws) =>
          startClient(fixture, ws, {
            program: 'ssh',
            args: [
              ...onlyMethod('publickey'),
              ...keyOptions(user.key!.privateKeyPath),
              target(fixture, user.name),
              COMMAND,
            ],
            // The command waits for stdin to close: everything checked in here happened while the session was open.
            interact: async () => {
              await until('the login', () => watch.records.find((r) => mine(r) && r.type === 'session_start'));
              seenWhileOpen = watch.records.filter(mine);
            },
          }).done,
      );
      assert.equal(result.exitStatus, 5, result.stderr);
      assert.deepEqual(
        seenWhileOpen.map((r) => [r.type, r.type === 'auth' && r.success]),
        [
          ['auth', true],
          ['session_start', false],
        ],
      );
      const session = await until('the session', () => watch.records.find((r) => mine(r) && r.type === 'session'));
      assert.ok(session.type === 'session');
      assert.equal(session.source?.port, result.sourcePort);
      assert.deepEqual(
        session.commands.map((c) => [c.argv.join(' '), c.exit_code]),
        [
          [`bash -c ${COMMAND}`, 5],
          ['cat', 0],
        ],
      );
      await failedPasswordIsShown(fixture, watch.records);
    } finally {
      watch.child.kill('SIGINT');
      assert.equal(await watch.exited, 0, watch.stderr());
      await fixture.stop();
    }
    assert.match(
      watch.stderr(),
      /^sshtrace: stopped watching \(interrupted \(SIGINT\)\) after .* record\(s\) shown .*; capture kept in /m,
    );
    // This test's sshd only: on a shared machine other sshds may run meanwhile.
    const ours = (r: OutputRecord) => (r.type === 'auth' || r.type === 'session') && r.pids.listener === fixture.pid;
    const replayed = (await replayFiles([capture])).filter(ours);
    const live = watch.records.filter(ours);
    assert.equal(live.length, 3, 'the key login, its session, and one failed password');
    assert.deepEqual(replayed, live, 'replaying the kept capture gives what watch printed');
  });
});

async function failedPasswordIsShown(
  fixture: Awaited<ReturnType<typeof startPrivateSshd>>,
  records: OutputRecord[],
): Promise<void> {
  const user = await fixture.createUser();
  const result = await withWorkspace(
    'watch-fail',
    async (ws) =>
      startClient(fixture, ws, {
        program: 'ssh',
        args: [...onlyMethod('password', 1), target(fixture, user.name), 'true'],
        answers: [wrongPassword()],
      }).done,
  );
  assert.equal(result.exitStatus, 255, 'ssh gave up after one wrong password');
  const failed = await until('the failed attempt', () =>
    records.find((r) => r.type === 'auth' && r.user === user.name),
  );
  assert.ok(failed.type === 'auth' && !failed.success && failed.method === 'password');
}
