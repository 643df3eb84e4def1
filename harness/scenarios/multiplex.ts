// Two sessions over one ControlMaster connection: one TCP connection, one authentication, two sessions
// under the same post-auth process.
import * as fs from 'node:fs';
import type { FixtureUser, PrivateSshd } from '../fixture/types';
import { runClient, startClient, type ClientResult } from './client';
import {
  connectionFrom,
  execSession,
  exited,
  groundTruth,
  keyAttempt,
  keyOptions,
  onlyMethod,
  shellArgv,
  target,
} from './expect';
import { SSH_FAILURE_EXIT, type Scenario } from './scenario';
import { withWorkspace, type Workspace } from './workspace';

// A mux client whose master is gone would silently open its own connection; a failing ProxyCommand
// turns that fallback into an error instead of a connection the ground truth does not list.
const NO_FALLBACK = ['-o', 'ControlMaster=no', '-o', 'ProxyCommand=false'];
const FIRST = 'sleep 0.5; exit 4';
const SECOND = 'id -un; exit 5';

async function waitForMaster(fixture: PrivateSshd, ws: Workspace, controlPath: string, user: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (fs.existsSync(controlPath)) {
      const check = await runClient(fixture, ws, {
        program: 'ssh',
        connect: false,
        args: ['-S', controlPath, ...NO_FALLBACK, '-O', 'check', target(fixture, user)],
      });
      if (check.exitStatus === 0) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the ControlMaster never opened ${controlPath}`);
}

function muxSession(fixture: PrivateSshd, ws: Workspace, controlPath: string, user: FixtureUser, command: string) {
  return startClient(fixture, ws, {
    program: 'ssh',
    connect: false,
    args: ['-S', controlPath, ...NO_FALLBACK, target(fixture, user.name), command],
  }).done;
}

function sessionChecks(first: ClientResult, second: ClientResult, user: FixtureUser) {
  return [
    { what: `mux session 1 (${FIRST}) exited 4`, ok: first.exitStatus === 4 },
    {
      what: `mux session 2 (${SECOND}) exited 5 and printed the user`,
      ok: second.exitStatus === 5 && second.stdout.includes(user.name),
    },
    { what: 'the second session started while the first was running', ok: second.startedAt < first.endedAt },
  ];
}

export const multiplexedSessions: Scenario = {
  name: 'multiplexed_sessions',
  description: 'ControlMaster connection (-N), two overlapping sessions through it, then -O exit',
  run: async ({ fixture }) => {
    const user = await fixture.createUser({ key: true });
    const startedAt = new Date();
    return withWorkspace('multiplexed_sessions', async (ws) => {
      const controlPath = ws.file('ctl');
      const master = startClient(fixture, ws, {
        program: 'ssh',
        keepStdinOpen: true,
        args: [
          '-M',
          '-S',
          controlPath,
          '-o',
          'ControlPersist=no',
          '-N',
          ...onlyMethod('publickey'),
          ...keyOptions(user.key!.privateKeyPath),
          target(fixture, user.name),
        ],
      });
      await waitForMaster(fixture, ws, controlPath, user.name);
      const first = muxSession(fixture, ws, controlPath, user, FIRST);
      await new Promise((resolve) => setTimeout(resolve, 150));
      const second = muxSession(fixture, ws, controlPath, user, SECOND);
      const [firstResult, secondResult] = await Promise.all([first, second]);
      await runClient(fixture, ws, {
        program: 'ssh',
        connect: false,
        args: ['-S', controlPath, ...NO_FALLBACK, '-O', 'exit', target(fixture, user.name)],
      });
      const masterResult = await master.done;
      const sessions = [
        execSession(
          user,
          exited(shellArgv(user, FIRST), 4),
          [exited(['sleep', '0.5'], 0)],
          'bash -c forks sleep, then runs the builtin exit',
        ),
        execSession(
          user,
          exited(shellArgv(user, SECOND), 5),
          [exited(['id', '-un'], 0)],
          'bash -c forks id, then runs the builtin exit',
        ),
      ];
      // A -N master has no session of its own, so no exit-status ever reaches it: ssh exits 255.
      return groundTruth(
        'multiplexed_sessions',
        fixture,
        startedAt,
        [
          connectionFrom('master', 'ssh', masterResult, {
            attempts: [keyAttempt(user.name, user.key!, true)],
            sessions,
            exitStatus: SSH_FAILURE_EXIT,
          }),
        ],
        sessionChecks(firstResult, secondResult, user),
      );
    });
  },
};
