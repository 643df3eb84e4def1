// Rotation end to end: the real recorder rotating every second into a directory while a real session runs for
// three; `replay DIR` joins the segments so the session that spans them is one session with all its commands,
// and a later segment replayed on its own still knows the session from its header's /proc snapshot.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { startPrivateSshd } from '../../harness/fixture';
import { CLI, startRecorder } from '../../harness/record-scenarios';
import { runClient } from '../../harness/scenarios/client';
import { keyOptions, onlyMethod, target } from '../../harness/scenarios/expect';
import { withWorkspace } from '../../harness/scenarios/workspace';
import type { OutputRecord, SessionRecord } from '../../model/records';
import { openCaptures } from '../../replay/capture-set';
import { replayFiles } from '../../replay/pipeline';
import { listSegments } from '../../record/rotation-files';

const ADDON = resolve(__dirname, '../../../native/build/Release/sshtrace.node');
const skip =
  process.geteuid?.() !== 0
    ? 'needs root (BPF, users, sshd)'
    : !existsSync(ADDON)
      ? `needs the built addon (${ADDON}): npm run build`
      : false;
const root = mkdtempSync(join(tmpdir(), 'sshtr-rotation-e2e-'));
after(() => rmSync(root, { recursive: true, force: true }));

const COMMAND = 'id -un; sleep 3; id -u; exit 3';
const sessionsOf = (records: readonly OutputRecord[], user: string) =>
  records.filter((r): r is SessionRecord => r.type === 'session' && r.user === user);

describe('rotation and multi-file replay', { skip }, () => {
  const dir = join(root, 'segments');
  let user = '';

  it('a session spanning several segments replays as one session with every command', async () => {
    const fixture = await startPrivateSshd();
    let sourcePort: number | null = null;
    try {
      const alice = await fixture.createUser({ key: true });
      user = alice.name;
      const recorder = await startRecorder(dir, ['--rotate-interval', '1s']);
      const result = await withWorkspace('rotation', (ws) =>
        runClient(fixture, ws, {
          program: 'ssh',
          args: [
            ...onlyMethod('publickey'),
            ...keyOptions(alice.key!.privateKeyPath),
            target(fixture, alice.name),
            COMMAND,
          ],
        }),
      );
      assert.equal(result.exitStatus, 3, result.stderr);
      sourcePort = result.sourcePort;
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await recorder.stop(), 0, recorder.stderr());
      assert.match(recorder.stderr(), /a new segment every 1 s, no size cap/);
      assert.match(recorder.stderr(), /written to \d+ segment\(s\) ending with /);
    } finally {
      await fixture.stop();
    }

    const segments = await listSegments(dir);
    // The age is checked at each write and at the one-second flush, so a new segment starts every 1 to 2 s.
    assert.ok(segments.length >= 2, `${segments.length} segments for a 3 s session rotating every second`);
    const [session, ...more] = sessionsOf(await replayFiles([dir]), user);
    assert.equal(more.length, 0, 'one session, not one per segment');
    assert.deepEqual(
      session!.commands.map((c) => [c.argv.join(' '), c.exit_code]),
      [
        [`bash -c ${COMMAND}`, 3],
        ['id -un', 0],
        ['sleep 3', 0],
        ['id -u', 0],
      ],
    );
    assert.deepEqual([session!.incomplete, session!.source?.port], [false, sourcePort]);

    const starts = (await openCaptures([dir])).files.map((f) => f.header!.clock.realtimeNs / 1e6);
    const inside = starts.filter((ms) => ms > Date.parse(session!.start) && ms < Date.parse(session!.end!));
    assert.ok(inside.length >= 1, `segments begun during the session: ${inside.length}`);

    // The CLI reads the directory the same way, and prints that one session.
    const jsonl = execFileSync(
      process.execPath,
      [CLI, 'replay', dir, '--format', 'jsonl', '--type', 'session', '--user', user],
      { encoding: 'utf8' },
    );
    assert.equal(jsonl.trim().split('\n').length, 1);
  });

  it("a later segment replayed alone still knows the session from its header's /proc snapshot", async () => {
    assert.notEqual(user, '', 'the first test recorded a session');
    const seeded: SessionRecord[] = [];
    for (const segment of (await listSegments(dir)).slice(1))
      seeded.push(...sessionsOf(await replayFiles([segment.path]), user));
    assert.ok(seeded.length > 0, 'a segment begun during the session reports it');
    for (const session of seeded) {
      assert.ok(
        session.incomplete_reasons.includes('the capture started during the connection'),
        session.incomplete_reasons.join(),
      );
      assert.deepEqual(
        session.commands.filter((c) => c.from_snapshot).map((c) => c.argv.join(' '))[0],
        `bash -c ${COMMAND}`,
      );
    }
  });
});
