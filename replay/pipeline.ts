// The replay pipeline as one function: frame groups → bounded reorder → the model's fold → records.
// Used by `sshtrace replay`, `watch`, `corpus check` and the tests, so they all reduce the same way.
import type { OutputRecord } from '../model/records';
import type { TraceEvent } from '../model/events';
import { initialState, step, finish, type State } from '../model';
import { Reorderer, DEFAULT_REORDER_WINDOW_NS } from '../model/reorder';
import { openCaptures, type ReadEventsOptions } from './capture-set';

export interface PipelineOptions { readonly reorderWindowNs?: number }

/** Reduces event groups into records; yields records in groups as the fold releases them. */
export async function* reduceGroups(
  groups: AsyncIterable<readonly TraceEvent[]>, options: PipelineOptions = {},
): AsyncGenerator<readonly OutputRecord[]> {
  const reorder = new Reorderer(options.reorderWindowNs ?? DEFAULT_REORDER_WINDOW_NS);
  let s: State = initialState;
  const fold = (events: readonly TraceEvent[]): OutputRecord[] => {
    const out: OutputRecord[] = [];
    for (const e of events) {
      const [next, records] = step(s, e);
      s = next;
      for (const r of records) out.push(r);
    }
    return out;
  };
  for await (const group of groups) {
    const out: OutputRecord[] = [];
    for (const e of group) for (const r of fold(reorder.push(e))) out.push(r);
    if (out.length > 0) yield out;
  }
  const tail = [...fold(reorder.drain()), ...finish(s)[1]];
  if (tail.length > 0) yield tail;
}

/** Every record of the captures named by `paths` (files or directories), in output order. */
export async function replayFiles(
  paths: readonly string[], options: PipelineOptions & ReadEventsOptions = {},
): Promise<OutputRecord[]> {
  const set = await openCaptures(paths);
  const records: OutputRecord[] = [];
  for await (const group of reduceGroups(set.batches(options), options)) records.push(...group);
  return records;
}
