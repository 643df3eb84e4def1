// CLOCK_BOOTTIME and CLOCK_REALTIME from Node, which only exposes CLOCK_MONOTONIC (process.hrtime)
// and millisecond wall time. Both are offsets from monotonic time, found at the instant a coarse
// clock ticks over: /proc/uptime (boottime, printed in 10 ms steps, truncated) and Date.now() (1 ms
// steps). Reading them in a tight loop brackets the tick between two monotonic readings, so each
// offset is known to the width of that bracket (measured: see `precisionNs`). Boottime only leaves
// monotonic time on suspend, so `refresh()` re-checks it cheaply and recalibrates when it moved.
import { readFileSync } from 'node:fs';
import type { ClockPair } from '../capture/format';

const monotonicNs = (): number => Number(process.hrtime.bigint());

export interface Calibration {
  readonly offsetNs: number; // clock = monotonic + offset
  readonly precisionNs: number; // half the width of the bracket around the tick
}

/** Finds when `read()` ticks over (it counts `unitNs` steps, truncated) in monotonic time. A busy machine
 *  can preempt the reads: the narrowest bracket seen by the deadline is kept rather than failing. */
export function calibrate(read: () => number, unitNs: number, timeoutNs: number): Calibration {
  const deadline = monotonicNs() + timeoutNs;
  let best: Calibration | null = null;
  let before = monotonicNs();
  let value = read();
  for (;;) {
    const nextBefore = monotonicNs();
    const next = read();
    const nextAfter = monotonicNs();
    // The tick fell after the previous read began and before this one ended; a skipped tick proves nothing.
    if (next === value + 1) {
      const found = { offsetNs: next * unitNs - (before + nextAfter) / 2, precisionNs: (nextAfter - before) / 2 };
      if (best === null || found.precisionNs < best.precisionNs) best = found;
      if (found.precisionNs < unitNs / 8) return found;
    }
    if (nextAfter > deadline) {
      if (best !== null) return best;
      throw new Error(`clock calibration: the clock did not tick within ${timeoutNs / 1e6} ms`);
    }
    before = nextBefore;
    value = next;
  }
}

export function readUptimeCentiseconds(path = '/proc/uptime'): number {
  const text = readFileSync(path, 'latin1');
  const [seconds, fraction] = text.slice(0, text.indexOf(' ')).split('.');
  return Number(seconds) * 100 + Number((fraction ?? '0').padEnd(2, '0').slice(0, 2));
}

export class BootClock {
  private boot: Calibration;
  private real: Calibration;

  constructor(private readonly readUptime: () => number = () => readUptimeCentiseconds()) {
    this.boot = calibrate(this.readUptime, 10_000_000, 500_000_000);
    this.real = calibrate(Date.now, 1_000_000, 100_000_000);
  }

  /** ns since boot, CLOCK_BOOTTIME: the clock of bpf_ktime_get_boot_ns(). */
  bootNs(): number {
    return Math.round(monotonicNs() + this.boot.offsetNs);
  }

  /** One reading of both clocks at the same instant. */
  now(): ClockPair {
    const mono = monotonicNs();
    return { ts: Math.round(mono + this.boot.offsetNs), realtimeNs: Math.round(mono + this.real.offsetNs) };
  }

  /** Worst-case error of ts and realtimeNs, in ns. */
  get precisionNs(): { boot: number; real: number } {
    return { boot: this.boot.precisionNs, real: this.real.precisionNs };
  }

  /** Re-reads wall time (NTP steps) and recalibrates boottime if the machine was suspended. */
  refresh(): void {
    this.real = calibrate(Date.now, 1_000_000, 100_000_000);
    const expected = this.bootNs();
    const uptimeNs = this.readUptime() * 10_000_000;
    // /proc/uptime truncates to 10 ms: an honest reading is within [expected - 10 ms, expected].
    if (uptimeNs > expected + 1_000_000 || uptimeNs < expected - 11_000_000) {
      this.boot = calibrate(this.readUptime, 10_000_000, 500_000_000);
    }
  }
}
