// The types of the native tracer's TypeScript face (index.ts), apart so its helpers can use them without a cycle.
import type { CounterFields } from '../capture/format';

export interface TracerOptions {
  /** Basenames whose exec roots a tracked family (at most CAPS.FAMILY_NAMES, each under CAPS.FAMILY_NAME_LEN bytes). */
  readonly familyNames: readonly string[];
  /** The recorder's own tgid: never tracked, nor its descendants. */
  readonly selfTgid: number;
  /** Bytes of filename + argv kept per exec (<= CAPS.ARGV_CAP_MAX). */
  readonly argvCap: number;
  /** Ring buffer size in bytes (a power of two, >= 4096 * page size rules of libbpf). */
  readonly ringBufferBytes: number;
  /** Also hook sys_enter_write for login-record files and the pre-auth log pipe (costs every write()). */
  readonly fileWrites: boolean;
  /** Read sends at the exit of write/writev/sendto/sendmsg even where sock:sock_send_length exists (the
   *  substitute that loads by itself where it does not; every write() on the machine then pays a lookup). */
  readonly syscallSends?: boolean;
  /** Deliver a batch once this many event bytes are pending... */
  readonly batchBytes: number;
  /** ...or this long after the first pending event, whichever comes first. */
  readonly batchIntervalMs: number;
  /** Batches that may wait for JavaScript before further batches are counted as dropped. */
  readonly maxQueuedBatches: number;
  /**
   * While those batches wait, events pile up natively up to this many bytes (default 64 MiB, at least
   * batchBytes); past it the pile is dropped and counted in userDroppedRecords / userDroppedBatches.
   */
  readonly maxPendingBytes?: number;
}

/** Cumulative counters: the kernel's per-CPU counters summed, plus user-space losses. Stored as they are
 *  in every capture's counters entries, so the type is the capture format's (type-only: replay never loads
 *  this addon). */
export type TracerCounters = CounterFields;

export interface Batch {
  /** Raw kernel events back to back, each starting with struct event_header whose `size` is its length. */
  readonly events: Buffer;
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
  /** kfix_ programs left unloaded because this kernel lacks their hook (for the capture header). */
  readonly skippedPrograms: readonly string[];
  /** EVENTS_LAYOUT_VERSION the addon and its BPF object were built with. */
  readonly eventsLayoutVersion: number;
}
