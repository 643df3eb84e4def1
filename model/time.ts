// Boot-clock nanoseconds → ISO-8601 UTC with microseconds, using the capture's own clock records.
import type { State } from './state';

export function isoTime(state: State, ts: number): string {
  const wallNs = ts + (state.clockOffsetNs ?? 0);
  const micros = Math.floor(wallNs / 1000);
  const ms = Math.floor(micros / 1000);
  const base = new Date(ms).toISOString(); // "2026-11-28T11:33:54.123Z"
  const fraction = String(micros - ms * 1000).padStart(3, '0');
  return `${base.slice(0, -1)}${fraction}Z`;
}

export function durationMs(startTs: number, endTs: number): number {
  return Math.round((endTs - startTs) / 1000) / 1000; // microsecond precision, in milliseconds
}
