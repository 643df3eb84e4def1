// The model's public face: a pure reducer and the fold that replays a stream of events through it.
import type { TraceEvent } from '../capture/events';
import type { OutputRecord } from './records';
import { initialState, type State } from './state';
import { step, finish, IGNORED_KINDS } from './step';

export { step, finish, initialState, IGNORED_KINDS };
export type { State, TraceEvent, OutputRecord };

/** Replays events (already in time order, see replay/reorder) into records, lazily. */
export function* reduce(events: Iterable<TraceEvent>, start: State = initialState): Generator<OutputRecord> {
  let s = start;
  for (const e of events) {
    const [next, records] = step(s, e);
    s = next;
    yield* records;
  }
  yield* finish(s)[1];
}
