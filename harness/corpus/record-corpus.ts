// `corpus record`: each scenario gets its own private sshd (chrooted into the target root) and its own
// recorder run, so each capture holds exactly one scenario. A capture joins the corpus only when its
// ground truth agrees with itself, the recorder lost nothing, and no password reached the capture or
// expected.json; those throwaway passwords are then listed beside it (capture.secrets.json) for CI to search again.
import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPrivateSshd, type PrivateSshd } from '../fixture';
import { CleanupStack, forgetOnExit, runOnExit } from '../fixture/cleanup';
import { descendantsOf } from '../fixture/processes';
import { startRecorder, type RunningRecorder } from '../record-scenarios';
import { fitsGraceTime, runScenarios, takeWrongPasswords, type Scenario, type ScenarioOutcome } from '../scenarios';
import { CAPTURE_FILE, EXPECTED_FILE, README_FILE, SECRETS_FILE } from './corpus-layout';
import type { CorpusTarget } from './corpus-target';
import { renderExpectedFile, toExpectedFile } from './expected-file';
import { renderReadme } from './corpus-readme';
import { secretInText, secretsInCapture } from './secret-scan';
import { renderSecretsFile } from './secrets-file';
import { truthProblems } from './truth-checks';
import { describeForeign, foreignActivityInCapture, isForeign, isolateCapture } from './foreign-activity';

const DEFAULT_GRACE_S = 30;
const SHORT_GRACE_S = 3;
const QUIET_TIMEOUT_MS = 15_000;
// Lets the last exits and counters reach the ring buffer before the recorder stops.
const SETTLE_MS = 300;
const FOREIGN_ATTEMPTS = 2;
const FOREIGN_PAUSE_MS = 3000;
const RECORDER_START_ATTEMPTS = 3;

export interface CorpusRecordOptions {
  readonly target: CorpusTarget;
  readonly scenarios: readonly Scenario[];
  readonly outDir: string;
  readonly log: (line: string) => void;
}

export interface ScenarioRecording {
  readonly scenario: string;
  /** The corpus folder written, or null when the scenario was not committed. */
  readonly dir: string | null;
  readonly problems: readonly string[];
  readonly captureBytes: number;
  readonly seconds: number;
}

interface RawRun {
  readonly outcome: ScenarioOutcome;
  /** Every password the fixture's users had, then every wrong password the scenario typed. */
  readonly passwords: readonly string[];
  readonly recorderExit: number | null;
  readonly recorderStderr: string;
  /** The fixture's listener: every event of the capture must come from its process tree. */
  readonly listener: number;
}

export async function recordCorpus(opts: CorpusRecordOptions): Promise<ScenarioRecording[]> {
  const buildDir = join(opts.outDir, opts.target.dirName);
  mkdirSync(buildDir, { recursive: true });
  const results: ScenarioRecording[] = [];
  for (const scenario of opts.scenarios) {
    const started = Date.now();
    opts.log(`${opts.target.dirName}/${scenario.name}: recording`);
    const result = await recordOne(opts, buildDir, scenario, started);
    const verdict =
      result.dir === null ? `NOT written: ${result.problems.join('; ')}` : `ok, ${result.captureBytes} bytes`;
    opts.log(`${opts.target.dirName}/${scenario.name}: ${verdict} (${result.seconds.toFixed(1)} s)`);
    results.push(result);
  }
  return results;
}

const graceFor = (scenario: Scenario) => (fitsGraceTime(scenario, DEFAULT_GRACE_S) ? DEFAULT_GRACE_S : SHORT_GRACE_S);

async function recordOne(
  opts: CorpusRecordOptions,
  buildDir: string,
  scenario: Scenario,
  started: number,
): Promise<ScenarioRecording> {
  // Staged beside the final folder (same filesystem), so a folder is replaced only by a complete one.
  const staging = mkdtempSync(join(buildDir, `.staging-${scenario.name}-`));
  // Also on SIGINT/SIGTERM, so an interrupted run leaves no half-written folder in the corpus.
  const cleanup = new CleanupStack();
  cleanup.push(`remove ${staging}`, () => rmSync(staging, { recursive: true, force: true }));
  runOnExit(cleanup);
  try {
    const capture = join(staging, CAPTURE_FILE);
    const raw = await captureAlone(opts, scenario, capture);
    const problems = await problemsOf(raw, capture);
    const captureBytes = statSync(capture).size;
    const seconds = (Date.now() - started) / 1000;
    if (problems.length > 0) return { scenario: scenario.name, dir: null, problems, captureBytes, seconds };
    const expected = renderExpectedFile(toExpectedFile(raw.outcome.truth!, scenario.description, opts.target.build));
    if (secretInText(expected, raw.passwords))
      throw new Error('a password reached expected.json: a bug in the scenario or expected-file.ts');
    writeFileSync(join(staging, EXPECTED_FILE), expected);
    // The users are deleted with the fixture: kept so CI can search this capture for their passwords again.
    writeFileSync(join(staging, SECRETS_FILE), renderSecretsFile(raw.passwords));
    writeFileSync(
      join(staging, README_FILE),
      renderReadme({
        target: opts.target,
        scenario: scenario.name,
        description: scenario.description,
        captureBytes,
        capturedAt: new Date(),
        loginGraceTime: graceFor(scenario),
        foreignEventsRemoved: raw.removed,
      }),
    );
    // Committed files: readable by all (no live secret is in them: the capture and expected.json hold no
    // password, checked above, and the sidecar's users are gone), unlike the recorder's 0600.
    chmodSync(staging, 0o755);
    chmodSync(capture, 0o644);
    const dir = join(buildDir, scenario.name);
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
    return { scenario: scenario.name, dir, problems: [], captureBytes, seconds };
  } finally {
    cleanup.runAll();
    forgetOnExit(cleanup);
  }
}

/**
 * Captures the scenario; while another sshd on the machine was busy meanwhile, captures it again, and at
 * the last attempt keeps only the fixture's own process tree (the README says how many events went).
 */
async function captureAlone(
  opts: CorpusRecordOptions,
  scenario: Scenario,
  capture: string,
): Promise<RawRun & { removed: number }> {
  for (let attempt = 1; ; attempt++) {
    rmSync(capture, { force: true });
    const raw = await captureScenario(opts.target, scenario, capture);
    const foreign = await foreignActivityInCapture(capture, raw.listener);
    if (!isForeign(foreign)) return { ...raw, removed: 0 };
    const what = `${opts.target.dirName}/${scenario.name}: ${describeForeign(foreign)}`;
    if (attempt >= FOREIGN_ATTEMPTS) {
      const removed = await isolateCapture(capture, raw.listener);
      opts.log(`${what}; kept only the fixture's process tree (${removed} kernel records removed)`);
      return { ...raw, removed };
    }
    opts.log(`${what}; recording again in ${FOREIGN_PAUSE_MS / 1000} s`);
    await new Promise((done) => setTimeout(done, FOREIGN_PAUSE_MS));
  }
}

/** A fresh fixture and a fresh recorder for one scenario; both are stopped however it ends. */
async function captureScenario(target: CorpusTarget, scenario: Scenario, capture: string): Promise<RawRun> {
  const fixture = await startPrivateSshd({
    root: target.root,
    sshdPath: target.sshdPath,
    loginGraceTime: graceFor(scenario),
  });
  try {
    const recorder = await startRecorderPatiently(capture);
    let outcome: ScenarioOutcome;
    let typed: string[];
    takeWrongPasswords(); // forget any handed out before this scenario
    try {
      [outcome] = (await runScenarios([scenario], () => fixture, 1)) as [ScenarioOutcome];
      await waitUntilQuiet(fixture);
    } finally {
      typed = takeWrongPasswords();
      await recorder.stop();
    }
    const passwords = [
      ...fixture
        .users()
        .map((u) => u.password)
        .filter((p): p is string => p !== null),
      ...typed,
    ];
    return {
      outcome,
      passwords,
      recorderExit: recorder.child.exitCode,
      recorderStderr: recorder.stderr(),
      listener: fixture.pid,
    };
  } finally {
    await fixture.stop();
  }
}

/** The recorder's start can fail on a busy machine (its clock calibration wants a quiet tick): try again. */
async function startRecorderPatiently(capture: string): Promise<RunningRecorder> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startRecorder(capture, []);
    } catch (error) {
      if (attempt >= RECORDER_START_ATTEMPTS) throw error;
      await new Promise((done) => setTimeout(done, 1000));
    }
  }
}

/** Waits until the listener has no child left (every connection's processes have exited), then a little. */
async function waitUntilQuiet(fixture: PrivateSshd): Promise<void> {
  const deadline = Date.now() + QUIET_TIMEOUT_MS;
  while (descendantsOf(fixture.pid).some((p) => p.state !== 'Z') && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 50));
  }
  await new Promise((done) => setTimeout(done, SETTLE_MS));
}

async function problemsOf(raw: RawRun, capture: string): Promise<string[]> {
  const problems: string[] = [];
  if (raw.outcome.error !== null) problems.push(`the scenario failed: ${raw.outcome.error.message}`);
  else problems.push(...truthProblems(raw.outcome.truth!, raw.passwords));
  if (raw.recorderExit !== 0) problems.push(`the recorder exited ${raw.recorderExit}: ${raw.recorderStderr.trim()}`);
  else if (!/no losses/.test(raw.recorderStderr))
    problems.push(`the recorder lost events: ${raw.recorderStderr.trim()}`);
  const secrets = await secretsInCapture(capture, raw.passwords);
  if (secrets.length > 0)
    problems.push(`a password reached the capture (${secrets.join(', ')}): a recorder bug, report it`);
  return problems;
}
