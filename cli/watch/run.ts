// `sshtrace watch`: the recorder and the reducer at once. The recorder writes through a tee that feeds the
// replay pipeline (same decoder, same reorder, same model), and each record is printed as soon as the model
// releases it: attempts as they are decided, a LOGIN line when a session starts, sessions when they end.
// --output also keeps the capture, written by the same FileWriter as `record`.
import type { FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Writable } from 'node:stream';
import type { OutputRecord } from '../../model/records';
import { SshtraceError, EXIT } from '../../capture/errors';
import { matches, type RecordFilter, type RecordType } from '../../output/filters';
import { formatRecord, type ReplayFormat } from '../../output/format-record';
import type { SiemContext } from '../../output/siem-context';
import { reduceGroups } from '../../replay/pipeline';
import { DEFAULT_REORDER_WINDOW_NS } from '../../replay/reorder';
import { toolVersion } from '../../capture/tool-version';
import { LiveFeed, TeeWriter, WATCH_BATCH_INTERVAL_MS } from '../../record/live-feed';
import { FileWriter } from '../../record/file-writer';
import { describeLosses } from '../../record/loss-monitor';
import { checkOutputPath, outputLifecycle } from '../../record/output-file';
import { systemDeps } from '../../record/system-deps';
import { clockTicksPerSecond, loadNative, stopOnSignals, warnWithoutPtrace } from '../../record/recorder-process';
import { type RecordArgs, recordOptions } from '../../record/record-options';
import { record, type RecordSummary } from '../../record/recorder';
import { fromTracerError } from '../../record/tracer-errors';

export interface WatchArgs extends Omit<RecordArgs, 'output' | 'rotateSize' | 'rotateInterval' | 'maxTotalSize'> {
  /** Also keep the capture in this file. */
  readonly output: string | undefined;
  readonly format: ReplayFormat;
  readonly filter: RecordFilter;
}

export interface WatchIo {
  readonly stdout: Writable;
  readonly stderr: (line: string) => void;
}

const processIo: WatchIo = { stdout: process.stdout, stderr: (line) => process.stderr.write(`${line}\n`) };

/** Live views show session starts too; replay hides them unless asked. */
const WATCH_TYPES: ReadonlySet<RecordType> = new Set(['auth', 'session_start', 'session', 'connection', 'anomaly']);

export async function runWatch(args: WatchArgs, io: WatchIo = processIo): Promise<void> {
  const options = recordOptions({ ...args, output: args.output ?? '' });
  if (process.geteuid?.() !== 0) {
    throw new SshtraceError(
      'sshtrace watch must run as root (it loads BPF programs and reads every process in /proc): run it with sudo',
      EXIT.privileges,
    );
  }
  if (args.output !== undefined) await checkOutputPath(args.output, args.force);
  const native = await loadNative();
  warnWithoutPtrace(io);
  const clockTicks = clockTicksPerSecond();
  const signals = stopOnSignals(io);
  const feed = new LiveFeed(DEFAULT_REORDER_WINDOW_NS);
  const out = new LiveOutput(io.stdout);
  const filter = { ...args.filter, types: args.filter.types ?? WATCH_TYPES };
  const printing = printRecords(feed, filter, args.format, out, { hostname: hostname(), toolVersion: toolVersion() });
  try {
    const summary = await record(options, {
      ...systemDeps(options, native, clockTicks),
      ...keptCapture(args),
      batchIntervalMs: WATCH_BATCH_INTERVAL_MS,
      openWriter: async (file, header) =>
        new TeeWriter(file === null ? null : await FileWriter.onFile(options.output, file, header), feed, header),
      stopRequested: Promise.race([signals.stopped, out.gone.then(() => 'the output reader went away')]),
      // The recorder's start line, worded for this command.
      stderr: (line) => io.stderr(line.replace(/^sshtrace: recording /, 'sshtrace: watching ')),
    }).finally(() => feed.end());
    const shown = await printing;
    io.stderr(endLine(summary, shown, args.output));
  } catch (error) {
    feed.end();
    await printing.catch(() => undefined);
    throw fromTracerError(error);
  } finally {
    signals.dispose();
  }
}

/** The --output file, when there is one: created early (O_EXCL unless --force), removed if setup fails. */
function keptCapture(args: WatchArgs): {
  openOutput: () => Promise<FileHandle | null>;
  removeOutput: () => Promise<void>;
} {
  const path = args.output;
  if (path === undefined) return { openOutput: () => Promise.resolve(null), removeOutput: () => Promise.resolve() };
  return outputLifecycle(path, args.force);
}

async function printRecords(
  feed: LiveFeed,
  filter: RecordFilter,
  format: ReplayFormat,
  out: LiveOutput,
  context: SiemContext,
): Promise<number> {
  let shown = 0;
  for await (const records of reduceGroups(feed.groups())) {
    for (const r of records as readonly OutputRecord[]) {
      if (!matches(filter, r)) continue;
      out.write(formatRecord(r, format, context));
      shown++;
    }
  }
  return shown;
}

function endLine(s: RecordSummary, shown: number, output: string | undefined): string {
  const kept = output === undefined ? '' : `; capture kept in ${output} (${(s.bytes / 1024 / 1024).toFixed(2)} MiB)`;
  return (
    `sshtrace: stopped watching (${s.reason}) after ${s.seconds.toFixed(1)} s: ${shown} record(s) shown from ` +
    `${s.events} events; ${describeLosses(s.losses)}${kept}`
  );
}

/** Writes each record at once (a live view must not buffer); a reader that goes away ends the watch quietly. */
class LiveOutput {
  readonly gone: Promise<void>;
  private closed = false;

  constructor(private readonly stream: Writable) {
    this.gone = new Promise((resolve) => {
      stream.on('error', () => {
        this.closed = true;
        resolve();
      });
    });
  }

  write(text: string): void {
    if (!this.closed && text !== '') this.stream.write(text);
  }
}
