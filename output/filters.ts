// Record filters for `sshtrace replay`: --type, --user, --since/--until. Pure predicates over records.
import type { OutputRecord } from '../model/records';

export type RecordType = OutputRecord['type'];
export const RECORD_TYPES: readonly RecordType[] = ['auth', 'session', 'connection', 'anomaly', 'session_start'];

export interface RecordFilter {
  readonly types: ReadonlySet<RecordType> | null; // null: the default set (everything but session_start)
  readonly user: string | null;
  readonly sinceMs: number | null;
  readonly untilMs: number | null;
}

/** --type's value ("auth,session" or repeated) → record types; an unknown one is a usage error. */
export function parseTypes(value: string | string[]): RecordType[] {
  const types = [value]
    .flat()
    .flatMap((v) => v.split(','))
    .map((t) => t.trim())
    .filter(Boolean);
  const unknown = types.filter((t) => !(RECORD_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0)
    throw new Error(`unknown record type ${unknown.join(', ')} for --type; known: ${RECORD_TYPES.join(', ')}`);
  return types as RecordType[];
}

const DEFAULT_TYPES: ReadonlySet<RecordType> = new Set(['auth', 'session', 'connection', 'anomaly']);

/** The record's own time: when an attempt was decided, when a session or connection started. */
function recordTime(r: OutputRecord): string | null {
  switch (r.type) {
    case 'auth':
      return r.time;
    case 'session':
    case 'connection':
    case 'session_start':
      return r.start;
    case 'anomaly':
      return r.time;
  }
}

function recordUser(r: OutputRecord): string | null {
  switch (r.type) {
    case 'auth':
    case 'session':
    case 'session_start':
      return r.user;
    case 'connection':
      return r.user;
    case 'anomaly':
      return null;
  }
}

export function matches(f: RecordFilter, r: OutputRecord): boolean {
  if (!(f.types ?? DEFAULT_TYPES).has(r.type)) return false;
  if (f.user !== null && recordUser(r) !== f.user) return false;
  if (f.sinceMs === null && f.untilMs === null) return true;
  const t = recordTime(r);
  if (t === null) return true;
  const ms = Date.parse(t);
  if (f.sinceMs !== null && ms < f.sinceMs) return false;
  return f.untilMs === null || ms <= f.untilMs;
}

/** "2026-11-28T10:00:00Z", "2026-11-28 10:00", or a date: parsed as UTC unless a zone is given. */
export function parseTimeBound(text: string, flag: string): number {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? `${text}T00:00:00Z`
    : /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)
      ? `${text.replace(' ', 'T')}Z`
      : text;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    throw new Error(`${flag} ${JSON.stringify(text)} is not a time: use ISO-8601, e.g. 2026-11-28T10:00:00Z`);
  }
  return ms;
}
