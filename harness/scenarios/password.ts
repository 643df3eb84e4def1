// Password and keyboard-interactive scenarios. Every failed password costs about 3 s here: pam_unix's
// built-in fail delay (2 s, randomised) plus sshd's own, so these are the slow scenarios.
import { randomBytes } from 'node:crypto';
import { readPasswdEntry } from '../fixture/users';
import { runClient } from './client';
import { attempt, connectionFrom, execSession, exited, groundTruth, onlyMethod, shellArgv, target } from './expect';
import { SSH_FAILURE_EXIT, wrongPassword, type Scenario } from './scenario';
import { withWorkspace } from './workspace';

const ID_THEN_EXIT = (code: number) => `id -un; exit ${code}`;
const ID_THEN_EXIT_WHY =
  'bash -c forks `id -un` (it is not the last command, so no exec-in-place) and runs the ' +
  'builtin `exit` itself: exactly two processes';

export const passwordCommandFails: Scenario = {
  name: 'password_command_fails',
  description: 'password login whose command exits 3',
  run: async ({ fixture }) => {
    const user = await fixture.createUser();
    const command = ID_THEN_EXIT(3);
    const startedAt = new Date();
    return withWorkspace('password_command_fails', async (ws) => {
      const result = await runClient(fixture, ws, {
        program: 'ssh',
        args: [...onlyMethod('password'), target(fixture, user.name), command],
        answers: [user.password!],
      });
      const session = execSession(
        user,
        exited(shellArgv(user, command), 3),
        [exited(['id', '-un'], 0)],
        ID_THEN_EXIT_WHY,
      );
      return groundTruth('password_command_fails', fixture, startedAt, [
        connectionFrom('login', 'ssh', result, {
          attempts: [attempt(user.name, 'password', true)],
          sessions: [session],
          exitStatus: 3,
          stdoutMustInclude: [user.name],
        }),
      ]);
    });
  },
};

export const wrongPasswords: Scenario = {
  name: 'wrong_passwords',
  description: 'three wrong passwords for a real user, then the client gives up',
  minLoginGraceTime: 20,
  run: async ({ fixture }) => {
    const user = await fixture.createUser();
    const startedAt = new Date();
    return withWorkspace('wrong_passwords', async (ws) => {
      const result = await runClient(fixture, ws, {
        program: 'ssh',
        args: [...onlyMethod('password', 3), target(fixture, user.name), 'true'],
        answers: [wrongPassword(), wrongPassword(), wrongPassword()],
      });
      return groundTruth('wrong_passwords', fixture, startedAt, [
        connectionFrom('three-failures', 'ssh', result, {
          attempts: [1, 2, 3].map(() => attempt(user.name, 'password', false)),
          exitStatus: SSH_FAILURE_EXIT,
        }),
      ]);
    });
  },
};

function unusedUserName(fixture: Parameters<Scenario['run']>[0]['fixture']): string {
  for (;;) {
    const name = `sshtr_nx${randomBytes(3).toString('hex')}`;
    if (readPasswdEntry(fixture.root, name) === null) return name;
  }
}

export const invalidUser: Scenario = {
  name: 'invalid_user',
  description: 'one password attempt for a user that does not exist',
  minLoginGraceTime: 10,
  run: async ({ fixture }) => {
    const name = unusedUserName(fixture);
    const startedAt = new Date();
    return withWorkspace('invalid_user', async (ws) => {
      const result = await runClient(fixture, ws, {
        program: 'ssh',
        args: [...onlyMethod('password', 1), target(fixture, name), 'true'],
        answers: [wrongPassword()],
      });
      return groundTruth('invalid_user', fixture, startedAt, [
        connectionFrom('invalid', 'ssh', result, {
          attempts: [attempt(name, 'password', false, true)],
          exitStatus: SSH_FAILURE_EXIT,
        }),
      ]);
    });
  },
};

export const wrongThenRight: Scenario = {
  name: 'wrong_then_right',
  description: 'one wrong password, then the right one, then a command that exits 0',
  minLoginGraceTime: 10,
  run: async ({ fixture }) => {
    const user = await fixture.createUser();
    const command = ID_THEN_EXIT(0);
    const startedAt = new Date();
    return withWorkspace('wrong_then_right', async (ws) => {
      const result = await runClient(fixture, ws, {
        program: 'ssh',
        args: [...onlyMethod('password', 3), target(fixture, user.name), command],
        answers: [wrongPassword(), user.password!],
      });
      const session = execSession(
        user,
        exited(shellArgv(user, command), 0),
        [exited(['id', '-un'], 0)],
        ID_THEN_EXIT_WHY,
      );
      return groundTruth('wrong_then_right', fixture, startedAt, [
        connectionFrom('login', 'ssh', result, {
          attempts: [attempt(user.name, 'password', false), attempt(user.name, 'password', true)],
          sessions: [session],
          exitStatus: 0,
          stdoutMustInclude: [user.name],
        }),
      ]);
    });
  },
};

export const keyboardInteractive: Scenario = {
  name: 'keyboard_interactive',
  description: 'keyboard-interactive login: PAM asks "Password:", askpass answers',
  run: async ({ fixture }) => {
    const user = await fixture.createUser();
    const command = ID_THEN_EXIT(0);
    const startedAt = new Date();
    return withWorkspace('keyboard_interactive', async (ws) => {
      const result = await runClient(fixture, ws, {
        program: 'ssh',
        args: [...onlyMethod('keyboard-interactive', 1), target(fixture, user.name), command],
        answers: [user.password!],
      });
      const session = execSession(
        user,
        exited(shellArgv(user, command), 0),
        [exited(['id', '-un'], 0)],
        ID_THEN_EXIT_WHY,
      );
      return groundTruth('keyboard_interactive', fixture, startedAt, [
        connectionFrom('login', 'ssh', result, {
          attempts: [attempt(user.name, 'keyboard-interactive', true)],
          sessions: [session],
          exitStatus: 0,
          stdoutMustInclude: [user.name],
          observed: { pam_prompt: result.prompts[0] ?? '' },
        }),
      ]);
    });
  },
};
