// The async-iterator side of a TracerSource: batches from the drain thread wait here for the consumer.
import type { Batch } from './types';

type Waiter = { resolve(result: IteratorResult<Batch>): void; reject(error: unknown): void };

export class BatchQueue implements AsyncIterator<Batch> {
  private readonly ready: Batch[] = [];
  private readonly waiters: Waiter[] = [];
  private ended = false;
  private failure: Error | undefined;

  /**
   * @param onTaken the consumer took a batch (the native side may then send one more)
   * @param onReturn the consumer left the loop early (stops the tracer)
   */
  constructor(
    private readonly onTaken: () => void,
    private readonly onReturn: () => Promise<void>,
  ) {}

  /** From the addon's callback. The final batch ends the iteration; `error` makes the next read throw. */
  push(batch: Batch, final: boolean, error: string | undefined): void {
    if (this.ended) return;
    this.hand(batch);
    if (error !== undefined) this.failure = new Error(`sshtrace: recording stopped: ${error}`);
    if (final) this.end();
  }

  next(): Promise<IteratorResult<Batch>> {
    const batch = this.ready.shift();
    if (batch) {
      this.onTaken();
      return Promise.resolve({ value: batch, done: false });
    }
    if (this.ended) return this.settleEnded();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  async return(): Promise<IteratorResult<Batch>> {
    await this.onReturn();
    this.ready.length = 0;
    this.end();
    return { value: undefined, done: true };
  }

  private hand(batch: Batch): void {
    const waiter = this.waiters.shift();
    if (!waiter) {
      this.ready.push(batch);
      return;
    }
    this.onTaken();
    waiter.resolve({ value: batch, done: false });
  }

  private end(): void {
    this.ended = true;
    for (const waiter of this.waiters.splice(0)) {
      this.settleEnded().then(waiter.resolve, waiter.reject);
    }
  }

  // The failure is reported once, then the iteration is simply over.
  private settleEnded(): Promise<IteratorResult<Batch>> {
    const failure = this.failure;
    this.failure = undefined;
    return failure ? Promise.reject(failure) : Promise.resolve({ value: undefined, done: true });
  }
}
