// Pid reuse: with a small pid range the kernel hands a reaped pid to the next fork, so one pid can be a
// user's command in one connection and an sshd process (or another user's command) in the next.
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
  reusedPids,
} from '../sim/script';

describe('model: pid reuse', () => {
  it("keeps every session's commands apart when their pids are reused", () => {
    // given: a pool of 12 pids, alice's session and then bob's, each running a few programs
    const session = (user: string, method: 'password' | 'publickey', programs: string[][]) => [
      new ConnectCommand(0, user.length),
      new SucceedCommand(0, user, method, true, 0),
      new OpenChannelCommand(0, 'shell-pty', ''),
      ...programs.map((argv) => new RunProgramCommand(0, 0, prog(argv, { children: [prog(['sleep', '1'])] }))),
      new CloseChannelCommand(0, 0, null, { code: 0 }),
      new EndSessionCommand(0, 'disconnect'),
    ];
    const { sessions, records, history } = play(fixedSetup('9.2p1', { pidPoolSize: 12 }), [
      ...session('sshtr_alice', 'password', [['make'], ['git', 'status'], ['ls']]),
      ...session('sshtr_bob', 'publickey', [
        ['vim', 'notes.txt'],
        ['cat', 'notes.txt'],
      ]),
    ]);
    const bobsExecs = execs(history.events).filter((e) => e.creds.uid === 1002);
    const alicesPids = new Set(
      execs(history.events)
        .filter((e) => e.creds.uid === 1001)
        .map((e) => e.tgid),
    );
    assert.ok(reusedPids(history.events).length > 3, 'given: pids were reused');
    assert.ok(
      bobsExecs.some((e) => alicesPids.has(e.tgid)),
      'given: bob runs programs in pids alice used',
    );

    // then
    assert.deepEqual(
      records.filter((r) => r.type === 'anomaly'),
      [],
    );
    assert.deepEqual(
      sessions.map((s) => [s.user, s.incomplete]),
      [
        ['sshtr_alice', false],
        ['sshtr_bob', false],
      ],
    );
    assert.deepEqual(
      sessions[1]!.commands.map((c) => [c.argv.join(' '), c.pid]),
      bobsExecs.map((e) => [e.argv.join(' '), e.tgid]),
    );
    assert.deepEqual(sessions[1]!.commands.map(brief), [
      '-sh (exit 0)',
      'vim notes.txt (exit 0)',
      'sleep 1 (exit 0)',
      'cat notes.txt (exit 0)',
      'sleep 1 (exit 0)',
    ]);
  });
});
