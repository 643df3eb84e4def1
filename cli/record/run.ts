// `sshtrace record`: wires the recorder to the real world (root check, native tracer, /proc, the
// clock, signals, stderr). Loaded lazily by the CLI, so other commands never touch the addon.
import { join } from 'node:path';
import { checkOutputPath, outputLifecycle } from '../../record/output-file';
import { systemDeps } from '../../record/system-deps';
import { type RecordArgs, type RecordOptions, recordOptions } from '../../record/record-options';
import { RotatingWriter, type RotationStats } from '../../record/rotation';
import { nextSegmentIndex, prepareSegmentDir, segmentName } from '../../record/rotation-files';
import { record, type RecordSummary } from '../../record/recorder';
import { describeLosses } from '../../record/loss-monitor';
import { fromTracerError, notRoot } from '../../record/tracer-errors';
import { clockTicksPerSecond, loadNative, stopOnSignals, warnWithoutPtrace } from '../../record/recorder-process';

export interface RecordIo {
  readonly stderr: (line: string) => void;
}

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
      ...(options.rotation
        ? {
            openWriter: async (file, header, segments) => {
              const first = {
                path: options.output,
                file: file!,
                header: { ...header, segment: { index: firstIndex } },
              };
              rotating = await RotatingWriter.start(first, options.rotation!, segments, {
                nowMs: Date.now,
                stderr: io.stderr,
              });
              return rotating;
            },
          }
        : {}),
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
  return {
    options: { ...options, output: join(options.rotation.dir, segmentName(firstIndex, new Date())) },
    firstIndex,
  };
}

export function summaryLine(s: RecordSummary, output: string, rotation: RotationStats | null = null): string {
  const mib = (s.bytes / 1024 / 1024).toFixed(2);
  const losses = describeLosses(s.losses);
  const where =
    rotation === null
      ? output
      : `${rotation.segments} segment(s) ending with ${rotation.currentPath}` +
        (rotation.deletedSegments === 0 ? '' : ` (${rotation.deletedSegments} oldest deleted by --max-total-size)`);
  return `sshtrace: stopped (${s.reason}) after ${s.seconds.toFixed(1)} s: ${s.events} events, ${mib} MiB in ${s.frames} frames written to ${where}; ${losses}`;
}
