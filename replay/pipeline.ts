// The replay pipeline as one function: frame groups → bounded reorder → the model's fold → records.
// Used by `sshtrace replay`, `watch`, `corpus check` and the tests, so they all reduce the same way.
import type { OutputRecord } from '../model/records';
import type { TraceEvent } from '../capture/events';
import { initialState, step, finish, IGNORED_KINDS, type State } from '../model';
import { Reorderer, DEFAULT_REORDER_WINDOW_NS } from './reorder';
import { openCaptures, type ReadEventsOptions } from './capture-set';

export interface PipelineOptions {
  readonly reorderWindowNs?: number;
}

/** Reduces event groups into records; yields records in groups as the fold releases them. */
export async function* reduceGroups(
  groups: AsyncIterable<readonly TraceEvent[]>,
  options: PipelineOptions = {},
): AsyncGenerator<readonly OutputRecord[]> {
  const reorder = new Reorderer(options.reorderWindowNs ?? DEFAULT_REORDER_WINDOW_NS);
  let s: State = initialState;
  // One output array per group, filled in place: per-event arrays cost ~5% of replay CPU (docs/performance.md).
  const fold = (events: readonly TraceEvent[], out: OutputRecord[]): OutputRecord[] => {
    for (let i = 0; i < events.length; i++) {
      const [next, records] = step(s, events[i]!);
      s = next;
      for (let j = 0; j < records.length; j++) out.push(records[j]!);
    }
    return out;
  };
  for await (const group of groups) {
    const out: OutputRecord[] = [];
    for (let i = 0; i < group.length; i++) fold(reorder.push(group[i]!), out);
    if (out.length > 0) yield out;
  }
  const tail = fold(reorder.drain(), []);
  for (const r of finish(s)[1]) tail.push(r);
  if (tail.length > 0) yield tail;
}

/** Every record of the captures named by `paths` (files or directories), in output order. */
export async function replayFiles(
  paths: readonly string[],
  options: PipelineOptions & ReadEventsOptions = {},
): Promise<OutputRecord[]> {
  const set = await openCaptures(paths);
  const records: OutputRecord[] = [];
  for await (const group of reduceGroups(set.batches({ skipKinds: IGNORED_KINDS, ...options }), options))
    records.push(...group);
  return records;
}
