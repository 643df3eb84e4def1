// The scenario driver: real OpenSSH clients against the private sshd, each returning its ground truth.
export { fitsGraceTime, SCENARIOS, scenarioNamed } from './registry';
export { takeWrongPasswords, WRONG_PASSWORD_PATTERN, type Scenario, type ScenarioContext } from './scenario';
export { WORKSPACE_PREFIX } from './workspace';
export * from './ground-truth';
export { runScenarios, type ScenarioOutcome } from './runner';
