// `sshtrace record`: wires the recorder to the real world (root check, native tracer, /proc, the
// clock, signals, stderr). Loaded lazily by the CLI, so other commands never touch the addon.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Native from '../native/index';
import { checkOutputPath, outputLifecycle } from './output-file';
import { systemDeps } from './system-deps';
import { type RecordArgs, type RecordOptions, recordOptions } from './record-options';
import { RotatingWriter, type RotationStats } from './rotation';
import { nextSegmentIndex, prepareSegmentDir, segmentName } from './rotation-files';
import { record, type RecordSummary } from './recorder';
import { describeLosses } from './loss-monitor';
import { addonMissing, fromTracerError, notRoot } from './tracer-errors';

export interface RecordIo { readonly stderr: (line: string) => void }

const processIo: RecordIo = { stderr: (line) => process.stderr.write(`${line}\n`) };

export async function runRecord(args: RecordArgs, io: RecordIo = processIo): Promise<void> {
  const parsed = recordOptions(args);
  if (process.geteuid?.() !== 0) throw notRoot();
  const { options, firstIndex } = await prepareOutput(parsed);
  const native = await loadNative();
  warnWithoutPtrace(io);
  const clockTicks = clockTicksPerSecond();
  const signals = stopOnSignals(io);
  let rotating: RotatingWriter | null = null;
  try {
    const summary = await record(options, {
      ...systemDeps(options, native, clockTicks),
      ...outputLifecycle(options.output, options.force),
      ...(options.rotation ? {
        openWriter: async (file, header, segments) => {
          const first = { path: options.output, file: file!, header: { ...header, segment: { index: firstIndex } } };
          rotating = await RotatingWriter.start(first, options.rotation!, segments, { nowMs: Date.now, stderr: io.stderr });
          return rotating;
        },
      } : {}),
      stopRequested: signals.stopped,
      stderr: io.stderr,
    });
    io.stderr(summaryLine(summary, options.output, (rotating as RotatingWriter | null)?.stats() ?? null));
  } catch (error) {
    throw fromTracerError(error);
  } finally {
    signals.dispose();
  }
}

/** A plain capture: check the file's directory. Rotation: create the directory and name the first segment. */
async function prepareOutput(options: RecordOptions): Promise<{ options: RecordOptions; firstIndex: number }> {
  if (!options.rotation) {
    await checkOutputPath(options.output, options.force);
    return { options, firstIndex: 0 };
  }
  await prepareSegmentDir(options.rotation.dir);
  const firstIndex = await nextSegmentIndex(options.rotation.dir);
  return { options: { ...options, output: join(options.rotation.dir, segmentName(firstIndex, new Date())) }, firstIndex };
}

const [CAP_SYS_PTRACE, CAP_SYS_ADMIN, CAP_PERFMON, CAP_BPF] = [19n, 21n, 38n, 39n];

/** Without CAP_SYS_PTRACE /proc hides other processes' exe and fds: an sshd already running would go unseen. */
export function warnWithoutPtrace(io: RecordIo, status = '/proc/self/status'): void {
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
  io.stderr('sshtrace: warning: without CAP_SYS_PTRACE the /proc scan cannot read sshd processes that are already running, ' +
    'so they (and their new connections) go unseen until sshd restarts: grant CAP_SYS_PTRACE (docs/deployment.md)');
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
export function stopOnSignals(io: RecordIo): { stopped: Promise<string>; dispose: () => void } {
  const names = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  let received = 0;
  let resolve!: (reason: string) => void;
  const stopped = new Promise<string>((r) => { resolve = r; });
  const onSignal = (signal: NodeJS.Signals) => {
    received++;
    if (received === 1) resolve(signal === 'SIGINT' ? 'interrupted (SIGINT)' : `stopped by ${signal}`);
    else if (received === 2) io.stderr('sshtrace: stopping: writing the last batch and the trailer (signal again to abandon)');
    else {
      dispose();
      process.kill(process.pid, signal); // the default action now: die without a trailer
    }
  };
  const dispose = () => names.forEach((n) => process.removeListener(n, onSignal));
  names.forEach((n) => process.on(n, onSignal));
  return { stopped, dispose };
}

export function summaryLine(s: RecordSummary, output: string, rotation: RotationStats | null = null): string {
  const mib = (s.bytes / 1024 / 1024).toFixed(2);
  const losses = describeLosses(s.losses);
  const where = rotation === null ? output : `${rotation.segments} segment(s) ending with ${rotation.currentPath}` +
    (rotation.deletedSegments === 0 ? '' : ` (${rotation.deletedSegments} oldest deleted by --max-total-size)`);
  return `sshtrace: stopped (${s.reason}) after ${s.seconds.toFixed(1)} s: ${s.events} events, ${mib} MiB in ${s.frames} frames written to ${where}; ${losses}`;
}
