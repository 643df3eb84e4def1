// The recorder process and its surroundings, shared by `record`, `watch` and `demo`: its capabilities, the native
// addon (loaded lazily, so other commands never touch it), USER_HZ, and the signals that stop it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type * as Native from '../native/index';
import { addonMissing } from './tracer-errors';

export interface RecorderIo {
  readonly stderr: (line: string) => void;
}

const [CAP_SYS_PTRACE, CAP_SYS_ADMIN, CAP_PERFMON, CAP_BPF] = [19n, 21n, 38n, 39n];

/** Without CAP_SYS_PTRACE /proc hides other processes' exe and fds: an sshd already running would go unseen. */
export function warnWithoutPtrace(io: RecorderIo, status = '/proc/self/status'): void {
  let caps: bigint;
  try {
    caps = BigInt(`0x${/^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync(status, 'utf8'))?.[1] ?? 'ffffffffffffffff'}`);
  } catch {
    return;
  }
  const has = (cap: bigint) => ((caps >> cap) & 1n) === 1n;
  // Without the tracer's own capabilities the tracer's error says what to do; this would only be noise.
  const canTrace = has(CAP_SYS_ADMIN) || (has(CAP_BPF) && has(CAP_PERFMON));
  if (has(CAP_SYS_PTRACE) || !canTrace) return;
  io.stderr(
    'sshtrace: warning: without CAP_SYS_PTRACE the /proc scan cannot read sshd processes that are already running, ' +
      'so they (and their new connections) go unseen until sshd restarts: grant CAP_SYS_PTRACE (docs/deployment.md)',
  );
}

export async function loadNative(): Promise<typeof Native> {
  let native: typeof Native;
  try {
    native = await import('../native/index.js');
  } catch (error) {
    throw addonMissing((error as Error).message.split('\n')[0]!);
  }
  if (typeof native.start !== 'function') throw addonMissing('native/index exports no start()');
  return native;
}

/** USER_HZ for /proc/PID/stat start times; 100 on every Linux ABI unless getconf says otherwise. */
export function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

/** SIGINT/SIGTERM/SIGHUP stop the recording cleanly; a third signal gets its default action (death). */
export function stopOnSignals(io: RecorderIo): { stopped: Promise<string>; dispose: () => void } {
  const names = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  let received = 0;
  let resolve!: (reason: string) => void;
  const stopped = new Promise<string>((r) => {
    resolve = r;
  });
  const onSignal = (signal: NodeJS.Signals) => {
    received++;
    if (received === 1) resolve(signal === 'SIGINT' ? 'interrupted (SIGINT)' : `stopped by ${signal}`);
    else if (received === 2)
      io.stderr('sshtrace: stopping: writing the last batch and the trailer (signal again to abandon)');
    else {
      dispose();
      process.kill(process.pid, signal); // the default action now: die without a trailer
    }
  };
  const dispose = () => {
    for (const n of names) process.removeListener(n, onSignal);
  };
  for (const n of names) process.on(n, onSignal);
  return { stopped, dispose };
}
