// Runs external commands (debootstrap, chroot, apt-get) with their output turned into prefixed progress lines.
import { spawn } from 'node:child_process';

export type Progress = (line: string) => void;

export const stderrProgress =
  (prefix: string): Progress =>
  (line) =>
    process.stderr.write(`${prefix} ${line}\n`);

export interface RunOptions {
  readonly progress?: Progress;
  readonly env?: NodeJS.ProcessEnv;
  /** Collect stdout instead of reporting it as progress. */
  readonly captureStdout?: boolean;
}

/** Splits a byte stream into lines and reports each non-empty one. */
function lineReporter(progress: Progress): (chunk: Buffer) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString('utf8');
    const lines = pending.split(/\r?\n|\r/);
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') progress(line);
  };
}

/** Runs argv to completion; resolves with stdout when captured, rejects with the tail of the output on failure. */
export function run(argv: readonly string[], opts: RunOptions = {}): Promise<string> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error('run: empty command'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const remember: Progress = (line) => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      opts.progress?.(line);
    };
    let stdout = '';
    child.stdout.on(
      'data',
      opts.captureStdout === true
        ? (c: Buffer) => {
            stdout += c.toString('utf8');
          }
        : lineReporter(remember),
    );
    child.stderr.on('data', lineReporter(remember));
    child.on('error', (err) => reject(new Error(`cannot start ${file}: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve(stdout);
        return;
      }
      const why = signal !== null ? `killed by ${signal}` : `exit code ${code}`;
      reject(new Error(`${argv.slice(0, 4).join(' ')} failed (${why}): ${tail.slice(-3).join(' | ')}`));
    });
  });
}

/** True when a command is found on PATH (or at an absolute path). */
export async function haveCommand(name: string): Promise<boolean> {
  try {
    await run(['sh', '-c', `command -v ${name}`], { captureStdout: true });
    return true;
  } catch {
    return false;
  }
}
