// What each kind of content costs on disk after compression: every batch frame is re-encoded without
// one event type (or without its counters or clock records); the stored bytes that saves is its cost.
import { KIND_BY_TYPE } from '../../capture/layout';
import { type BatchRec, eachRecord, storedBytes } from './capture-stats';

function withoutType(records: readonly BatchRec[], type: number): BatchRec[] {
  return records.map((r) => {
    if (r.k !== 'ev' || !r.d) return r;
    const kept: Buffer[] = [];
    eachRecord(r.d, (record, t) => { if (t !== type) kept.push(record); });
    return { ...r, d: new Uint8Array(Buffer.concat(kept)) };
  });
}

/** Stored bytes saved by removing each event type, and the counters / clock records, from every frame. */
export function marginalCosts(frames: readonly BatchRec[][]): Record<string, number> {
  const base = storedBytes(frames);
  const costs: Record<string, number> = {};
  for (const [type, name] of Object.entries(KIND_BY_TYPE)) {
    const saved = base - storedBytes(frames.map((records) => withoutType(records, Number(type))));
    if (saved !== 0) costs[name] = saved;
  }
  for (const k of ['counters', 'clock']) {
    costs[`(${k} records)`] = base - storedBytes(frames.map((records) => records.filter((r) => r.k !== k)));
  }
  return costs;
}
