// `watch`: what the recorder writes (header, batch entries, trailer), as it is written, turned into the events a replay of the capture
// would read (same decoder, same order), for a reducer running at the same time. A CaptureWriter tee feeds it,
// so what watch reduces and what --output keeps are the same frames.
import type { CountersEvent, TraceEvent } from '../capture/events';
import type { BatchEntry, CaptureHeader, Trailer } from '../capture/format';
import { newDecodeStats } from '../capture/decode-events';
import { entryEvents, headerEvents, trailerEvent } from '../capture/batch-events';
import type { CaptureWriter } from './capture-writer';

/** `watch` asks the drain thread for a batch every 250 ms (`record` waits a second: fewer wake-ups). */
export const WATCH_BATCH_INTERVAL_MS = 250;

/**
 * After this long without an entry, events still held back for reordering (and records the model holds until the
 * next counters) are released by a repeat of the last counters dated just past the window. Any event not yet
 * delivered is younger than the quiet spell, as the tracer hands over a batch within WATCH_BATCH_INTERVAL_MS of
 * its first event and the spell is longer than that plus the reorder window.
 */
const IDLE_RELEASE_MS = 2 * WATCH_BATCH_INTERVAL_MS;

export class LiveFeed {
  private readonly stats = newDecodeStats();
  private readonly queued: TraceEvent[][] = [];
  private wake: (() => void) | null = null;
  private ended = false;
  private lastTs = 0;
  private lastCounters: CountersEvent | null = null;
  private idle: NodeJS.Timeout | null = null;

  /** `windowNs`: the reorder window of the pipeline this feeds (a repeat of the counters must pass it). */
  constructor(
    private readonly windowNs: number,
    private readonly idleMs = IDLE_RELEASE_MS,
  ) {}

  header(h: CaptureHeader): void {
    this.push(headerEvents(h));
  }

  entry(r: BatchEntry): void {
    const events = entryEvents(r, this.stats, this.lastTs);
    for (const e of events) {
      if (e.ts > this.lastTs) this.lastTs = e.ts;
      if (e.kind === 'counters') this.lastCounters = e;
    }
    this.push(events);
    this.armIdle();
  }

  trailer(t: Trailer): void {
    this.push([trailerEvent(t)]);
    this.end();
  }

  /** No more events (the recording ended, or failed). */
  end(): void {
    if (this.idle) clearTimeout(this.idle);
    this.ended = true;
    this.wake?.();
  }

  async *groups(): AsyncGenerator<TraceEvent[]> {
    for (;;) {
      const group = this.queued.shift();
      if (group) {
        yield group;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
  }

  private push(events: TraceEvent[]): void {
    if (this.ended || events.length === 0) return;
    this.queued.push(events);
    this.wake?.();
  }

  private armIdle(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      this.idle = null;
      if (this.lastCounters) this.push([{ ...this.lastCounters, ts: this.lastTs + this.windowNs + 1 }]);
    }, this.idleMs);
    this.idle.unref();
  }
}

/** Writes through to `inner` (the --output capture, if any) and feeds every entry to the live reducer. */
export class TeeWriter implements CaptureWriter {
  constructor(
    private readonly inner: CaptureWriter | null,
    private readonly feed: LiveFeed,
    header: CaptureHeader,
  ) {
    feed.header(header);
  }

  get bytesWritten(): number {
    return this.inner?.bytesWritten ?? 0;
  }
  get framesWritten(): number {
    return this.inner?.framesWritten ?? 0;
  }

  async append(entry: BatchEntry): Promise<void> {
    this.feed.entry(entry);
    await this.inner?.append(entry);
  }

  async flush(): Promise<void> {
    await this.inner?.flush();
  }

  async close(trailer: Trailer): Promise<void> {
    this.feed.trailer(trailer);
    await this.inner?.close(trailer);
  }

  async abandon(): Promise<void> {
    this.feed.end();
    await this.inner?.abandon();
  }
}
