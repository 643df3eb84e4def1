// Property 4: step never throws — on arbitrary events of every kind, on shuffled histories, on truncated ones —
// and a truncated history yields records that are marked incomplete rather than wrong.
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { finish, initialState, reduce, step } from '../../model';
import type { TraceEvent } from '../../capture/events';
import { KNOWN_GENERATION_NAMES } from '../../model/versions';
import { OPEN_FINDINGS, runScenario, scenarioArb } from '../sim/scenario';
import { anyTraceEvent } from '../sim/any-events';
import { checkTruncated } from '../sim/partial';

function fold(events: readonly TraceEvent[]): void {
  let s = initialState;
  for (const e of events) s = step(s, e)[0];
  finish(s);
}

const anyScenario = fc.constantFrom(...KNOWN_GENERATION_NAMES).chain((g) => scenarioArb(g));
const withoutFindings = fc
  .constantFrom(...KNOWN_GENERATION_NAMES)
  .chain((g) => scenarioArb(g, { without: OPEN_FINDINGS }));

describe('model: robustness', () => {
  it('never throws on arbitrary events of every kind', () => {
    fc.assert(fc.property(fc.array(anyTraceEvent, { maxLength: 60 }), fold), { numRuns: 2000 });
  });

  it('never throws on arbitrary events spliced into a real history', () => {
    const input = fc.tuple(anyScenario, fc.array(fc.tuple(fc.nat(), anyTraceEvent), { maxLength: 20 }));
    fc.assert(
      fc.property(input, ([scenario, extra]) => {
        const events = [...runScenario(scenario).events];
        for (const [at, e] of extra) events.splice(at % (events.length + 1), 0, e);
        fold(events);
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on a shuffled history', () => {
    fc.assert(
      fc.property(anyScenario, fc.infiniteStream(fc.nat()), (scenario, keys) => {
        const events = runScenario(scenario).events;
        const keyed = events.map((e) => ({ e, k: keys.next().value as number }));
        fold(keyed.sort((a, b) => a.k - b.k).map((x) => x.e));
      }),
      { numRuns: 200 },
    );
  });

  it('marks the records of a truncated history incomplete rather than wrong', () => {
    fc.assert(
      fc.property(
        withoutFindings,
        fc.nat({ max: 1_000_000 }).map((n) => n / 1_000_001),
        (scenario, where) => {
          const history = runScenario(scenario);
          const cut = Math.floor(where * history.events.length);
          checkTruncated([...reduce(history.events.slice(0, cut))], history.model, cut);
        },
      ),
      { numRuns: 600, includeErrorInReport: true },
    );
  });
});
