// `corpus check`: replays every capture of the corpus, compares it with its expected.json, and says
// per build and scenario whether replay agrees (no root: only files are read).
import type { Mismatch } from './compare';
import { listCorpus, missingFiles, type CorpusEntry } from './corpus-layout';
import { compareEntry, replayEntry } from './corpus-compare';
import { readExpectedFile, type CapturedBuild } from './expected-file';
import { readSecretsFile } from './secrets-file';
import { SCENARIOS } from '../scenarios/registry';

export type EntryStatus = 'ok' | 'mismatch';

export interface EntryResult {
  readonly build: string;
  readonly scenario: string;
  readonly status: EntryStatus;
  readonly mismatches: readonly Mismatch[];
}

export interface CorpusReport {
  readonly builds: readonly string[];
  /** Registry order first, then any other scenario found in the corpus. */
  readonly scenarios: readonly string[];
  readonly results: readonly EntryResult[];
  /** What each build is, from its expected.json files. */
  readonly buildInfo: ReadonlyMap<string, CapturedBuild>;
}

export async function checkCorpus(corpusDir: string): Promise<CorpusReport> {
  const entries = listCorpus(corpusDir);
  const results: EntryResult[] = [];
  const buildInfo = new Map<string, CapturedBuild>();
  for (const entry of entries) results.push(await checkEntry(entry, buildInfo));
  const builds = [...new Set(entries.map((e) => e.build))];
  const known = SCENARIOS.map((s) => s.name);
  const extra = [...new Set(entries.map((e) => e.scenario))].filter((s) => !known.includes(s)).sort();
  return { builds, scenarios: [...known, ...extra], results, buildInfo };
}

async function checkEntry(entry: CorpusEntry, buildInfo: Map<string, CapturedBuild>): Promise<EntryResult> {
  const fail = (where: string, expected: string, actual: string): EntryResult => ({
    build: entry.build,
    scenario: entry.scenario,
    status: 'mismatch',
    mismatches: [{ where, expected, actual }],
  });
  const missing = missingFiles(entry);
  if (missing.length > 0)
    return fail(
      `${entry.scenario} files`,
      'capture.sshtrace, expected.json, README.md, capture.secrets.json',
      `missing ${missing.join(', ')}`,
    );
  try {
    const expected = readExpectedFile(entry.expected);
    if (!buildInfo.has(entry.build)) buildInfo.set(entry.build, expected.openssh);
    if (expected.scenario !== entry.scenario)
      return fail(`${entry.scenario} expected.json`, `scenario "${entry.scenario}"`, `"${expected.scenario}"`);
    readSecretsFile(entry.secrets); // well-formed: what it lists is searched for by test/e2e/reliability-secrets.test.ts
    const { records, damage } = await replayEntry(entry);
    const mismatches = [...damage, ...compareEntry(expected, records)];
    return {
      build: entry.build,
      scenario: entry.scenario,
      status: mismatches.length === 0 ? 'ok' : 'mismatch',
      mismatches,
    };
  } catch (error) {
    return fail(`${entry.scenario}`, 'a capture that replays', (error as Error).message);
  }
}

export function statusOf(report: CorpusReport, build: string, scenario: string): EntryStatus | 'missing' {
  return report.results.find((r) => r.build === build && r.scenario === scenario)?.status ?? 'missing';
}

export const mismatchesOf = (report: CorpusReport): EntryResult[] => report.results.filter((r) => r.status !== 'ok');
