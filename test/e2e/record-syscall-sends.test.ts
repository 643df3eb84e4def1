// The substitute for kernels without sock:sock_send_length (Debian 12's 6.1): monitor messages, syslog and banners
// read at the exit of write/writev/sendto/sendmsg (bpf/send.bpf.h, kalt_ programs). Forced here with
// --send-hook syscalls, since this kernel has the tracepoint: every scenario must replay into its ground truth
// exactly as with the tracepoint, with no anomaly, and no password may reach the capture.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { SCENARIOS } from '../../harness/scenarios';
import { recordScenarios, type RecordedScenarios } from '../../harness/record-scenarios';
import { compareWithTruth, formatMismatches } from '../../harness/corpus/compare';
import { openCaptures } from '../../replay/capture-set';
import { replayFiles } from '../../replay/pipeline';
import type { OutputRecord } from '../../model/records';
import { secretsInCapture } from './support/secrets';

const ADDON = resolve(__dirname, '../../../native/build/Release/sshtrace.node');
const skip =
  process.geteuid?.() !== 0
    ? 'needs root (BPF, users, sshd)'
    : !existsSync(ADDON)
      ? `needs the built addon (${ADDON}): npm run build`
      : false;

const dir = mkdtempSync(join(tmpdir(), 'sshtr-syscall-sends-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('sends read at syscall exit (--send-hook syscalls)', { skip }, () => {
  let run: RecordedScenarios;
  let records: OutputRecord[];

  it('records every scenario without a loss, and says so in the header', async () => {
    run = await recordScenarios({
      scenarios: SCENARIOS,
      output: join(dir, 'syscalls.sshtrace'),
      concurrency: 4,
      recordArgs: ['--send-hook', 'syscalls'],
    });
    assert.equal(run.recorderExit, 0, run.recorderStderr);
    assert.match(run.recorderStderr, /no losses/, run.recorderStderr);
    for (const o of run.outcomes) assert.equal(o.error, null, `${o.scenario}: ${o.error?.message}`);
    const header = (await openCaptures([run.capture])).files[0]!.header!;
    assert.equal(header.options.syscallSends, true);
    records = await replayFiles([run.capture]);
  });

  it('replays into exactly the records the scenarios describe', () => {
    const auths = records.filter((r) => r.type === 'auth');
    assert.ok(auths.length >= SCENARIOS.length, `${auths.length} auth records: monitor messages were read`);
    const problems = run.outcomes.flatMap((o) => compareWithTruth(o.truth!, records));
    assert.equal(problems.length, 0, `replay differs from the ground truth:\n${formatMismatches(problems)}`);
  });

  it('explains everything it saw: no anomaly, nothing incomplete', () => {
    assert.deepEqual(
      records.filter((r) => r.type === 'anomaly' || ('incomplete' in r && r.incomplete)),
      [],
    );
  });

  it('never lets a password reach the capture', async () => {
    assert.ok(run.passwords.length >= SCENARIOS.length / 2, 'the fixture handed out passwords');
    assert.deepEqual(await secretsInCapture(run.capture, run.passwords), []);
  });
});
