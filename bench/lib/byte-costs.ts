// What each kind of content costs on disk after compression: every batch frame is re-encoded without
// one event type (or without its counters or clock entries); the stored bytes that saves is its cost.
import { KIND_BY_TYPE } from '../../capture/layout';
import { type StoredEntry, eachEvent, storedBytes } from './capture-stats';

function withoutType(entries: readonly StoredEntry[], type: number): StoredEntry[] {
  return entries.map((r) => {
    if (r.k !== 'ev' || !r.d) return r;
    const kept: Buffer[] = [];
    eachEvent(r.d, (event, t) => {
      if (t !== type) kept.push(event);
    });
    return { ...r, d: new Uint8Array(Buffer.concat(kept)) };
  });
}

/** Stored bytes saved by removing each event type, and the counters / clock entries, from every frame. */
export function marginalCosts(frames: readonly StoredEntry[][]): Record<string, number> {
  const base = storedBytes(frames);
  const costs: Record<string, number> = {};
  for (const [type, name] of Object.entries(KIND_BY_TYPE)) {
    const saved = base - storedBytes(frames.map((entries) => withoutType(entries, Number(type))));
    if (saved !== 0) costs[name] = saved;
  }
  for (const k of ['counters', 'clock']) {
    costs[`(${k} entries)`] = base - storedBytes(frames.map((entries) => entries.filter((r) => r.k !== k)));
  }
  return costs;
}
