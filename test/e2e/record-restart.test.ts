// A recorder restarted while a session is open (a service restart writing into the same directory): replaying
// the directory gives one session, not two — marked incomplete for the gap — and its end from the second
// capture; a connection that started and ended while no recorder ran is simply not there.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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
const dir = mkdtempSync(join(tmpdir(), 'sshtr-restart-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const COMMAND = 'sleep 6; id -un; exit 6';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a recorder restarted during a session', { skip }, () => {
  it('reduces the two captures into one session', async () => {
    const fixture = await startPrivateSshd();
    try {
      const user = await fixture.createUser({ key: true });
      await withWorkspace('restart', async (ws) => {
        const first = await startRecorder(join(dir, 'a.sshtrace'), []);
        const client = startClient(fixture, ws, {
          program: 'ssh',
          args: [
            ...onlyMethod('publickey'),
            ...keyOptions(user.key!.privateKeyPath),
            target(fixture, user.name),
            COMMAND,
          ],
        });
        await pause(1000); // logged in, `sleep 2` running
        assert.equal(await first.stop(), 0, first.stderr());
        const second = await startRecorder(join(dir, 'b.sshtrace'), []);
        const result = await client.done;
        assert.equal(result.exitStatus, 6);
        await pause(300);
        assert.equal(await second.stop(), 0, second.stderr());

        const records = await replayFiles([dir]);
        const sessions = records.filter((r): r is SessionRecord => r.type === 'session' && r.user === user.name);
        assert.equal(sessions.length, 1, JSON.stringify(sessions, null, 1));
        const session = sessions[0]!;
        assert.equal(session.source?.port, result.sourcePort);
        assert.equal(session.method, 'publickey', 'the login itself was seen by the first capture');
        assert.notEqual(session.end, null, 'the end was seen by the second capture');
        assert.ok(
          session.incomplete_reasons.some((r) => /not running/.test(r)),
          session.incomplete_reasons.join('; '),
        );
        const shell = session.commands.find((c) => c.argv.join(' ') === `bash -c ${COMMAND}`);
        assert.equal(shell?.exit_code, 6, "the shell, exec'd in the first capture, exits in the second");
        assert.equal(shell?.from_snapshot, false);
        const id = session.commands.find((c) => c.argv.join(' ') === 'id -un');
        assert.equal(id?.exit_code, 0, 'a command started after the restart');
      });
    } finally {
      await fixture.stop();
    }
  });
});
