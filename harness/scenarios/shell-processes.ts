// Scenarios about the processes of one exec session: five at once, signals, pipelines and subshells.
import { runClient, startClient } from './client';
import {
  connectionFrom,
  execSession,
  exited,
  groundTruth,
  keyAttempt,
  keyOptions,
  killedBy,
  onlyMethod,
  shellArgv,
  target,
} from './expect';
import { SIGKILL, SIGTERM } from './ground-truth';
import { SSH_FAILURE_EXIT, type Scenario } from './scenario';
import { withWorkspace } from './workspace';

const CONCURRENT = 5;

export const fiveConcurrent: Scenario = {
  name: 'five_concurrent',
  description: 'five simultaneous publickey connections, each `sleep 0.5; exit N` with N = 0..4',
  run: async ({ fixture }) => {
    const user = await fixture.createUser({ key: true });
    const startedAt = new Date();
    return withWorkspace('five_concurrent', async (ws) => {
      const commands = Array.from({ length: CONCURRENT }, (_, n) => `sleep 0.5; exit ${n}`);
      const results = await Promise.all(
        commands.map(
          (command) =>
            startClient(fixture, ws, {
              program: 'ssh',
              args: [
                ...onlyMethod('publickey'),
                ...keyOptions(user.key!.privateKeyPath),
                target(fixture, user.name),
                command,
              ],
            }).done,
        ),
      );
      const connections = results.map((result, n) =>
        connectionFrom(`connection-${n}`, 'ssh', result, {
          attempts: [keyAttempt(user.name, user.key!, true)],
          exitStatus: n,
          sessions: [
            execSession(
              user,
              exited(shellArgv(user, commands[n]!), n),
              [exited(['sleep', '0.5'], 0)],
              'bash -c forks sleep (not the last command), then runs the builtin exit',
            ),
          ],
        }),
      );
      const overlap = results.every((r) => results.every((o) => r.startedAt < o.endedAt));
      return groundTruth('five_concurrent', fixture, startedAt, connections, [
        { what: 'all five connections overlapped in time', ok: overlap },
      ]);
    });
  },
};

// sh (dash) kills itself with SIGKILL: `kill` is a builtin, so that process never execs anything else.
// Then bash's builtin kill sends SIGTERM to bash itself ($$), which a non-interactive bash does not ignore.
const SIGNAL_COMMAND = "sh -c 'kill -KILL $$'; kill -TERM $$";

export const killedBySignal: Scenario = {
  name: 'killed_by_signal',
  description: 'a child killed by SIGKILL, then the session shell killed by SIGTERM, both from within',
  run: async ({ fixture }) => {
    const user = await fixture.createUser({ key: true });
    const startedAt = new Date();
    return withWorkspace('killed_by_signal', async (ws) => {
      const result = await runClient(fixture, ws, {
        program: 'ssh',
        args: [
          ...onlyMethod('publickey'),
          ...keyOptions(user.key!.privateKeyPath),
          target(fixture, user.name),
          SIGNAL_COMMAND,
        ],
      });
      const session = execSession(
        user,
        killedBy(shellArgv(user, SIGNAL_COMMAND), SIGTERM),
        [killedBy(['sh', '-c', 'kill -KILL $$'], SIGKILL)],
        'bash forks `sh -c ...` (not the last command); dash runs its builtin kill on itself; bash then kills itself',
      );
      // The server reports exit-signal, not exit-status; ssh then has no status and exits 255.
      return groundTruth('killed_by_signal', fixture, startedAt, [
        connectionFrom('signals', 'ssh', result, {
          attempts: [keyAttempt(user.name, user.key!, true)],
          sessions: [session],
          exitStatus: SSH_FAILURE_EXIT,
        }),
      ]);
    });
  },
};

const PIPELINE_COMMAND = 'ls / | wc -l; (cd /tmp && pwd); exit 0';

export const pipelineAndSubshell: Scenario = {
  name: 'pipeline_and_subshell',
  description: '`ls / | wc -l` and `(cd /tmp && pwd)` in one exec request',
  run: async ({ fixture }) => {
    const user = await fixture.createUser({ key: true });
    const startedAt = new Date();
    return withWorkspace('pipeline_and_subshell', async (ws) => {
      const result = await runClient(fixture, ws, {
        program: 'ssh',
        args: [
          ...onlyMethod('publickey'),
          ...keyOptions(user.key!.privateKeyPath),
          target(fixture, user.name),
          PIPELINE_COMMAND,
        ],
      });
      const shell = exited(shellArgv(user, PIPELINE_COMMAND), 0);
      const session = execSession(
        user,
        shell,
        [
          exited(['ls', '/'], 0),
          exited(['wc', '-l'], 0),
          { argv: shell.argv, exit_code: 0, signal: null, forked_only: true },
        ],
        'bash forks one child per pipeline element, each execs its command; the subshell is a fork that runs ' +
          'the builtins cd and pwd and never execs; the final builtin exit keeps bash from exec-ing in place',
      );
      return groundTruth('pipeline_and_subshell', fixture, startedAt, [
        connectionFrom('pipeline', 'ssh', result, {
          attempts: [keyAttempt(user.name, user.key!, true)],
          sessions: [session],
          exitStatus: 0,
          stdoutMustInclude: ['/tmp'],
        }),
      ]);
    });
  },
};
