// Boot-clock nanoseconds → ISO-8601 UTC with microseconds, using the capture's own clock pairs.
import type { State } from './state';

// Memo of the last whole second formatted: records come in time order, so most share it (pure: same in, same out).
let memoSecond = NaN;
let memoPrefix = '';

function secondPrefix(second: number): string {
  if (second !== memoSecond) {
    memoSecond = second;
    memoPrefix = new Date(second * 1000).toISOString().slice(0, 19); // "2026-11-28T11:33:54"
  }
  return memoPrefix;
}

export function isoTime(state: State, ts: number): string {
  const micros = Math.floor((ts + (state.clockOffsetNs ?? 0)) / 1000);
  const second = Math.floor(micros / 1_000_000);
  return `${secondPrefix(second)}.${String(micros - second * 1_000_000).padStart(6, '0')}Z`;
}

export function durationMs(startTs: number, endTs: number): number {
  return Math.round((endTs - startTs) / 1000) / 1000; // microsecond precision, in milliseconds
}
