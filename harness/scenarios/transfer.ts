// File transfer scenarios: the sftp subsystem, and scp in its legacy protocol (`scp -O`), which is a
// plain exec request `scp -t <target>`. (OpenSSH 9.x scp speaks SFTP by default; sftp_put_get already
// covers the subsystem, so scp_upload takes the other path.)
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runClient } from './client';
import { attempt, connectionFrom, groundTruth, keyAttempt, keyOptions, onlyMethod, shellArgv, target } from './expect';
import type { ExpectedSession } from './ground-truth';
import type { Scenario } from './scenario';
import { withWorkspace } from './workspace';

const ONE_SIMPLE_COMMAND_WHY = 'bash -c with a single simple command execs it in place (no fork)';

export const sftpPutGet: Scenario = {
  name: 'sftp_put_get',
  description: 'sftp -b: put a 64 KiB file, get it back, remove it',
  run: async ({ fixture }) => {
    const user = await fixture.createUser({ key: true });
    const startedAt = new Date();
    return withWorkspace('sftp_put_get', async (ws) => {
      const payload = randomBytes(64 * 1024);
      const local = ws.file('payload.bin');
      const back = ws.file('back.bin');
      const batch = ws.file('batch.txt');
      fs.writeFileSync(local, payload);
      fs.writeFileSync(batch, `put ${local} upload.bin\nget upload.bin ${back}\nrm upload.bin\n`);
      const result = await runClient(fixture, ws, {
        program: 'sftp',
        args: [
          '-b',
          batch,
          ...onlyMethod('publickey'),
          ...keyOptions(user.key!.privateKeyPath),
          target(fixture, user.name),
        ],
      });
      const session: ExpectedSession = {
        user: user.name,
        uid: user.uid,
        tty: false,
        kind: 'subsystem',
        commands_complete: true,
        commands: [
          {
            argv: shellArgv(user, fixture.sftpServerPath),
            then_execs: [[fixture.sftpServerPath]],
            exit_code: 0,
            signal: null,
          },
        ],
        why: `sshd runs the sftp subsystem through the shell; ${ONE_SIMPLE_COMMAND_WHY}; sftp-server exits 0 at the client's EOF`,
      };
      const roundTrip = fs.existsSync(back) && fs.readFileSync(back).equals(payload);
      return groundTruth(
        'sftp_put_get',
        fixture,
        startedAt,
        [
          connectionFrom('sftp', 'sftp', result, {
            attempts: [keyAttempt(user.name, user.key!, true)],
            sessions: [session],
            exitStatus: 0,
          }),
        ],
        [{ what: 'the file came back byte for byte', ok: roundTrip }],
      );
    });
  },
};

export const scpUpload: Scenario = {
  name: 'scp_upload',
  description: 'scp -O (legacy protocol) uploads a file with password authentication',
  run: async ({ fixture }) => {
    const user = await fixture.createUser();
    const startedAt = new Date();
    return withWorkspace('scp_upload', async (ws) => {
      const content = `sshtrace scp payload ${randomBytes(8).toString('hex')}\n`;
      const local = ws.file('upload.txt');
      fs.writeFileSync(local, content);
      const result = await runClient(fixture, ws, {
        program: 'scp',
        answers: [user.password!],
        args: ['-O', ...onlyMethod('password'), local, `${target(fixture, user.name)}:upload.txt`],
      });
      // scp.c toremote: the remote command is "scp -t <target>" when no -v/-r/-p/-d applies.
      const remoteCommand = 'scp -t upload.txt';
      const session: ExpectedSession = {
        user: user.name,
        uid: user.uid,
        tty: false,
        kind: 'exec',
        commands_complete: true,
        commands: [
          {
            argv: shellArgv(user, remoteCommand),
            then_execs: [['scp', '-t', 'upload.txt']],
            exit_code: 0,
            signal: null,
          },
        ],
        why: ONE_SIMPLE_COMMAND_WHY,
      };
      const uploaded = fixture.hostPath(path.join(user.home, 'upload.txt'));
      const arrived = fs.existsSync(uploaded) && fs.readFileSync(uploaded, 'utf8') === content;
      return groundTruth(
        'scp_upload',
        fixture,
        startedAt,
        [
          connectionFrom('scp', 'scp', result, {
            attempts: [attempt(user.name, 'password', true)],
            sessions: [session],
            exitStatus: 0,
          }),
        ],
        [{ what: 'the uploaded file holds what was sent', ok: arrived }],
      );
    });
  },
};
