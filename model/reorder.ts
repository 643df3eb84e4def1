// Events reach the ring buffer in reservation order, which can differ slightly from timestamp order across
// CPUs. This stage restores time order within a bounded window: an event is released once an event at least
// `windowNs` later has been read. Ties keep arrival order, so the result is deterministic.
import type { TraceEvent } from './events';

export const DEFAULT_REORDER_WINDOW_NS = 50_000_000;

interface Entry { readonly e: TraceEvent; readonly seq: number }

/** A binary min-heap on (ts, seq). */
class Heap {
  private readonly a: Entry[] = [];
  get size(): number { return this.a.length; }
  peek(): Entry | undefined { return this.a[0]; }
  push(x: Entry): void {
    const a = this.a;
    a.push(x);
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): Entry | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < a.length && less(a[l]!, a[m]!)) m = l;
        if (r < a.length && less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

function less(x: Entry, y: Entry): boolean {
  return x.e.ts < y.e.ts || (x.e.ts === y.e.ts && x.seq < y.seq);
}

/** Stateful core shared by the sync and async forms. capture_end drains everything before it. */
export class Reorderer {
  private readonly heap = new Heap();
  private seq = 0;
  private maxTs = -Infinity;
  constructor(private readonly windowNs: number = DEFAULT_REORDER_WINDOW_NS) {}

  push(e: TraceEvent): TraceEvent[] {
    if (e.kind === 'capture_end') return [...this.drain(), e];
    this.heap.push({ e, seq: this.seq++ });
    if (e.ts > this.maxTs) this.maxTs = e.ts;
    const out: TraceEvent[] = [];
    while (this.heap.size > 0 && this.heap.peek()!.e.ts <= this.maxTs - this.windowNs) out.push(this.heap.pop()!.e);
    return out;
  }

  drain(): TraceEvent[] {
    const out: TraceEvent[] = [];
    while (this.heap.size > 0) out.push(this.heap.pop()!.e);
    this.maxTs = -Infinity;
    return out;
  }
}

export function* reorder(events: Iterable<TraceEvent>, windowNs?: number): Generator<TraceEvent> {
  const r = new Reorderer(windowNs);
  for (const e of events) yield* r.push(e);
  yield* r.drain();
}

export async function* reorderAsync(events: AsyncIterable<TraceEvent>, windowNs?: number): AsyncGenerator<TraceEvent> {
  const r = new Reorderer(windowNs);
  for await (const e of events) yield* r.push(e);
  yield* r.drain();
}
