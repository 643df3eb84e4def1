// Every scenario by name, in a stable order (the order `corpus record` and the tests use).
import { multiplexedSessions } from './multiplex';
import { invalidUser, keyboardInteractive, passwordCommandFails, wrongPasswords, wrongThenRight } from './password';
import { droppedPreauth, loginGraceExpiry } from './preauth';
import { publickeyPtySession, rejectedThenAcceptedKey, rootLogin } from './publickey';
import type { Scenario } from './scenario';
import { fiveConcurrent, killedBySignal, pipelineAndSubshell } from './shell-processes';
import { scpUpload, sftpPutGet } from './transfer';

export const SCENARIOS: readonly Scenario[] = [
  passwordCommandFails,
  wrongPasswords,
  invalidUser,
  wrongThenRight,
  publickeyPtySession,
  multiplexedSessions,
  sftpPutGet,
  scpUpload,
  keyboardInteractive,
  rootLogin,
  fiveConcurrent,
  droppedPreauth,
  loginGraceExpiry,
  killedBySignal,
  pipelineAndSubshell,
  rejectedThenAcceptedKey,
];

const SCENARIOS_BY_NAME: ReadonlyMap<string, Scenario> = new Map(SCENARIOS.map((s) => [s.name, s]));

export function scenarioNamed(name: string): Scenario {
  const scenario = SCENARIOS_BY_NAME.get(name);
  if (scenario === undefined) {
    throw new Error(`no scenario named ${name}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  }
  return scenario;
}

/** Whether a fixture with this LoginGraceTime suits the scenario. */
export function fitsGraceTime(scenario: Scenario, loginGraceTime: number): boolean {
  return (
    (scenario.maxLoginGraceTime === undefined || loginGraceTime <= scenario.maxLoginGraceTime) &&
    (scenario.minLoginGraceTime === undefined || loginGraceTime >= scenario.minLoginGraceTime)
  );
}
