// Keyboard-interactive through PAM (auth2-chall.c, auth-pam.c): the monitor forks a PAM "thread" process; the
// password's RESPOND answers 1 ("more"), the next QUERY carries the verdict, RESPOND with no answers gives 0.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CloseChannelCommand,
  ConnectCommand,
  EndPreauthCommand,
  EndSessionCommand,
  OpenChannelCommand,
  ProbeCommand,
  SucceedCommand,
  brief,
  execs,
  fixedSetup,
  play,
} from '../sim/script';

describe('model: keyboard-interactive', () => {
  it("reports a PAM kbd-int login, and neither the PAM thread nor unix_chkpwd as the user's commands", () => {
    // given: on 10.0 the PAM thread runs pam_unix, which execs unix_chkpwd
    const { auths, sessions, history } = play(fixedSetup('10.0p2'), [
      new ConnectCommand(2, 9),
      new SucceedCommand(0, 'sshtr_bob', 'keyboard-interactive', true, 0),
      new OpenChannelCommand(0, 'shell', ''),
      new CloseChannelCommand(0, 0, null, { code: 0 }),
      new EndSessionCommand(0, 'disconnect'),
    ]);
    assert.ok(
      execs(history.events).some((e) => e.argv[0] === '/usr/sbin/unix_chkpwd'),
      'given: unix_chkpwd ran',
    );

    // then
    assert.deepEqual(
      auths.map((a) => [a.user, a.method, a.success, a.source]),
      [['sshtr_bob', 'keyboard-interactive', true, { ip: '192.0.2.44', port: 40009 }]],
    );
    assert.deepEqual(
      sessions.map((s) => [s.method, s.commands.map(brief)]),
      [['keyboard-interactive', ['-sh (exit 0)']]],
    );
  });

  it('reports no attempt when the client leaves at the password prompt', () => {
    // given: the user sees "Password:" and presses ^C; the monitor's cleanup kills the PAM thread
    const { auths, connections } = play(fixedSetup('9.2p1'), [
      new ConnectCommand(0, 0),
      new ProbeCommand(0, 'sshtr_alice'),
      new EndPreauthCommand(0, 'drop-at-prompt'),
    ]);

    // then
    assert.deepEqual(auths, []);
    assert.deepEqual(
      connections.map((c) => [c.user, c.attempts, c.invalid_user, c.incomplete]),
      [['sshtr_alice', 0, false, false]],
    );
  });
});
