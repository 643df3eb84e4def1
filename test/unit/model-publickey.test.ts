// Publickey: the client asks first (KEYALLOWED without a signature); a refused key is a failed attempt (the
// monitor logs "Failed publickey" at once), an allowed query is not an attempt until the signed request.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AbandonKeyCommand,
  CloseChannelCommand,
  ConnectCommand,
  EndPreauthCommand,
  EndSessionCommand,
  FailCommand,
  KEYS,
  OpenChannelCommand,
  SucceedCommand,
  fingerprint,
  fixedSetup,
  keyBlob,
  play,
} from '../sim/script';

const key = (i: number) => ({ type: KEYS[i]!.type, fingerprint: fingerprint(keyBlob(KEYS[i]!.type, KEYS[i]!.seed)) });

describe('model: publickey', () => {
  for (const version of ['9.2p1', '9.9p1', '10.6p1']) {
    it(`reports a refused key, then the accepted one, with their fingerprints (${version})`, () => {
      // given: the ecdsa key is not in authorized_keys, the ed25519 key is
      const { auths, sessions } = play(fixedSetup(version), [
        new ConnectCommand(0, 0),
        new FailCommand(0, 'sshtr_alice', 'publickey', 0, 2),
        new SucceedCommand(0, 'sshtr_alice', 'publickey', true, 0),
        new OpenChannelCommand(0, 'sftp', ''),
        new CloseChannelCommand(0, 0, null, { code: 0 }),
        new EndSessionCommand(0, 'disconnect'),
      ]);

      // then
      assert.deepEqual(
        auths.map((a) => [a.success, a.method, a.key]),
        [
          [false, 'publickey', key(2)],
          [true, 'publickey', key(0)],
        ],
      );
      assert.deepEqual(
        sessions.map((s) => [s.user, s.method]),
        [['sshtr_alice', 'publickey']],
      );
    });
  }

  it('does not count an allowed query that is never signed', () => {
    // given: the agent refuses to sign, the user types the password instead
    const { auths } = play(fixedSetup('9.2p1'), [
      new ConnectCommand(0, 0),
      new AbandonKeyCommand(0, 'sshtr_alice', 1),
      new SucceedCommand(0, 'sshtr_alice', 'password', true, 0),
      new EndSessionCommand(0, 'disconnect'),
    ]);

    // then
    assert.deepEqual(
      auths.map((a) => [a.success, a.method, a.key]),
      [[true, 'password', null]],
    );
  });

  it('reports a key offered for a user that does not exist as a failed attempt of an invalid user', () => {
    const { auths, connections } = play(fixedSetup('10.0p2'), [
      new ConnectCommand(3, 1),
      new FailCommand(0, 'sshtr_nosuch', 'publickey', 0, 3),
      new EndPreauthCommand(0, 'drop'),
    ]);
    assert.deepEqual(
      auths.map((a) => [a.user, a.invalid_user, a.success, a.key, a.source]),
      [['sshtr_nosuch', true, false, key(3), { ip: '::1', port: 40001 }]],
    );
    assert.deepEqual(
      connections.map((c) => [c.user, c.invalid_user, c.attempts]),
      [['sshtr_nosuch', true, 1]],
    );
  });
});
