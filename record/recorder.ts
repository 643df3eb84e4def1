// The record orchestration, free of process globals so tests can drive it with a fake tracer:
// output file → tracer → seed tracking from /proc (twice) → header → batches, counters, clock
// entries, a flush every second → trailer when asked to stop.
import type { FileHandle } from 'node:fs/promises';
import type { SnapshotProcess } from '../capture/events';
import type { TracerOptions, TracerSource } from '../native/index';
import { CAPTURE_FORMAT, type CaptureHeader, type ClockPair, TOOL_NAME, type Trailer } from '../capture/format';
import { copyCounters } from '../capture/counters';
import { EXIT, SshtraceError } from '../capture/errors';
import { EVENTS_LAYOUT_VERSION } from '../capture/layout';
import { describeAtStart } from '../capture/skipped-programs';
import type { CaptureWriter, SegmentSource } from './capture-writer';
import type { HostInfo } from './host-info';
import { FileWriter } from './file-writer';
import { type Losses, lossesOf, LossMonitor } from './loss-monitor';
import type { RecordOptions } from './record-options';
import { describeRotation } from './rotation-options';

export interface RecorderClock {
  now(): ClockPair;
  bootNs(): number;
  refresh(): void;
}

export interface RecorderDeps {
  readonly startTracer: (options: TracerOptions) => TracerSource | Promise<TracerSource>;
  readonly scan: () => SnapshotProcess[];
  readonly hostInfo: () => HostInfo;
  readonly opensshVersions: (snapshot: readonly SnapshotProcess[]) => Record<string, string>;
  readonly clock: RecorderClock;
  /** The capture file, opened early; null when nothing is kept on disk (`watch` without --output). */
  readonly openOutput: () => Promise<FileHandle | null>;
  /** Writes the capture some other way than one FileWriter on `file` (rotation, watch's tee). */
  readonly openWriter?: (
    file: FileHandle | null,
    header: CaptureHeader,
    segments: SegmentSource,
  ) => Promise<CaptureWriter>;
  /** Removes the output file when setup fails before anything was written to it. */
  readonly removeOutput: () => Promise<void>;
  /** Resolves with the reason to stop (a signal); --duration is handled here. */
  readonly stopRequested: Promise<string>;
  readonly stderr: (line: string) => void;
  readonly toolVersion: string;
  readonly selfPid: number;
  readonly intervals?: { readonly flushMs: number; readonly clockMs: number; readonly warnMs: number };
  /** How long the drain thread may hold events before handing them over (default BATCH_INTERVAL_MS). */
  readonly batchIntervalMs?: number;
}

export interface RecordSummary {
  readonly reason: string;
  readonly events: number;
  readonly bytes: number;
  readonly frames: number;
  readonly seconds: number;
  readonly losses: Losses;
  readonly snapshot: readonly SnapshotProcess[];
}

export const BATCH_BYTES = 256 * 1024;
// One batch a second, like the flush: a login's events cross to JavaScript in 1-2 batches instead of ~4,
// which cut the recorder's CPU per login by half (docs/performance.md). Bursts still cut at BATCH_BYTES.
export const BATCH_INTERVAL_MS = 1000;

function tracerOptions(options: RecordOptions, selfTgid: number, batchIntervalMs = BATCH_INTERVAL_MS): TracerOptions {
  return {
    familyNames: options.familyNames,
    selfTgid,
    argvCap: options.argvCap,
    ringBufferBytes: options.ringBufferBytes,
    fileWrites: options.fileWrites,
    syscallSends: options.syscallSends,
    batchBytes: BATCH_BYTES,
    batchIntervalMs,
    maxQueuedBatches: 64,
  };
}

export async function record(options: RecordOptions, deps: RecorderDeps): Promise<RecordSummary> {
  const file = await deps.openOutput(); // O_EXCL now, so a bad --output fails before any BPF is loaded
  let source: TracerSource;
  try {
    source = await deps.startTracer(tracerOptions(options, deps.selfPid, deps.batchIntervalMs));
  } catch (error) {
    await file?.close().catch(() => undefined);
    await deps.removeOutput().catch(() => undefined);
    throw error;
  }
  try {
    if (source.eventsLayoutVersion !== EVENTS_LAYOUT_VERSION) throw layoutMismatch(source.eventsLayoutVersion);
    const snapshot = seedTracking(source, deps.scan);
    const header = buildHeader(options, deps, snapshot, source.skippedPrograms, { index: 0 });
    const writer = await openWriter(options, deps, file, header, segmentSource(options, deps, source));
    deps.stderr(startLine(snapshot, options));
    for (const line of describeAtStart(source.skippedPrograms)) deps.stderr(line);
    return await new Recording(source, writer, deps, options, snapshot).run();
  } catch (error) {
    await source.stop().catch(() => undefined);
    await file?.close().catch(() => undefined);
    throw error;
  }
}

function openWriter(
  options: RecordOptions,
  deps: RecorderDeps,
  file: FileHandle | null,
  header: CaptureHeader,
  segments: SegmentSource,
): Promise<CaptureWriter> {
  if (deps.openWriter) return deps.openWriter(file, header, segments);
  if (file === null) throw new Error('the recorder has neither an output file nor a writer');
  return FileWriter.onFile(options.output, file, header);
}

/** New segments get a fresh /proc scan, so each one replays on its own (the reader skips it when joining them). */
function segmentSource(options: RecordOptions, deps: RecorderDeps, source: TracerSource): SegmentSource {
  return {
    header: (segment) => buildHeader(options, deps, deps.scan(), source.skippedPrograms, segment),
    trailer: (reason): Trailer => ({
      k: 'end',
      ts: deps.clock.bootNs(),
      clean: true,
      reason,
      counters: copyCounters(source.counters()),
    }),
  };
}

/** Tracks the scanned family, then scans again for processes forked while the first round ran. */
function seedTracking(source: TracerSource, scan: () => SnapshotProcess[]): SnapshotProcess[] {
  const seed = (processes: readonly SnapshotProcess[]) => {
    // Already tracked means the kernel saw it exec or fork and knows its flags better than /proc did.
    for (const p of processes) if (source.trackedFlags(p.pid) === 0) source.track(p.pid, p.flags);
  };
  seed(scan());
  const second = scan();
  seed(second);
  return second;
}

function layoutMismatch(addonLayout: number): SshtraceError {
  return new SshtraceError(
    `the native addon writes event layout ${addonLayout} but this sshtrace decodes layout ${EVENTS_LAYOUT_VERSION}: rebuild it with npm run build`,
    EXIT.addon,
  );
}

function buildHeader(
  options: RecordOptions,
  deps: RecorderDeps,
  snapshot: readonly SnapshotProcess[],
  skippedPrograms: readonly string[],
  segment: CaptureHeader['segment'],
): CaptureHeader {
  const host = deps.hostInfo();
  return {
    format: CAPTURE_FORMAT,
    tool: TOOL_NAME,
    toolVersion: deps.toolVersion,
    eventsLayout: EVENTS_LAYOUT_VERSION,
    hostname: host.hostname,
    kernelRelease: host.kernelRelease,
    bootId: host.bootId,
    startedAt: new Date().toISOString(),
    clock: deps.clock.now(),
    segment,
    passwd: host.passwd,
    group: host.group,
    snapshot,
    opensshVersions: deps.opensshVersions(snapshot),
    options: {
      ...tracerOptions(options, deps.selfPid, deps.batchIntervalMs),
      durationS: options.durationS,
      skippedPrograms: [...skippedPrograms],
    },
  };
}

function startLine(snapshot: readonly SnapshotProcess[], options: RecordOptions): string {
  const shown = snapshot.slice(0, 5).map((p) => `${p.pid} ${clip(p.argv.join(' ') || p.comm, 40)}`);
  if (snapshot.length > 5) shown.push(`+${snapshot.length - 5} more`);
  const what =
    snapshot.length === 0
      ? 'no sshd-family process yet (new ones are followed when they start)'
      : `${snapshot.length} sshd-family process${snapshot.length === 1 ? '' : 'es'} (${shown.join(', ')})`;
  const until = options.durationS === null ? 'Ctrl-C to stop' : `stopping after ${options.durationS} s`;
  const to =
    options.output === ''
      ? ''
      : ` to ${options.output}${options.rotation ? ` (${describeRotation(options.rotation)})` : ''}`;
  return `sshtrace: recording ${what}${to}; ${until}`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One recording after its header: the batch loop, the timers, and the way it ends. */
class Recording {
  private reason = '';
  private writeFailure: Error | null = null;
  private readonly losses: LossMonitor;
  private readonly startedNs: number;
  private events = 0;
  private finalLosses: Losses | null = null;

  constructor(
    private readonly source: TracerSource,
    private readonly writer: CaptureWriter,
    private readonly deps: RecorderDeps,
    private readonly options: RecordOptions,
    private readonly snapshot: readonly SnapshotProcess[],
  ) {
    this.losses = new LossMonitor(deps.stderr, deps.intervals?.warnMs);
    this.startedNs = deps.clock.bootNs();
  }

  async run(): Promise<RecordSummary> {
    const stopTimers = this.startTimers();
    void this.deps.stopRequested.then((reason) => this.stop(reason));
    let tracerFailure: Error | null = null;
    try {
      await this.drain();
    } catch (error) {
      if (this.writeFailure !== error) tracerFailure = error as Error;
    } finally {
      stopTimers();
    }
    if (this.writeFailure) {
      await this.writer.abandon();
      throw this.writeFailure;
    }
    await this.finish(tracerFailure);
    if (tracerFailure) throw tracerFailure;
    return this.summary();
  }

  private async drain(): Promise<void> {
    for await (const batch of this.source) {
      this.events += batch.count;
      // The last batch may be empty: it still carries the final counters.
      if (batch.events.length > 0) await this.write(() => this.writer.append({ k: 'ev', d: batch.events }));
      await this.write(() =>
        this.writer.append({ k: 'counters', ts: this.deps.clock.bootNs(), ...copyCounters(batch.counters) }),
      );
      // On disk at once: a batch already waited up to a batch interval, so a SIGKILL loses at most about that.
      if (batch.events.length > 0) await this.write(() => this.writer.flush());
      this.losses.observe(batch.counters);
    }
  }

  private async finish(tracerFailure: Error | null): Promise<void> {
    const final = this.source.counters();
    this.finalLosses = lossesOf(final);
    const counters = copyCounters(final);
    const ts = this.deps.clock.bootNs();
    if (tracerFailure) this.reason = `tracer failed: ${tracerFailure.message}`;
    else if (!this.reason) this.reason = 'the tracer ended by itself';
    await this.write(async () => {
      if (tracerFailure) await this.writer.append({ k: 'note', ts, text: this.reason });
      await this.writer.append({ k: 'counters', ts, ...counters });
      await this.writer.append({ k: 'clock', ...this.deps.clock.now() });
      await this.writer.close({ k: 'end', ts, clean: true, reason: this.reason, counters });
    });
  }

  /** Runs a writer call; a write error stops the tracer and is rethrown after the loop. */
  private async write(call: () => Promise<void>): Promise<void> {
    try {
      await call();
    } catch (error) {
      this.writeFailure ??= error as Error;
      this.stop('write error');
      throw this.writeFailure;
    }
  }

  private stop(reason: string): void {
    if (this.reason) return;
    this.reason = reason;
    this.source.stop().catch(() => undefined);
  }

  private startTimers(): () => void {
    const intervals = this.deps.intervals ?? { flushMs: 1000, clockMs: 10_000, warnMs: 10_000 };
    const flush = setInterval(() => {
      this.losses.observe(this.source.counters());
      this.write(() => this.writer.flush()).catch(() => undefined);
    }, intervals.flushMs);
    const clock = setInterval(() => {
      this.deps.clock.refresh();
      this.write(() => this.writer.append({ k: 'clock', ...this.deps.clock.now() })).catch(() => undefined);
    }, intervals.clockMs);
    const duration =
      this.options.durationS === null
        ? null
        : setTimeout(() => this.stop(`duration of ${this.options.durationS} s elapsed`), this.options.durationS * 1000);
    return () => {
      clearInterval(flush);
      clearInterval(clock);
      if (duration) clearTimeout(duration);
    };
  }

  private summary(): RecordSummary {
    return {
      reason: this.reason,
      events: this.events,
      bytes: this.writer.bytesWritten,
      frames: this.writer.framesWritten,
      seconds: (this.deps.clock.bootNs() - this.startedNs) / 1e9,
      losses: this.finalLosses ?? this.losses.totals,
      snapshot: this.snapshot,
    };
  }
}
