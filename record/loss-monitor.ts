// Watches the tracer's cumulative counters for losses and says so on stderr, at most once per
// interval (the capture's counters records hold the exact numbers).
import type { TracerCounters } from '../native/index';

export interface Losses {
  readonly ringBuffer: number;     // kernel: ring buffer full
  readonly userQueue: number;      // user space: batch queue full
  readonly trackFailed: number;    // pids beyond the tracked map
  readonly malformed: number;      // samples whose size did not match their header
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

export function lossesOf(c: TracerCounters): Losses {
  return { ringBuffer: sum(c.dropped), userQueue: c.userDroppedRecords, trackFailed: c.trackFailed, malformed: c.malformed };
}

export function describeLosses(l: Losses): string {
  const parts: string[] = [];
  if (l.ringBuffer) parts.push(`${l.ringBuffer} records dropped in the kernel (ring buffer full: raise --ring-buffer-size)`);
  if (l.userQueue) parts.push(`${l.userQueue} records dropped in user space (the recorder fell behind)`);
  if (l.trackFailed) parts.push(`${l.trackFailed} processes could not be tracked (tracked map full)`);
  if (l.malformed) parts.push(`${l.malformed} malformed ring-buffer samples`);
  return parts.length ? parts.join('; ') : 'no losses';
}

const total = (l: Losses) => l.ringBuffer + l.userQueue + l.trackFailed + l.malformed;
const minus = (a: Losses, b: Losses): Losses => ({
  ringBuffer: a.ringBuffer - b.ringBuffer, userQueue: a.userQueue - b.userQueue,
  trackFailed: a.trackFailed - b.trackFailed, malformed: a.malformed - b.malformed,
});

export class LossMonitor {
  private reported: Losses = { ringBuffer: 0, userQueue: 0, trackFailed: 0, malformed: 0 };
  private latest: Losses = this.reported;
  private lastWarningAt = -Infinity;

  constructor(
    private readonly warn: (line: string) => void,
    private readonly intervalMs = 10_000,
    private readonly nowMs: () => number = () => Date.now(),
  ) {}

  /** Feeds cumulative counters; warns about the losses since the last warning when one is due. */
  observe(counters: TracerCounters): void {
    this.latest = lossesOf(counters);
    const fresh = minus(this.latest, this.reported);
    if (total(fresh) <= 0 || this.nowMs() - this.lastWarningAt < this.intervalMs) return;
    this.warn(`sshtrace: warning: ${describeLosses(fresh)}`);
    this.reported = this.latest;
    this.lastWarningAt = this.nowMs();
  }

  /** Everything lost since recording began. */
  get totals(): Losses {
    return this.latest;
  }
}
