// Issue #3 end to end: Debian's real sshd on 127.0.0.1, recorded by the real recorder while every scenario
// runs; replay must give exactly the records each scenario's ground truth describes (written from what the
// scenario did and observed, never from the reducer), and no password may reach the capture or the output.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { SCENARIOS } from '../../harness/scenarios';
import { recordScenarios, type RecordedScenarios } from '../../harness/record-scenarios';
import { compareWithTruth, formatMismatches } from '../../harness/corpus/compare';
import { replayFiles } from '../../replay/pipeline';
import { formatRecord } from '../../output/format-record';
import type { OutputRecord } from '../../model/records';
import { secretsInCapture, secretsInText } from './support/secrets';

const ADDON = resolve(__dirname, '../../../native/build/Release/sshtrace.node');
const skip =
  process.geteuid?.() !== 0
    ? 'needs root (BPF, users, sshd)'
    : !existsSync(ADDON)
      ? `needs the built addon (${ADDON}): npm run build`
      : false;

const dir = mkdtempSync(join(tmpdir(), 'sshtr-replay-e2e-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('replay of a real sshd running every scenario', { skip }, () => {
  let run: RecordedScenarios;
  let records: OutputRecord[];

  it('records every scenario without a loss', async () => {
    run = await recordScenarios({ scenarios: SCENARIOS, output: join(dir, 'all.sshtrace'), concurrency: 4 });
    assert.equal(run.recorderExit, 0, run.recorderStderr);
    assert.match(run.recorderStderr, /no losses/, run.recorderStderr);
    for (const o of run.outcomes) assert.equal(o.error, null, `${o.scenario}: ${o.error?.message}`);
    records = await replayFiles([run.capture]);
  });

  it('replays into exactly the records the scenarios describe', () => {
    const problems = run.outcomes.flatMap((o) => compareWithTruth(o.truth!, records));
    assert.equal(problems.length, 0, `replay differs from the ground truth:\n${formatMismatches(problems)}`);
  });

  it('explains everything it saw: no anomaly, nothing incomplete', () => {
    const odd = records.filter((r) => r.type === 'anomaly' || ('incomplete' in r && r.incomplete));
    assert.deepEqual(odd, []);
  });

  it('never lets a password reach the capture or the replay output', async () => {
    assert.ok(run.passwords.length >= SCENARIOS.length / 2, 'the fixture handed out passwords');
    assert.deepEqual(await secretsInCapture(run.capture, run.passwords), []);
    const text = records.map((r) => formatRecord(r, 'jsonl') + formatRecord(r, 'table')).join('');
    assert.deepEqual(secretsInText(text, run.passwords, 'replay output'), []);
  });
});
