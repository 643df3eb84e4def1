// Property 2: the reducer is a pure fold — replaying the same history twice gives byte-identical JSON.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { reduce } from '../../model';
import { KNOWN_GENERATION_NAMES } from '../../model/versions';
import { runScenario, scenarioArb } from '../sim/scenario';

describe('model: determinism', () => {
  it('gives byte-identical records when a history is reduced twice', () => {
    const anyGeneration = fc.constantFrom(...KNOWN_GENERATION_NAMES).chain((g) => scenarioArb(g));
    fc.assert(
      fc.property(anyGeneration, (scenario) => {
        const { events } = runScenario(scenario);
        assert.equal(JSON.stringify([...reduce(events)]), JSON.stringify([...reduce(events)]));
      }),
      { numRuns: 200 },
    );
  });
});
