// Issue #6, load: during one recording at default settings, concurrent ssh sessions each running many
// commands, plus failed password attempts from parallel clients. Replay must account for every session,
// command and attempt the driver made, with zero drops. Full size (50 × 100 commands, 500 attempts from 20
// clients) with `npm run test:load` (SSHTRACE_LOAD=full); `npm test` runs a scaled-down size.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startRecorder } from '../../harness/record-scenarios';
import type { AuthRecord, OutputRecord, SessionRecord } from '../../model/records';
import { replayFiles } from '../../replay/pipeline';
import { rootSkipReason, sleep } from '../e2e/support/reliability-cli';
import {
  cpuSeconds,
  runCommandSessions,
  runFailedAttempts,
  startLoadSshd,
  type AttemptTruth,
  type SessionTruth,
} from './load-driver';

const FULL = process.env.SSHTRACE_LOAD === 'full';
const SIZE = FULL
  ? { sessions: 50, commands: 100, attempts: 500, clients: 20 }
  : { sessions: 6, commands: 20, attempts: 20, clients: 4 };

const dir = mkdtempSync(join(tmpdir(), 'sshtr-load-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface LoadRun {
  readonly sessions: readonly SessionTruth[];
  readonly failures: readonly AttemptTruth[];
  readonly records: readonly OutputRecord[];
  readonly recorderStderr: string;
  /** The user the failed attempts were for: other sshds on the machine may fail logins too (the recorder sees them all). */
  readonly victim: string;
  readonly figures: Readonly<Record<string, number | string>>;
}

async function runLoad(): Promise<LoadRun> {
  const fixture = await startLoadSshd();
  try {
    const sessionUser = await fixture.createUser({ key: true });
    const victim = await fixture.createUser();
    const capture = join(dir, 'load.sshtrace');
    const recorder = await startRecorder(capture, []);
    const started = Date.now();
    const [sessions, failures] = await Promise.all([
      runCommandSessions(fixture, sessionUser, SIZE.sessions, SIZE.commands),
      runFailedAttempts(fixture, victim, SIZE.attempts, SIZE.clients),
    ]);
    const seconds = (Date.now() - started) / 1000;
    await sleep(500); // the last exits reach the ring buffer
    const cpu = cpuSeconds(recorder.child.pid!);
    assert.equal(await recorder.stop(), 0, recorder.stderr());
    const summary = /stopped .* after ([\d.]+) s: (\d+) events, ([\d.]+) MiB in (\d+) frames .*; (.*)$/m.exec(
      recorder.stderr(),
    );
    assert.ok(summary, recorder.stderr());
    const records = await replayFiles([capture]);
    const figures = {
      size: FULL ? 'full' : 'scaled-down',
      sessions: SIZE.sessions,
      commandsPerSession: SIZE.commands,
      attempts: SIZE.attempts,
      clients: SIZE.clients,
      loadSeconds: seconds,
      recordSeconds: Number(summary[1]),
      events: Number(summary[2]),
      captureBytes: statSync(capture).size,
      frames: Number(summary[4]),
      losses: summary[5]!,
      recorderCpuSeconds: cpu,
      recorderCpuPercent: Math.round((cpu / Number(summary[1])) * 1000) / 10,
      records: records.length,
    };
    return { sessions, failures, records, recorderStderr: recorder.stderr(), victim: victim.name, figures };
  } finally {
    await fixture.stop();
  }
}

const portOf = (r: OutputRecord) => (r.type === 'anomaly' ? null : (r.source?.port ?? null));

describe(`load: ${SIZE.sessions} sessions × ${SIZE.commands} commands + ${SIZE.attempts} failed attempts from ${SIZE.clients} clients`, {
  skip: rootSkipReason(),
}, () => {
  let run: LoadRun;

  it('records the whole load with zero drops at default settings', async (t) => {
    run = await runLoad();
    t.diagnostic(`figures ${JSON.stringify(run.figures)}`);
    console.log(`load figures: ${JSON.stringify(run.figures)}`);
    assert.equal(run.figures.losses, 'no losses', run.recorderStderr);
  });

  it('every session ran all its commands (the driver’s own view)', () => {
    for (const s of run.sessions) assert.equal(s.exitStatus, 0, `session ${s.index}: ${s.stderr}`);
    assert.equal(run.sessions.length, SIZE.sessions);
  });

  it('replay has every session, with every command in order, nothing incomplete', () => {
    for (const truth of run.sessions) {
      const found = run.records.filter(
        (r): r is SessionRecord => r.type === 'session' && portOf(r) === truth.sourcePort,
      );
      assert.equal(found.length, 1, `session ${truth.index} (port ${truth.sourcePort})`);
      const commands = found[0]!.commands.filter((c) => c.argv[0] === '/bin/true').map((c) => c.argv);
      assert.deepEqual(commands, truth.commands, `session ${truth.index}`);
      assert.equal(found[0]!.incomplete, false, found[0]!.incomplete_reasons.join('; '));
    }
  });

  it('replay has every failed attempt, per connection', () => {
    assert.equal(
      run.failures.reduce((n, f) => n + f.attempts, 0),
      SIZE.attempts,
      'the driver typed every password',
    );
    for (const truth of run.failures) {
      const auths = run.records.filter((r): r is AuthRecord => r.type === 'auth' && portOf(r) === truth.sourcePort);
      assert.deepEqual(
        auths.map((a) => [a.method, a.success]),
        Array(truth.attempts).fill(['password', false]),
        `port ${truth.sourcePort}`,
      );
    }
    const failed = run.records.filter((r): r is AuthRecord => r.type === 'auth' && !r.success && r.user === run.victim);
    const sessionPorts = new Set(run.sessions.map((s) => s.sourcePort));
    const extra = failed.filter((a) => !run.failures.some((f) => f.sourcePort === a.source?.port));
    assert.deepEqual(
      extra.map((a) => ({ ...a, sessionPort: sessionPorts.has(a.source?.port ?? null) })),
      [],
      'failed attempts the driver did not make',
    );
    assert.equal(failed.length, SIZE.attempts);
  });

  it('explains everything: no anomaly', () => {
    assert.deepEqual(
      run.records.filter((r) => r.type === 'anomaly'),
      [],
    );
  });
});
