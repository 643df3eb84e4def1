// A TracerSource without a kernel: the test pushes batches, stop() delivers a last one and ends the
// iteration, exactly as the native contract (native/index.ts) says the real one does.
import { CAPS } from '../../capture/layout';
import type { Batch, TracerCounters, TracerSource } from '../../native/index';
import { zeroCounters } from '../../capture/counters';

export function counters(overrides: Partial<TracerCounters> = {}): TracerCounters {
  return zeroCounters(overrides, CAPS.EV_MAX);
}

export class FakeTracer implements TracerSource {
  readonly tracked = new Map<number, number>();
  readonly trackCalls: [number, number][] = [];
  current = counters();
  stopCalls = 0;
  /** The programs a kernel without their hook would skip (none by default). */
  skippedPrograms: readonly string[] = [];
  eventsLayoutVersion = 1;
  private queue: Batch[] = [];
  private waiting: ((b: IteratorResult<Batch>) => void) | null = null;
  private ended = false;
  private failure: Error | null = null;

  constructor(private readonly lastBatch: Batch | null = null) {}

  push(batch: Batch): void {
    this.current = batch.counters;
    if (this.waiting) {
      const wake = this.waiting;
      this.waiting = null;
      wake({ value: batch, done: false });
    } else {
      this.queue.push(batch);
    }
  }

  /** Makes the iteration throw, as a broken drain thread would. */
  fail(error: Error): void {
    this.failure = error;
    this.wake();
  }

  track(pid: number, flags: number): void {
    this.tracked.set(pid, flags);
    this.trackCalls.push([pid, flags]);
  }

  trackedFlags(pid: number): number {
    return this.tracked.get(pid) ?? 0;
  }

  counters(): TracerCounters {
    return this.current;
  }

  async stop(): Promise<void> {
    this.stopCalls++;
    if (this.ended) return;
    if (this.lastBatch) this.push(this.lastBatch);
    this.ended = true;
    this.wake();
  }

  [Symbol.asyncIterator](): AsyncIterator<Batch> {
    return {
      next: () => {
        if (this.queue.length > 0) return Promise.resolve({ value: this.queue.shift()!, done: false });
        if (this.failure) return Promise.reject(this.failure);
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.waiting = resolve;
        });
      },
    };
  }

  private wake(): void {
    if (!this.waiting) return;
    const wake = this.waiting;
    this.waiting = null;
    if (this.failure) wake(Promise.reject(this.failure) as never);
    else wake({ value: undefined, done: true });
  }
}
