// Replaced program images: bash -c runs its last simple command with exec in the same pid, `env` and the
// shell's `exec` builtin do the same. The replaced image has no exit of its own.
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
  fixedSetup,
  play,
  prog,
} from '../sim/script';

describe('model: replaced images', () => {
  it('marks bash -c replaced by its last command, which keeps the pid and the exit code', () => {
    // given: `ssh host 'make -C src'`: bash execs make, make forks cc, make fails with 2
    const { sessions } = play(fixedSetup('10.0p2'), [
      new ConnectCommand(0, 0),
      new SucceedCommand(0, 'sshtr_alice', 'password', true, 0),
      new OpenChannelCommand(0, 'exec', 'make -C src'),
      new CloseChannelCommand(
        0,
        0,
        prog(['make', '-C', 'src'], { children: [prog(['cc', '-c', 'main.c'])], end: { code: 2 } }),
        { code: 0 },
      ),
      new EndSessionCommand(0, 'disconnect'),
    ]);

    // then
    const cmds = sessions[0]!.commands;
    assert.deepEqual(cmds.map(brief), [
      'bash -c make -C src (replaced)',
      'make -C src (exit 2)',
      'cc -c main.c (exit 0)',
    ]);
    assert.equal(cmds[0]!.pid, cmds[1]!.pid);
    assert.deepEqual([cmds[0]!.exit_code, cmds[0]!.signal], [null, null]);
  });

  it('follows a chain of execs in one pid down to the image that ends (by a signal here)', () => {
    // given: a login shell runs `env python3 app.py`, interrupted with ^C, then the user types `exec vim`
    const { sessions } = play(fixedSetup('9.2p1'), [
      new ConnectCommand(0, 0),
      new SucceedCommand(0, 'sshtr_alice', 'publickey', true, 0),
      new OpenChannelCommand(0, 'shell-pty', ''),
      new RunProgramCommand(
        0,
        0,
        prog(['env', 'python3', 'app.py'], { execs: prog(['python3', 'app.py'], { end: { signal: 2 } }) }),
      ),
      new CloseChannelCommand(0, 0, prog(['vim']), { code: 0 }),
      new EndSessionCommand(0, 'term'),
    ]);

    // then
    assert.deepEqual(sessions[0]!.commands.map(brief), [
      '-bash (replaced)',
      'env python3 app.py (replaced)',
      'python3 app.py (signal 2)',
      'vim (exit 0)',
    ]);
  });
});
