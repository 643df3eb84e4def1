// Events reach the ring buffer in reservation order, which can differ slightly from timestamp order across
// CPUs. This stage restores time order within a bounded window: an event is released once an event at least
// `windowNs` later has been read. Ties keep arrival order, so the result is deterministic.
import type { TraceEvent } from '../capture/events';

export const DEFAULT_REORDER_WINDOW_NS = 50_000_000;

const COMPACT_AT = 4096;

/** A time-sorted buffer. Almost every event arrives in order and is appended; a late one is inserted after
 *  every buffered event with the same or an earlier time (a binary search), which keeps ties in arrival
 *  order without a sequence number. Released events leave from the front. */
export class Reorderer {
  private buf: TraceEvent[] = [];
  private head = 0;
  private maxTs = -Infinity;
  constructor(private readonly windowNs: number = DEFAULT_REORDER_WINDOW_NS) {}

  /** Takes one event; appends the events it releases to `out` (returned). capture_end drains first. */
  push(e: TraceEvent, out: TraceEvent[] = []): TraceEvent[] {
    if (e.kind === 'capture_end') {
      this.drain(out);
      out.push(e);
      return out;
    }
    this.insert(e);
    if (e.ts > this.maxTs) this.maxTs = e.ts;
    const limit = this.maxTs - this.windowNs;
    const buf = this.buf;
    while (this.head < buf.length && buf[this.head]!.ts <= limit) out.push(buf[this.head++]!);
    if (this.head >= COMPACT_AT && this.head * 2 >= buf.length) {
      this.buf = buf.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  drain(out: TraceEvent[] = []): TraceEvent[] {
    for (let i = this.head; i < this.buf.length; i++) out.push(this.buf[i]!);
    this.buf = [];
    this.head = 0;
    this.maxTs = -Infinity;
    return out;
  }

  private insert(e: TraceEvent): void {
    const buf = this.buf;
    if (buf.length === this.head || buf[buf.length - 1]!.ts <= e.ts) {
      buf.push(e);
      return;
    }
    let lo = this.head;
    let hi = buf.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (buf[mid]!.ts <= e.ts) lo = mid + 1;
      else hi = mid;
    }
    buf.splice(lo, 0, e);
  }
}

export function* reorder(events: Iterable<TraceEvent>, windowNs?: number): Generator<TraceEvent> {
  const r = new Reorderer(windowNs);
  for (const e of events) yield* r.push(e);
  yield* r.drain();
}
