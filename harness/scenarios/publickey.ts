// Publickey scenarios: an interactive pty session, root, and a refused key followed by an accepted one.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FixtureUser, PrivateSshd } from '../fixture/types';
import { runClient } from './client';
import {
  connectionFrom,
  execSession,
  exited,
  groundTruth,
  keyAttempt,
  keyOptions,
  loginShellArgv,
  onlyMethod,
  shellArgv,
  target,
} from './expect';
import type { ExpectedSession } from './ground-truth';
import type { Scenario } from './scenario';
import { withWorkspace } from './workspace';

const PTY_READY_COMMAND = 'echo sshtr-ready-$((6*7))';
// The typed line echoes as "$((6*7))"; only the shell's output reads 42, so this means "bash is reading".
const PTY_READY_OUTPUT = /sshtr-ready-42/;
const MISSING_PATH = '/sshtr-missing-path';

function ptySession(user: FixtureUser): ExpectedSession {
  return {
    user: user.name,
    uid: user.uid,
    tty: true,
    kind: 'shell',
    commands_complete: false,
    commands: [
      exited(loginShellArgv(user), 0),
      exited(['id', '-un'], 0),
      exited(['ls', '-d', '/tmp'], 0),
      exited(['ls', MISSING_PATH], 2),
    ],
    why:
      'an interactive login shell forks one child per external command typed (echo and exit are builtins); ' +
      "startup files may add more: Debian's /etc/profile runs `$(id -u)` and sources /etc/profile.d/*.sh",
  };
}

export const publickeyPtySession: Scenario = {
  name: 'publickey_pty_session',
  description: 'publickey login with a pty (ssh -tt), several typed commands including one that fails, then exit 0',
  run: async ({ fixture }) => {
    const user = await fixture.createUser({ key: true });
    const startedAt = new Date();
    return withWorkspace('publickey_pty_session', async (ws) => {
      const result = await runClient(fixture, ws, {
        program: 'ssh',
        keepStdinOpen: true,
        args: ['-tt', ...onlyMethod('publickey'), ...keyOptions(user.key!.privateKeyPath), target(fixture, user.name)],
        interact: async (io) => {
          io.write(`${PTY_READY_COMMAND}\n`);
          await io.waitForStdout(PTY_READY_OUTPUT);
          io.write(`id -un\nls -d /tmp\nls ${MISSING_PATH}\necho "status=$?"\nexit 0\n`);
        },
      });
      return groundTruth('publickey_pty_session', fixture, startedAt, [
        connectionFrom('pty', 'ssh', result, {
          attempts: [keyAttempt(user.name, user.key!, true)],
          sessions: [ptySession(user)],
          exitStatus: 0,
          stdoutMustInclude: [user.name, 'status=2'],
        }),
      ]);
    });
  },
};

/** bash started by sshd sources ~/.bashrc even for `bash -c` (Debian builds bash with SSH_SOURCE_BASHRC). */
function bashrcMayRunCommands(fixture: PrivateSshd, user: FixtureUser): boolean {
  return path.basename(user.shell) === 'bash' && fs.existsSync(fixture.hostPath(path.join(user.home, '.bashrc')));
}

export const rootLogin: Scenario = {
  name: 'root_login',
  description: "publickey login as root (key in the fixture's AuthorizedKeysFile), command exits 0",
  run: async ({ fixture }) => {
    const root = await fixture.authorizeRootKey();
    const command = 'id -u; exit 0';
    const startedAt = new Date();
    return withWorkspace('root_login', async (ws) => {
      const result = await runClient(fixture, ws, {
        program: 'ssh',
        args: [...onlyMethod('publickey'), ...keyOptions(root.key!.privateKeyPath), target(fixture, 'root'), command],
      });
      const complete = !bashrcMayRunCommands(fixture, root);
      const why =
        'bash -c forks `id -u` and runs the builtin `exit` itself' +
        (complete ? '' : `; root's ${root.home}/.bashrc exists and bash sources it when started by sshd`);
      const session = execSession(root, exited(shellArgv(root, command), 0), [exited(['id', '-u'], 0)], why, complete);
      return groundTruth('root_login', fixture, startedAt, [
        connectionFrom('root', 'ssh', result, {
          attempts: [keyAttempt('root', root.key!, true)],
          sessions: [session],
          exitStatus: 0,
          stdoutMustInclude: ['0'],
        }),
      ]);
    });
  },
};

export const rejectedThenAcceptedKey: Scenario = {
  name: 'rejected_then_accepted_key',
  description: 'the client offers an unauthorized key first, then the authorized one',
  run: async ({ fixture }) => {
    const user = await fixture.createUser({ key: true });
    const stranger = await fixture.generateUnauthorizedKey();
    const command = 'id -un; exit 0';
    const startedAt = new Date();
    return withWorkspace('rejected_then_accepted_key', async (ws) => {
      const result = await runClient(fixture, ws, {
        program: 'ssh',
        args: [
          ...onlyMethod('publickey'),
          ...keyOptions(stranger.privateKeyPath, user.key!.privateKeyPath),
          target(fixture, user.name),
          command,
        ],
      });
      const session = execSession(
        user,
        exited(shellArgv(user, command), 0),
        [exited(['id', '-un'], 0)],
        'bash -c forks `id -un` and runs the builtin `exit` itself',
      );
      return groundTruth('rejected_then_accepted_key', fixture, startedAt, [
        connectionFrom('two-keys', 'ssh', result, {
          attempts: [keyAttempt(user.name, stranger, false), keyAttempt(user.name, user.key!, true)],
          sessions: [session],
          exitStatus: 0,
          stdoutMustInclude: [user.name],
        }),
      ]);
    });
  },
};
