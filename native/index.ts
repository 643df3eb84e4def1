// Typed wrapper around the native addon (native/build/Release/sshtrace.node).
// Only the recorder imports this file; replay never does, so a laptop needs no addon.
// The addon is loaded on the first start(), never at import time.
import { loadAddon, type NativeAddon, type NativeHandle } from './addon-loader';
import { BatchQueue } from './batch-queue';
import { asTracerError } from './tracer-error';
import type { Batch, TracerCounters, TracerOptions, TracerSource } from './types';

export { TracerError, type TracerStep } from './tracer-error';
export type { Batch, TracerCounters, TracerOptions, TracerSource } from './types';

/**
 * One recording. Batches are the drain thread's, in ring-buffer order; the last one (possibly empty) carries
 * the final counters and arrives before stop() resolves. Breaking out of `for await` stops the tracer.
 * While it runs, the tracer keeps the process alive, like a listening socket: call stop() to let it exit.
 */
class NativeTracerSource implements TracerSource {
  private readonly queue: BatchQueue;
  private handle: NativeHandle | undefined;
  private stopping: Promise<void> | undefined;
  readonly skippedPrograms: readonly string[];
  readonly eventsLayoutVersion: number;

  constructor(
    private readonly addon: NativeAddon,
    options: TracerOptions,
  ) {
    this.queue = new BatchQueue(
      () => this.handle && addon.ack(this.handle),
      () => this.stop(),
    );
    try {
      const started = addon.start(options, (events, count, counters, final, error) =>
        this.queue.push({ events, count, counters }, final, error),
      );
      this.handle = started.handle;
      this.skippedPrograms = Object.freeze([...started.skippedPrograms]);
    } catch (error) {
      throw asTracerError(error);
    }
    this.eventsLayoutVersion = addon.eventsLayoutVersion;
  }

  [Symbol.asyncIterator](): AsyncIterator<Batch> {
    return this.queue;
  }

  track(pid: number, flags: number): void {
    this.addon.track(this.started(), pid, flags);
  }

  trackedFlags(pid: number): number {
    return this.addon.trackedFlags(this.started(), pid);
  }

  counters(): TracerCounters {
    return this.addon.counters(this.started());
  }

  stop(): Promise<void> {
    this.stopping ??= this.addon.stop(this.started());
    return this.stopping;
  }

  private started(): NativeHandle {
    if (!this.handle) throw new Error('sshtrace: the tracer did not start');
    return this.handle;
  }
}

/** Loads the addon, runs preflight checks, loads and attaches the BPF programs. The options are the record layer's
 *  (record/record-options.ts checks them); the addon only guards their types and ranges at its boundary. */
export function start(options: TracerOptions): TracerSource {
  return new NativeTracerSource(loadAddon(), options);
}
