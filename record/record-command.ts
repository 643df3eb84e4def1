// `sshtrace record`: wires the recorder to the real world (root check, native tracer, /proc, the
// clock, signals, stderr). Loaded lazily by the CLI, so other commands never touch the addon.
import { execFileSync } from 'node:child_process';
import { unlink } from 'node:fs/promises';
import type * as Native from '../native/index';
import { toolVersion } from '../replay/version';
import { BootClock } from './boot-clock';
import { readHostInfo } from './host-info';
import { opensshVersions } from './openssh-versions';
import { checkOutputPath, createOutputFile } from './output-file';
import { scanFamily } from './proc-snapshot';
import { type RecordArgs, recordOptions } from './record-options';
import { record, type RecordSummary } from './recorder';
import { describeLosses } from './loss-monitor';
import { addonMissing, fromTracerError, notRoot } from './tracer-errors';

export interface RecordIo { readonly stderr: (line: string) => void }

const processIo: RecordIo = { stderr: (line) => process.stderr.write(`${line}\n`) };

export async function runRecord(args: RecordArgs, io: RecordIo = processIo): Promise<void> {
  const options = recordOptions(args);
  if (process.geteuid?.() !== 0) throw notRoot();
  await checkOutputPath(options.output, options.force);
  const native = await loadNative();
  const clockTicks = clockTicksPerSecond();
  const signals = stopOnSignals(io);
  try {
    const summary = await record(options, {
      startTracer: (o) => native.start(o),
      scan: () => scanFamily({ familyNames: options.familyNames, selfPid: process.pid, clockTicks }),
      hostInfo: () => readHostInfo(),
      opensshVersions: (snapshot) => opensshVersions(snapshot, options.familyNames),
      clock: new BootClock(),
      openOutput: () => createOutputFile(options.output, options.force),
      removeOutput: () => unlink(options.output),
      stopRequested: signals.stopped,
      stderr: io.stderr,
      toolVersion: toolVersion(),
      selfPid: process.pid,
    });
    io.stderr(summaryLine(summary, options.output));
  } catch (error) {
    throw fromTracerError(error);
  } finally {
    signals.dispose();
  }
}

async function loadNative(): Promise<typeof Native> {
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
function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

/** SIGINT/SIGTERM/SIGHUP stop the recording cleanly; a third signal gets its default action (death). */
function stopOnSignals(io: RecordIo): { stopped: Promise<string>; dispose: () => void } {
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

export function summaryLine(s: RecordSummary, output: string): string {
  const mib = (s.bytes / 1024 / 1024).toFixed(2);
  const losses = describeLosses(s.losses);
  return `sshtrace: stopped (${s.reason}) after ${s.seconds.toFixed(1)} s: ${s.events} events, ${mib} MiB in ${s.frames} frames written to ${output}; ${losses}`;
}
