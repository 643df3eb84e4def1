// Helpers shared by the reliability end-to-end tests: run the real CLI as a child process (so exit codes,
// stdout and stderr are what a person sees), and say why a root/BPF test cannot run here.
import { spawn, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../../..');
export const CLI = join(ROOT, 'dist/cli/main.js');
export const ADDON = join(ROOT, 'native/build/Release/sshtrace.node');
export const ROOTFS_CACHE = process.env.SSHTRACE_ROOTFS_CACHE ?? '/var/cache/sshtrace/rootfs';

/** Why a test that needs root, BPF and the built addon cannot run; false when it can. */
export function rootSkipReason(): string | false {
  if (process.geteuid?.() !== 0) return 'needs root (BPF, users, sshd)';
  if (!existsSync(ADDON)) return `needs the built addon (${ADDON}): npm run build`;
  return false;
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `prefix... node CLI args...` to completion; never rejects on a non-zero exit. */
export function runCli(
  args: readonly string[],
  options: { prefix?: readonly string[]; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const [program, ...before] = [...(options.prefix ?? []), process.execPath];
  return runProgram(program!, [...before, CLI, ...args], options);
}

export function runProgram(
  program: string,
  args: readonly string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const spawnOptions: SpawnOptions = { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env };
  const child = spawn(program, args, spawnOptions);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString('latin1');
  });
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString('latin1');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  return new Promise((done) =>
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    }),
  );
}

/** stderr as lines, without the empty last one. */
export const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
