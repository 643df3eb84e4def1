// Small builders for ground-truth records, so each scenario reads as "what I ran, what I expect".
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { ClientKey, FixtureUser, PrivateSshd } from '../fixture/types';
import type { ClientResult } from './client';
import type {
  AuthMethod,
  ClientProgram,
  ExpectedAttempt,
  ExpectedCommand,
  ExpectedConnection,
  ExpectedSession,
  GroundTruth,
} from './ground-truth';

export function attempt(user: string, method: AuthMethod, success: boolean, invalidUser = false): ExpectedAttempt {
  return { user, invalid_user: invalidUser, success, method };
}

/** A publickey attempt with the key the client offered. */
export function keyAttempt(user: string, key: ClientKey, success: boolean): ExpectedAttempt {
  return { ...attempt(user, 'publickey', success), key_fingerprint: fingerprintOf(key.publicKey) };
}

/** "SHA256:" + unpadded base64 of the SHA-256 of the key blob (sshkey.c sshkey_fingerprint, SSH_FP_BASE64). */
export function fingerprintOf(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1];
  if (blob === undefined) throw new Error(`not a public key line: ${publicKeyLine}`);
  return `SHA256:${createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

export function exited(argv: readonly string[], exitCode: number): ExpectedCommand {
  return { argv, exit_code: exitCode, signal: null };
}

export function killedBy(argv: readonly string[], signal: number): ExpectedCommand {
  return { argv, exit_code: null, signal };
}

/** sshd runs an exec request as `<basename of shell> -c <command string>` (session.c do_child). */
export function shellArgv(user: Pick<FixtureUser, 'shell'>, command: string): string[] {
  return [path.basename(user.shell), '-c', command];
}

/** sshd starts a login shell with argv[0] = "-" + basename of the shell. */
export function loginShellArgv(user: Pick<FixtureUser, 'shell'>): string[] {
  return [`-${path.basename(user.shell)}`];
}

export function execSession(
  user: FixtureUser,
  shell: ExpectedCommand,
  children: readonly ExpectedCommand[],
  why: string,
  commandsComplete = true,
): ExpectedSession {
  return {
    user: user.name,
    uid: user.uid,
    tty: false,
    kind: 'exec',
    commands: [shell, ...children],
    commands_complete: commandsComplete,
    why,
  };
}

export interface ConnectionExpectation {
  readonly attempts: readonly ExpectedAttempt[];
  readonly sessions?: readonly ExpectedSession[];
  readonly exitStatus: number | null;
  readonly stdoutMustInclude?: readonly string[];
  readonly observed?: Readonly<Record<string, string | number | boolean>>;
  readonly serverClosed?: 'login_grace_time';
}

export function connectionFrom(
  label: string,
  client: ClientProgram,
  result: ClientResult,
  expected: ConnectionExpectation,
): ExpectedConnection {
  return {
    label,
    client,
    source_port: result.sourcePort,
    attempts: expected.attempts,
    sessions: expected.sessions ?? [],
    expected_client_exit_status: expected.exitStatus,
    client_exit_status: result.exitStatus,
    stdout_must_include: expected.stdoutMustInclude ?? [],
    stdout: result.stdout,
    stderr: result.stderr,
    prompts_answered: result.prompts.length,
    started_at: result.startedAt.toISOString(),
    ended_at: result.endedAt.toISOString(),
    ...(expected.serverClosed ? { server_closed: expected.serverClosed } : {}),
    ...(expected.observed ? { observed: expected.observed } : {}),
  };
}

export function groundTruth(
  scenario: string,
  fixture: PrivateSshd,
  startedAt: Date,
  connections: readonly ExpectedConnection[],
  checks: GroundTruth['checks'] = [],
): GroundTruth {
  return {
    scenario,
    server: { address: '127.0.0.1', port: fixture.port, pid: fixture.pid, version: fixture.version },
    started_at: startedAt.toISOString(),
    ended_at: new Date().toISOString(),
    connections,
    checks,
  };
}

/** `user@127.0.0.1` for the client's command line. */
export function target(fixture: PrivateSshd, user: string): string {
  return `${user}@${fixture.host}`;
}

/** Client options for one authentication method only, so no other method is tried first. */
export function onlyMethod(method: AuthMethod, prompts = 1): string[] {
  return ['-o', `PreferredAuthentications=${method}`, '-o', `NumberOfPasswordPrompts=${prompts}`];
}

export function keyOptions(...privateKeyPaths: string[]): string[] {
  return privateKeyPaths.flatMap((keyPath) => ['-i', keyPath]);
}
