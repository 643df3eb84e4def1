// Property 5: a counters event showing lost events marks every record overlapping the loss incomplete; the
// records of connections that start after it stay exact.
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { reduce } from '../../model';
import { KNOWN_GENERATION_NAMES } from '../../model/versions';
import { OPEN_FINDINGS, runScenario, scenarioArb } from '../sim/scenario';
import { checkLoss, lossAt } from '../sim/partial';

describe('model: loss', () => {
  it('marks the records overlapping a loss incomplete', () => {
    const input = fc.tuple(
      fc.constantFrom(...KNOWN_GENERATION_NAMES).chain((g) => scenarioArb(g, { without: OPEN_FINDINGS })),
      fc.nat({ max: 1_000_000 }).map((n) => n / 1_000_001),
      fc.integer({ min: 1, max: 50 }),
    );
    fc.assert(
      fc.property(input, ([scenario, where, dropped]) => {
        const history = runScenario(scenario);
        const events = history.events;
        const at = 2 + Math.floor(where * (events.length - 4)); // after the clock and snapshot, before the end
        const withLoss = [...events.slice(0, at), lossAt(events, at, dropped), ...events.slice(at)];
        checkLoss([...reduce(withLoss)], history.model, at);
      }),
      { numRuns: 500, includeErrorInReport: true },
    );
  });
});
