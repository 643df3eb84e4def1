// What the OCSF and ECS mappings need beyond a record: the host the capture came from and this tool's
// version, plus the small conversions both share.
import type { Endpoint } from '../model/records';

export interface SiemContext {
  /** The recorded machine (the capture header's hostname); null when no header was readable. */
  readonly hostname: string | null;
  readonly toolVersion: string;
}

/** "2026-11-28T12:20:07.748329Z" → epoch milliseconds (the µs part is cut, as OCSF's timestamp_t wants). */
export function epochMs(iso: string): number {
  return Math.floor(Date.parse(iso));
}

/** Microseconds since the epoch, keeping the µs digits Date.parse drops. */
function epochMicros(iso: string): number {
  const fraction = /\.(\d+)Z$/.exec(iso)?.[1] ?? '';
  const whole = Date.parse(iso.replace(/\.\d+Z$/, 'Z'));
  return whole * 1000 + Number(fraction.padEnd(6, '0').slice(0, 6));
}

/** Milliseconds between two ISO times (rounded), never negative. */
export function spanMs(start: string, end: string): number {
  return Math.max(0, Math.round((epochMicros(end) - epochMicros(start)) / 1000));
}

/** Nanoseconds between two ISO times (µs precision), never negative: ECS's event.duration. */
export function spanNs(start: string, end: string): number {
  return Math.max(0, epochMicros(end) - epochMicros(start)) * 1000;
}

export function basename(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut < 0 ? path : path.slice(cut + 1);
}

/** "alice from 192.0.2.1 port 52311", the way sshd's own log lines name a client. */
export function fromText(source: Endpoint | null): string {
  return source === null ? 'from an unknown address' : `from ${source.ip} port ${source.port}`;
}

/** Drops keys whose value is null or undefined, so documents carry only what is known. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== null && v !== undefined) out[key] = v;
  return out as T;
}
