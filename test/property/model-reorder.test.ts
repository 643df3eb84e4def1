// Property 3: events that reach the ring buffer slightly out of time order (CPUs reserve in their own order)
// give the same records once replay/reorder.ts has restored the order, as long as no event is overtaken by one
// more than the reorder window later.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { reduce } from '../../model';
import { DEFAULT_REORDER_WINDOW_NS, reorder } from '../../replay/reorder';
import type { TraceEvent } from '../../capture/events';
import { KNOWN_GENERATION_NAMES } from '../../model/versions';
import { runScenario, scenarioArb } from '../sim/scenario';

/** Arrival order = time + a delay below `maxDelayNs`; capture_end stays last (the recorder writes it last). */
function shuffleWithin(events: readonly TraceEvent[], delaysNs: readonly number[]): TraceEvent[] {
  const body = events.filter((e) => e.kind !== 'capture_end');
  const tail = events.filter((e) => e.kind === 'capture_end');
  const keyed = body.map((e, i) => ({ e, key: e.ts + delaysNs[i % delaysNs.length]! }));
  keyed.sort((a, b) => a.key - b.key);
  return [...keyed.map((x) => x.e), ...tail];
}

describe('model: bounded reordering', () => {
  it('gives the same records after a shuffle within the reorder window and reorder()', () => {
    const maxDelayNs = Math.floor(DEFAULT_REORDER_WINDOW_NS * 0.9);
    const input = fc.tuple(
      fc.constantFrom(...KNOWN_GENERATION_NAMES).chain((g) => scenarioArb(g)),
      fc.array(fc.nat({ max: maxDelayNs }), { minLength: 1, maxLength: 64 }),
    );
    fc.assert(
      fc.property(input, ([scenario, delays]) => {
        const { events } = runScenario(scenario);
        const shuffled = shuffleWithin(events, delays);
        fc.pre(shuffled.some((e, i) => e !== events[i])); // only histories the shuffle really changed
        const expected = JSON.stringify([...reduce(events)]);
        assert.equal(JSON.stringify([...reduce(reorder(shuffled))]), expected);
      }),
      { numRuns: 200 },
    );
  });
});
