// Root logins: up to 9.7 there is no post-auth child (the monitor forks root's channels itself, sshd.c
// privsep_postauth sets use_privsep = 0); from 9.8 root gets a post-auth child like everyone else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CloseChannelCommand,
  ConnectCommand,
  EndSessionCommand,
  OpenChannelCommand,
  RunProgramCommand,
  SucceedCommand,
  brief,
  execs,
  fixedSetup,
  play,
  prog,
} from '../sim/script';

describe('model: root login', () => {
  it('up to 9.7 reports the session the monitor serves itself, without counting pam_motd', () => {
    // given: root logs in with a key on 9.2 (pam_motd runs run-parts), opens a pty shell and runs id
    const { records, auths, sessions, history } = play(fixedSetup('9.2p1', { motd: true }), [
      new ConnectCommand(0, 0),
      new SucceedCommand(0, 'root', 'publickey', true, 0),
      new OpenChannelCommand(0, 'shell-pty', ''),
      new RunProgramCommand(0, 0, prog(['id'])),
      new CloseChannelCommand(0, 0, null, { code: 0 }),
      new EndSessionCommand(0, 'disconnect'),
    ]);
    const monitor = history.model.conns[0]!.pids.monitor;
    const shell = execs(history.events).find((e) => e.argv[0] === '-bash')!;
    assert.equal(shell.ppid, monitor, "given: the monitor forked root's shell");
    assert.ok(
      execs(history.events).some((e) => e.argv[0] === 'run-parts'),
      'given: pam_motd ran run-parts',
    );

    // then
    assert.deepEqual(
      auths.map((a) => [a.user, a.method, a.success]),
      [['root', 'publickey', true]],
    );
    assert.equal(sessions.length, 1);
    const s = sessions[0]!;
    assert.deepEqual([s.user, s.uid, s.tty, s.incomplete], ['root', 0, 'pts/0', false]);
    assert.deepEqual([s.pids.monitor, s.pids.postauth], [monitor, null]);
    assert.deepEqual(s.commands.map(brief), ['-bash (exit 0)', 'id (exit 0)']);
    assert.deepEqual(
      records.filter((r) => r.type === 'anomaly'),
      [],
    );
  });

  it("up to 9.7 also reports root's non-pty exec channels (setsid shows the channel)", () => {
    const { sessions } = play(fixedSetup('8.4p1'), [
      new ConnectCommand(1, 3),
      new SucceedCommand(0, 'root', 'publickey', false, 1),
      new OpenChannelCommand(0, 'exec', 'id -u'),
      new CloseChannelCommand(0, 0, prog(['id', '-u']), { code: 0 }),
      new EndSessionCommand(0, 'term'),
    ]);
    assert.equal(sessions.length, 1);
    assert.deepEqual([sessions[0]!.tty, sessions[0]!.pids.postauth], [null, null]);
    assert.deepEqual(sessions[0]!.commands.map(brief), ['bash -c id -u (replaced)', 'id -u (exit 0)']);
  });

  it("from 9.8 reports root's post-auth child, which forks the channels", () => {
    // given: root on 10.0 runs `ssh host 'id -u'`; the post-auth child sends AUDIT_COMMAND and forks bash
    const { sessions, history } = play(fixedSetup('10.0p2', { motd: true }), [
      new ConnectCommand(0, 0),
      new SucceedCommand(0, 'root', 'publickey', true, 0),
      new OpenChannelCommand(0, 'exec', 'id -u'),
      new CloseChannelCommand(0, 0, null, { code: 0 }),
      new EndSessionCommand(0, 'disconnect'),
    ]);
    const postauth = history.model.conns[0]!.pids.postauth;
    const bash = execs(history.events).find((e) => e.argv[0] === 'bash')!;
    assert.ok(postauth !== null && bash.ppid === postauth, 'given: the post-auth child forked the command');

    // then
    const s = sessions[0]!;
    assert.deepEqual([s.user, s.uid, s.pids.postauth, s.tty], ['root', 0, postauth, null]);
    assert.deepEqual(s.commands.map(brief), ['bash -c id -u (exit 0)']);
  });
});
