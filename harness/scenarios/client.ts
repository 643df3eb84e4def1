// Runs the host's real OpenSSH clients (ssh, sftp, scp) against the fixture, with no terminal:
// passwords come from SSH_ASKPASS (forced), keys from -i, and the source port from a connector.
//
// Source port: `ssh -b` binds an address but not a port, and no log level prints the local port, so
// every client connects through `ProxyCommand` + `ProxyUseFdpass=yes` with a tiny connector that opens
// the TCP connection itself, records getsockname()'s port, and hands the socket to ssh. The server sees
// a plain TCP client; ssh then owns the socket, so nothing of the client's traffic changes.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { findPython } from '../fixture/run';
import type { PrivateSshd } from '../fixture/types';
import type { Workspace } from './workspace';

export type ClientProgramName = 'ssh' | 'sftp' | 'scp';

export interface ClientIo {
  write(text: string): void;
  /** Resolves once stdout matches (checked on every chunk); rejects after timeoutMs. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export interface ClientRunSpec {
  readonly program: ClientProgramName;
  /** Arguments after the common options (user@host, command, -i key, ...). */
  readonly args: readonly string[];
  /** Answers for the askpass helper, one per prompt, in order. */
  readonly answers?: readonly string[];
  /** Talks to the client on stdin/stdout; stdin is closed when it returns, unless keepStdinOpen. */
  readonly interact?: (io: ClientIo) => Promise<void>;
  /** For `ssh -tt`: keep stdin open until the client exits, so an EOF cannot end the shell early. */
  readonly keepStdinOpen?: boolean;
  /** false for a multiplexing client: it reaches sshd through the master's connection. */
  readonly connect?: boolean;
  readonly timeoutMs?: number;
}

export interface ClientResult {
  readonly exitStatus: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly prompts: readonly string[];
  readonly sourcePort: number | null;
  readonly startedAt: Date;
  readonly endedAt: Date;
}

export interface RunningClient {
  readonly child: ChildProcess;
  readonly portFile: string | null;
  readonly done: Promise<ClientResult>;
  readonly io: ClientIo;
}

/** Options shared by every client: no user or system config, no agent, no known_hosts, no noise. */
function commonOptions(fixture: PrivateSshd, ws: Workspace, portFile: string | null): string[] {
  const options = [
    '-F',
    '/dev/null',
    '-o',
    `Port=${fixture.port}`,
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'LogLevel=ERROR',
    '-o',
    'IdentityAgent=none',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'ConnectTimeout=10',
  ];
  if (portFile === null) return options;
  const proxy = `${findPython()} -I -S ${ws.connectorPath} ${fixture.host} ${fixture.port} ${portFile}`;
  return [...options, '-o', `ProxyCommand=${proxy}`, '-o', 'ProxyUseFdpass=yes'];
}

function clientEnv(ws: Workspace, promptLog: string, answers: readonly string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: '/usr/bin:/bin:/usr/sbin:/sbin',
    HOME: ws.dir,
    SHELL: '/bin/sh',
    LANG: 'C',
    SSH_ASKPASS: ws.askpassPath,
    SSH_ASKPASS_REQUIRE: 'force',
    DISPLAY: ':0',
    SSHTR_PROMPT_LOG: promptLog,
  };
  answers.forEach((answer, index) => {
    env[`SSHTR_ANSWER_${index + 1}`] = answer;
  });
  return env;
}

function readPort(portFile: string | null): number | null {
  if (portFile === null || !fs.existsSync(portFile)) return null;
  const port = Number(fs.readFileSync(portFile, 'utf8').trim());
  return Number.isInteger(port) && port > 0 ? port : null;
}

function makeIo(child: ChildProcess, stdout: () => string): ClientIo {
  const write = (text: string) => {
    child.stdin?.write(text);
  };
  const waitForStdout = (pattern: RegExp, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(stdout())) return;
        cleanupWait();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanupWait();
        reject(new Error(`client output never matched ${pattern}`));
      }, timeoutMs);
      const cleanupWait = () => {
        clearTimeout(timer);
        child.stdout?.off('data', check);
      };
      child.stdout?.on('data', check);
      check();
    });
  return { write, waitForStdout };
}

/** Starts a client; `done` resolves when it exits (it never rejects: a failure is an outcome). */
export function startClient(fixture: PrivateSshd, ws: Workspace, spec: ClientRunSpec): RunningClient {
  const portFile = spec.connect === false ? null : ws.file('source-port');
  const promptLog = ws.file('prompts');
  fs.writeFileSync(promptLog, '');
  const startedAt = new Date();
  // detached = setsid: no controlling terminal, so ssh must use askpass, and a timeout kills the group.
  const child = spawn(spec.program, [...commonOptions(fixture, ws, portFile), ...spec.args], {
    env: clientEnv(ws, promptLog, spec.answers ?? []),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin?.on('error', () => undefined); // the client may exit before reading everything
  const io = makeIo(child, () => stdout);
  ws.onDispose(`stop ${spec.program} client`, () => killGroup(child));
  let timedOut = false;
  const timeoutMs = spec.timeoutMs ?? 30_000;
  const timer = setTimeout(() => {
    timedOut = true;
    stderr += `\n[scenario] ${spec.program} still running after ${timeoutMs} ms: killed\n`;
    killGroup(child);
  }, timeoutMs);
  const done = new Promise<ClientResult>((resolve) => {
    let finished = false;
    const finish = (code: number | null, signal: string | null) => {
      if (finished) return; // 'error' may be followed by 'close'
      finished = true;
      clearTimeout(timer);
      child.stdin?.end();
      const prompts = fs
        .readFileSync(promptLog, 'utf8')
        .split('\n')
        .filter((l) => l !== '');
      resolve({
        exitStatus: code,
        signal,
        timedOut,
        stdout,
        stderr,
        prompts,
        sourcePort: readPort(portFile),
        startedAt,
        endedAt: new Date(),
      });
    };
    child.once('error', (error) => {
      stderr += `\n[scenario] cannot run ${spec.program}: ${error.message}\n`;
      finish(null, null);
    });
    child.once('close', finish);
  });
  void feedStdin(child, io, spec, (note) => {
    stderr += `\n[scenario] ${note}\n`;
  });
  return { child, portFile, done, io };
}

async function feedStdin(
  child: ChildProcess,
  io: ClientIo,
  spec: ClientRunSpec,
  note: (text: string) => void,
): Promise<void> {
  try {
    if (spec.interact) await spec.interact(io);
  } catch (error) {
    // The transcript (stdout) shows how far it got; stop the client rather than hang.
    note((error as Error).message);
    killGroup(child);
  }
  if (!spec.keepStdinOpen) child.stdin?.end();
}

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
      process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

export function runClient(fixture: PrivateSshd, ws: Workspace, spec: ClientRunSpec): Promise<ClientResult> {
  return startClient(fixture, ws, spec).done;
}
