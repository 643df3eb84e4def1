// Property 1: on generated OpenSSH privsep histories, the reducer's records equal the oracle's ground truth, which
// comes from the user actions of each scenario (test/arbitraries/privsep-*.ts), never from the reducer.
// A failure prints the seed, the shrunk actions, and the scenario as a numbered story with a diff per client.
// SSHTRACE_ORACLE_SCALE=10 runs ten times as many histories.
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { reduce } from '../../model';
import { KNOWN_GENERATION_NAMES } from '../../model/versions';
import { OPEN_FINDINGS, runScenario, scenarioArb, type ScenarioOptions } from '../sim/scenario';
import { assertSameView, viewExpected, viewRecords } from '../sim/compare';

const SCALE = Number(process.env.SSHTRACE_ORACLE_SCALE ?? 1);

function agreesWithOracle(
  generation: (typeof KNOWN_GENERATION_NAMES)[number],
  options: ScenarioOptions,
  numRuns: number,
): void {
  fc.assert(
    fc.property(scenarioArb(generation, options), (scenario) => {
      const history = runScenario(scenario);
      assertSameView(viewRecords([...reduce(history.events)]), viewExpected(history.model), history.model);
    }),
    { numRuns: Math.round(numRuns * SCALE), includeErrorInReport: true },
  );
}

describe('model: privsep histories against the oracle', () => {
  // A todo (run and reported, not failing the suite) while a finding is open: it fails until model/ is fixed.
  const todo = OPEN_FINDINGS.length === 0 ? false : `open findings: ${OPEN_FINDINGS.join(', ')}`;
  for (const generation of KNOWN_GENERATION_NAMES) {
    it(`gives the records the user actions imply (${generation}, every action)`, { todo }, () => {
      agreesWithOracle(generation, {}, OPEN_FINDINGS.length === 0 ? 1500 : 300);
    });
  }

  // The same, without the actions behind the open findings (test/unit/model-findings.test.ts), so that this net
  // keeps catching regressions everywhere else while those are being fixed.
  for (const generation of OPEN_FINDINGS.length === 0 ? [] : KNOWN_GENERATION_NAMES) {
    it(`gives the records the user actions imply (${generation}, without: ${OPEN_FINDINGS.join(', ')})`, () => {
      agreesWithOracle(generation, { without: OPEN_FINDINGS }, 1500);
    });
  }
});
