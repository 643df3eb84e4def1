// Runs scenarios with a bounded number at once. Scenarios never share users or temp files, so they can
// overlap; keep concurrency at 1 when each capture must hold exactly one scenario.
import type { PrivateSshd } from '../fixture/types';
import type { GroundTruth } from './ground-truth';
import type { Scenario } from './scenario';

export interface ScenarioOutcome {
  readonly scenario: string;
  readonly truth: GroundTruth | null;
  readonly error: Error | null;
  readonly durationMs: number;
}

export async function runScenarios(
  scenarios: readonly Scenario[],
  fixtureFor: (scenario: Scenario) => PrivateSshd,
  concurrency = 1,
): Promise<ScenarioOutcome[]> {
  const outcomes: ScenarioOutcome[] = new Array(scenarios.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < scenarios.length; index = next++) {
      const scenario = scenarios[index]!;
      const started = Date.now();
      try {
        const truth = await scenario.run({ fixture: fixtureFor(scenario) });
        outcomes[index] = { scenario: scenario.name, truth, error: null, durationMs: Date.now() - started };
      } catch (error) {
        outcomes[index] = {
          scenario: scenario.name,
          truth: null,
          error: error as Error,
          durationMs: Date.now() - started,
        };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return outcomes;
}
