// A capture that starts right after the monitor answered PWNAM (the user's name) misses the name; the post-auth
// child's setresuid still shows the uid, and the capture header's /etc/passwd names it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reduce } from '../../model';
import type { SessionRecord } from '../../model/records';
import { runScenario } from '../sim/scenario';
import { ConnectCommand, OpenChannelCommand, SucceedCommand, fixedSetup } from '../sim/script';
import { MON } from '../sim/messages';
import { midStream } from '../sim/snapshot';

describe('model: a login whose PWNAM exchange was not captured', () => {
  for (const version of ['9.2p1', '10.0p2'] as const) {
    it(`names the user from the post-auth child's uid (${version})`, () => {
      // given: alice logs in with a password and runs a command; the capture starts after ANS_PWNAM
      const h = runScenario({
        setup: fixedSetup(version),
        commands: [
          new ConnectCommand(0, 0),
          new SucceedCommand(0, 'sshtr_alice', 'password', true, 0),
          new OpenChannelCommand(0, 'exec', 'id -u'),
        ],
      });
      const cut = h.events.findIndex((e) => e.kind === 'frame' && e.msgType === MON.ANS_PWNAM) + 1;
      const truth = h.model.conns[0]!;

      // when
      const sessions = [...reduce(midStream(h, cut).stream)].filter((r): r is SessionRecord => r.type === 'session');

      // then
      assert.equal(sessions.length, 1);
      assert.deepEqual([sessions[0]!.user, sessions[0]!.uid], [truth.user, truth.uid]);
      assert.ok(sessions[0]!.incomplete_reasons.includes('the capture started during the connection'));
    });
  }
});
