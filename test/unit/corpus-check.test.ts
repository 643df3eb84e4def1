// The committed corpus (corpus/captures/), replayed as CI does: every capture must agree with the ground
// truth its scenario wrote, every build must hold every scenario, and a hand-edited expected.json must
// make `corpus check` fail with a diff that names what changed. No root, no BPF: files only.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkCorpus, mismatchesOf } from '../../corpus/check-corpus';
import { renderDiffs } from '../../corpus/compat-table';
import { EXIT_CORPUS, runCorpusCheck } from '../../corpus/corpus-command';
import { DEFAULT_CORPUS_DIR, listCorpus } from '../../corpus/corpus-layout';
import { SCENARIOS } from '../../corpus/scenarios/registry';
import { SshtraceError } from '../../replay/errors';

// Every build the issue asks for; 10.3p1 is absent because Debian's archive no longer serves it.
const BUILDS = ['8.4p1-bullseye', '9.2p1-bookworm', '10.0p2-trixie', '10.6p1-sid'];
const SAMPLE = { build: '9.2p1-bookworm', scenario: 'password_command_fails' };

const scratch = mkdtempSync(join(tmpdir(), 'sshtr-corpus-check-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A corpus of one entry copied from the committed one, so a test can edit it. */
function copyOfSample(): string {
  const dir = mkdtempSync(join(scratch, 'corpus-'));
  cpSync(join(DEFAULT_CORPUS_DIR, SAMPLE.build, SAMPLE.scenario), join(dir, SAMPLE.build, SAMPLE.scenario), { recursive: true });
  return dir;
}

async function runCheck(dir: string, docPath?: string): Promise<{ stdout: string; error: unknown }> {
  let stdout = '';
  try {
    await runCorpusCheck({ dir, updateDocs: docPath !== undefined, docPath, stdout: (t) => { stdout += t; }, stderr: () => undefined });
    return { stdout, error: null };
  } catch (error) {
    return { stdout, error };
  }
}

describe('the committed corpus', () => {
  it('holds every scenario for every build', () => {
    const entries = listCorpus(DEFAULT_CORPUS_DIR);
    for (const build of BUILDS) {
      const have = entries.filter((e) => e.build === build).map((e) => e.scenario);
      assert.deepEqual(have.sort(), SCENARIOS.map((s) => s.name).sort(), `${build} lacks scenarios`);
    }
  });

  it('replays every capture into exactly its ground truth', async () => {
    const report = await checkCorpus(DEFAULT_CORPUS_DIR);
    assert.ok(report.results.length >= BUILDS.length * SCENARIOS.length);
    assert.equal(mismatchesOf(report).length, 0, `corpus check found mismatches:\n${renderDiffs(report)}`);
  });
});

describe('corpus check on a hand-edited expected.json', () => {
  it('passes on the unedited copy', async () => {
    const { stdout, error } = await runCheck(copyOfSample());
    assert.equal(error, null, stdout);
    assert.match(stdout, /password_command_fails\s+ok/);
  });

  it('fails with exit code 11 and a diff naming the exit code that was changed', async () => {
    const dir = copyOfSample();
    const path = join(dir, SAMPLE.build, SAMPLE.scenario, 'expected.json');
    const expected = JSON.parse(readFileSync(path, 'utf8'));
    const shell = expected.connections[0].sessions[0].commands[0];
    assert.equal(shell.exit_code, 3, 'the sample\'s shell exits 3 (password_command_fails)');
    shell.exit_code = 4;
    writeFileSync(path, JSON.stringify(expected));
    const { stdout, error } = await runCheck(dir);
    assert.ok(error instanceof SshtraceError && error.exitCode === EXIT_CORPUS, `expected a corpus failure, got ${error}`);
    assert.match(stdout, /password_command_fails\s+mismatch/);
    assert.match(stdout, /channel 0 \["bash","-c","id -un; exit 3"\]/);
    assert.match(stdout, /expected: \{"exit_code":4,"signal":null,"replaced":false\}/);
    assert.match(stdout, /replay: {3}\{"exit_code":3,"signal":null,"replaced":false\}/);
  });

  it('fails on a changed user and on a missing expected.json, naming each', async () => {
    const dir = copyOfSample();
    const path = join(dir, SAMPLE.build, SAMPLE.scenario, 'expected.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/"user": "sshtr_[0-9a-f]+"/, '"user": "sshtr_someone"'));
    assert.match((await runCheck(dir)).stdout, /attempts\n {4}expected: \[\{"user":"sshtr_someone"/);
    rmSync(path);
    assert.match((await runCheck(dir)).stdout, /missing .*expected\.json/);
  });

  it('--update-docs writes the table', async () => {
    const doc = join(scratch, 'compatibility.md');
    const { error } = await runCheck(copyOfSample(), doc);
    assert.equal(error, null);
    const text = readFileSync(doc, 'utf8');
    assert.match(text, /\| Scenario \| 9\.2p1-bookworm \|/);
    assert.match(text, /\| password_command_fails \| ok \|/);
    assert.match(text, /\| wrong_passwords \| — \|/);
  });
});
