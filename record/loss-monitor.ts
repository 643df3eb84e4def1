// Watches the tracer's cumulative counters for losses and says so on stderr, at most once per
// interval (the capture's counters entries hold the exact numbers). Which counters warn: capture/counters.ts.
import { COUNTER_NAMES, COUNTERS, type CounterFields, type CounterName, zeroCounters } from '../capture/counters';

/** Events dropped because the ring buffer was full, plus every counter that warns while recording. */
export type Losses = { readonly ringBuffer: number } & { readonly [K in CounterName]?: number };

const WARNING_COUNTERS = COUNTER_NAMES.filter((name) => COUNTERS[name].warnsWhileRecording);

/** What to do about each loss, as the recorder words it. */
const ADVICE: Partial<Record<keyof Losses, (n: number) => string>> = {
  ringBuffer: (n) => `${n} records dropped in the kernel (ring buffer full: raise --ring-buffer-size)`,
  userDroppedRecords: (n) => `${n} records dropped in user space (the recorder fell behind)`,
  trackFailed: (n) => `${n} processes could not be tracked (tracked map full)`,
  malformed: (n) => `${n} malformed ring-buffer samples`,
};

const ADVICE_ORDER = [...Object.keys(ADVICE), ...WARNING_COUNTERS.filter((n) => !(n in ADVICE))] as (keyof Losses)[];

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const NONE: Losses = lossesOf(zeroCounters());

/** In the order the advice is given. */
export function lossesOf(c: CounterFields): Losses {
  const losses: Record<string, number> = { ringBuffer: sum(c.dropped) };
  for (const name of ADVICE_ORDER) if (name !== 'ringBuffer') losses[name] = c[name];
  return losses as Losses;
}

function entries(l: Losses): [keyof Losses, number][] {
  return Object.entries(l).map(([k, v]) => [k as keyof Losses, v ?? 0]);
}

export function describeLosses(l: Losses): string {
  const parts = entries(l)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => ADVICE[k]?.(n) ?? `${n} ${COUNTERS[k as CounterName].meaning}`);
  return parts.length ? parts.join('; ') : 'no losses';
}

const total = (l: Losses) => sum(entries(l).map(([, n]) => n));
const minus = (a: Losses, b: Losses): Losses => {
  const fresh: Record<string, number> = { ringBuffer: a.ringBuffer - b.ringBuffer };
  for (const [k, n] of entries(a)) fresh[k] = n - (b[k] ?? 0);
  return fresh as Losses;
};

export class LossMonitor {
  private reported: Losses = NONE;
  private latest: Losses = this.reported;
  private lastWarningAt = -Infinity;

  constructor(
    private readonly warn: (line: string) => void,
    private readonly intervalMs = 10_000,
    private readonly nowMs: () => number = () => Date.now(),
  ) {}

  /** Feeds cumulative counters; warns about the losses since the last warning when one is due. */
  observe(counters: CounterFields): void {
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
