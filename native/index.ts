// Typed wrapper around the native addon (native/build/Release/sshtrace.node).
// Only the recorder imports this file; replay never does, so a laptop needs no addon.
// The addon is loaded on the first start(), never at import time.
import { loadAddon, type NativeAddon, type NativeHandle } from './addon-loader';
import { BatchQueue } from './batch-queue';
import { asTracerError } from './tracer-error';
import { validateOptions } from './tracer-options';
import type { CounterFields as TracerCounters } from '../replay/capture-types';

export { TracerError, type TracerStep } from './tracer-error';

export interface TracerOptions {
  /** Basenames whose exec roots a tracked family (at most 4, each at most 15 bytes). */
  readonly familyNames: readonly string[];
  /** The recorder's own tgid: never tracked, nor its descendants. */
  readonly selfTgid: number;
  /** Bytes of filename + argv kept per exec (<= 8192). */
  readonly argvCap: number;
  /** Ring buffer size in bytes (a power of two, >= 4096 * page size rules of libbpf). */
  readonly ringBufferBytes: number;
  /** Also hook sys_enter_write for login-record files and the pre-auth log pipe (costs every write()). */
  readonly fileWrites: boolean;
  /** Read sends at the exit of write/writev/sendto/sendmsg even where sock:sock_send_length exists (the
   *  substitute that loads by itself where it does not; every write() on the machine then pays a lookup). */
  readonly syscallSends?: boolean;
  /** Deliver a batch once this many record bytes are pending... */
  readonly batchBytes: number;
  /** ...or this long after the first pending record, whichever comes first. */
  readonly batchIntervalMs: number;
  /** Batches that may wait for JavaScript before further batches are counted as dropped. */
  readonly maxQueuedBatches: number;
  /**
   * While those batches wait, records pile up natively up to this many bytes (default 64 MiB, at least
   * batchBytes); past it the pile is dropped and counted in userDroppedRecords / userDroppedBatches.
   */
  readonly maxPendingBytes?: number;
}

/** Cumulative counters: the kernel's per-CPU counters summed, plus user-space losses. Stored as they are
 *  in every capture's counters records, so the type is the capture format's (type-only: replay never loads
 *  this addon). */
export type { CounterFields as TracerCounters } from '../replay/capture-types';

export interface Batch {
  /** Raw records back to back, each starting with struct event_header whose `size` is its length. */
  readonly records: Buffer;
  readonly count: number;
  /** Counters read just after this batch was cut. */
  readonly counters: TracerCounters;
}

export interface TracerSource extends AsyncIterable<Batch> {
  /** Marks a pid as tracked with TRACK_* flags (bpf/events.h); used to seed from /proc. */
  track(pid: number, flags: number): void;
  /** TRACK_* flags of a pid, 0 if untracked. */
  trackedFlags(pid: number): number;
  /** Current counters (any time, any thread-safe snapshot). */
  counters(): TracerCounters;
  /** Detaches, drains what is left, delivers the last batch, ends the iteration. */
  stop(): Promise<void>;
  /** kfix_ programs left unloaded because this kernel lacks their hook (for the log header). */
  readonly skippedPrograms: readonly string[];
  /** EVENTS_LAYOUT_VERSION the addon and its BPF object were built with. */
  readonly eventsLayoutVersion: number;
}

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

  constructor(private readonly addon: NativeAddon, options: TracerOptions) {
    this.queue = new BatchQueue(() => this.handle && addon.ack(this.handle), () => this.stop());
    try {
      const started = addon.start(options, (records, count, counters, final, error) =>
        this.queue.push({ records, count, counters }, final, error));
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

/** Checks options, loads the addon, runs preflight checks, loads and attaches the BPF programs. */
export function start(options: TracerOptions): TracerSource {
  validateOptions(options);
  return new NativeTracerSource(loadAddon(), options);
}
