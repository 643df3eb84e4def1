// The implementation behind `sshtrace corpus record` and `sshtrace corpus check` (cli/corpus/command.ts).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT, SshtraceError, UsageError } from '../../capture/errors';
import { checkCorpus, mismatchesOf } from '../../harness/corpus/check-corpus';
import {
  renderCompatibilityDoc,
  renderDiffs,
  renderTerminalTable,
  summaryLine,
} from '../../harness/corpus/compat-table';
import { COMPATIBILITY_DOC, COMPATIBILITY_NOTES, DEFAULT_CORPUS_DIR } from '../../harness/corpus/corpus-layout';
import { targetForRelease, targetForRoot, type CorpusTarget } from '../../harness/corpus/corpus-target';
import { recordCorpus } from '../../harness/corpus/record-corpus';
import { SCENARIOS, scenarioNamed, type Scenario } from '../../harness/scenarios';

/** The corpus is not as it must be: a capture disagrees with its ground truth, or a scenario could not be recorded. */
export const EXIT_CORPUS = EXIT.corpus;

const PREFIX = 'sshtrace corpus:';

export interface CorpusRecordInputs {
  readonly release: string | undefined;
  readonly root: string | undefined;
  readonly distro: string | undefined;
  readonly scenarios: readonly string[];
  readonly out: string | undefined;
  readonly stderr: (line: string) => void;
}

export async function runCorpusRecord(inputs: CorpusRecordInputs): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new SshtraceError('corpus record needs root (sshd, useradd, chroot, BPF): run it with sudo', EXIT.privileges);
  }
  const scenarios = pickScenarios(inputs.scenarios);
  const log = (line: string) => inputs.stderr(`${PREFIX} ${line}`);
  const target = await resolveTarget(inputs, log);
  const out = resolve(inputs.out ?? DEFAULT_CORPUS_DIR);
  log(
    `${scenarios.length} scenario(s) against ${target.build.banner} (${target.origin}) into ${out}/${target.dirName}`,
  );
  const results = await recordCorpus({ target, scenarios, outDir: out, log }).catch((error: Error) => {
    throw error instanceof SshtraceError
      ? error
      : new SshtraceError(`recording stopped: ${error.message}`, EXIT_CORPUS);
  });
  const failed = results.filter((r) => r.dir === null);
  const bytes = results.reduce((sum, r) => sum + (r.dir === null ? 0 : r.captureBytes), 0);
  log(`${results.length - failed.length} of ${results.length} written (${(bytes / 1024).toFixed(1)} KiB of captures)`);
  if (failed.length > 0) {
    throw new SshtraceError(
      `${failed.length} scenario(s) not recorded: ${failed.map((f) => f.scenario).join(', ')} (reasons above)`,
      EXIT_CORPUS,
    );
  }
}

function pickScenarios(names: readonly string[]): Scenario[] {
  if (names.length === 0) return [...SCENARIOS];
  try {
    return [...new Set(names)].map(scenarioNamed);
  } catch (error) {
    throw new UsageError(`--scenario: ${(error as Error).message}`);
  }
}

async function resolveTarget(inputs: CorpusRecordInputs, log: (line: string) => void): Promise<CorpusTarget> {
  try {
    if (inputs.release !== undefined) return await targetForRelease(inputs.release, (line) => log(`[rootfs] ${line}`));
    return await targetForRoot(inputs.root!, inputs.distro);
  } catch (error) {
    if (error instanceof SshtraceError) throw error;
    throw new SshtraceError((error as Error).message, EXIT.inputMissing);
  }
}

export interface CorpusCheckInputs {
  readonly dir: string | undefined;
  readonly updateDocs: boolean;
  /** Where --update-docs writes (default docs/compatibility.md of this checkout). */
  readonly docPath?: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (line: string) => void;
}

export async function runCorpusCheck(inputs: CorpusCheckInputs): Promise<void> {
  const dir = resolve(inputs.dir ?? DEFAULT_CORPUS_DIR);
  let report: Awaited<ReturnType<typeof checkCorpus>>;
  try {
    report = await checkCorpus(dir);
  } catch (error) {
    throw new SshtraceError((error as Error).message, EXIT.inputMissing);
  }
  if (report.results.length === 0)
    throw new SshtraceError(`${dir} holds no capture: record some with "sshtrace corpus record"`, EXIT.inputMissing);
  inputs.stdout(`${renderTerminalTable(report)}\n\n`);
  const bad = mismatchesOf(report);
  if (bad.length > 0) inputs.stdout(`${renderDiffs(report)}\n\n`);
  inputs.stdout(`${summaryLine(report)}\n`);
  if (inputs.updateDocs) {
    const docPath = inputs.docPath ?? COMPATIBILITY_DOC;
    const notes = existsSync(COMPATIBILITY_NOTES) ? readFileSync(COMPATIBILITY_NOTES, 'utf8') : '';
    writeFileSync(docPath, renderCompatibilityDoc(report, notes));
    inputs.stderr(`${PREFIX} wrote ${docPath}`);
  }
  if (bad.length > 0) {
    throw new SshtraceError(
      `${bad.length} of ${report.results.length} captures disagree with their ground truth (diffs above)`,
      EXIT_CORPUS,
    );
  }
}
