// Issue #3: `sshtrace replay` on a capture of thousands of logins keeps its memory flat: it neither loads the file
// nor keeps the records it has reduced. The capture is a generated privsep history (the oracle's simulator)
// written as the recorder writes captures (support/recorded-capture.ts): a batch and a counters entry about once
// a second of event time, nothing lost. The model holds finished records until a counters event shows no loss,
// so without those counters entries every record would stay in memory to the end (this test then fails: at
// 12,000 logins the held records alone need more heap than the child is given).
// Replay runs as a real CLI child with a small V8 heap, on 3,000 logins and on that history played four times
// (12,000 logins): the same heap must do for both, and the first records must reach a slow jsonl consumer while
// the child is still reading the capture (before half of it, for the 12,000; the reader takes 1 MiB at a time).
// Needs no root, no sshd and no BPF (it only writes and replays a capture file under the temp directory);
// it reads the child's /proc entries, so it needs Linux.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KernelEvent, SnapshotEvent } from '../../capture/events';
import { sampleHeader } from '../arbitraries/captures';
import {
  CloseChannelCommand,
  ConnectCommand,
  EndSessionCommand,
  OpenChannelCommand,
  SucceedCommand,
  fixedSetup,
  prog,
  RunProgramCommand,
} from '../sim/script';
import { runScenario } from '../sim/scenario';
import type { PrivsepCommand } from '../sim/cmd-connect';
import type { CaptureHeader } from '../../capture/format';
import { kernelEvents, repeated, writeRecordedCapture, type RecordedCaptureStats } from './support/recorded-capture';

const CLI = resolve(__dirname, '../../cli/main.js');
const LOGINS = 3000;
const GROWTH = 4;
// Measured: replay with counters entries succeeds on 12,000 logins from a 16 MiB heap; holding 12,000 session
// records needs about 60 MiB (it fails at 48). 32 MiB leaves a factor of two either way.
const HEAP_MB = 32;
const CHILD_TIMEOUT_MS = 40_000;
const dir = mkdtempSync(join(tmpdir(), 'sshtr-replay-memory-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** One history of `n` logins, each an exec session running `id -u`, ending with every connection closed. */
function manyLogins(n: number): { header: CaptureHeader; kernel: KernelEvent[] } {
  const actions: PrivsepCommand[] = [];
  for (let i = 0; i < n; i++) {
    actions.push(
      new ConnectCommand(i % 3, i),
      new SucceedCommand(0, 'sshtr_alice', 'password', false, 0),
      new OpenChannelCommand(0, 'exec', `echo ${i}`),
      new RunProgramCommand(0, 0, prog(['id', '-u'])),
      new CloseChannelCommand(0, 0, null, { code: 0 }),
      new EndSessionCommand(0, 'disconnect'),
    );
  }
  const events = runScenario({ setup: fixedSetup('9.2p1'), commands: actions }).events;
  const snapshot = events.find((e): e is SnapshotEvent => e.kind === 'snapshot');
  const header = sampleHeader({
    snapshot: snapshot?.processes ?? [],
    passwd: [['sshtr_alice', 1001, 1001, '/home/a', '/bin/bash']],
  });
  return { header, kernel: kernelEvents(events) };
}

interface Progress {
  readonly sessions: number;
  readonly readOffset: number | null;
}

interface ReplayRun {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stderr: string;
  readonly sessions: { connection: string; incomplete: boolean; commands: { argv: string[] }[] }[];
  /** When the first records reached the consumer: how far the child had read the capture (null: file closed). */
  readonly first: Progress;
  /** Peak resident set of the child, from its last /proc sample (kB). */
  readonly peakRssKb: number;
  readonly ms: number;
}

/** Where the child's read of `path` stands (null when it has no descriptor open on it). */
function readOffset(pid: number, path: string): number | null {
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (target !== path) continue;
      const pos = /^pos:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
      if (pos) return Number(pos[1]);
    }
  } catch {
    /* the child has exited */
  }
  return null;
}

function peakRssKb(pid: number): number {
  try {
    return Number(/^VmHWM:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Runs `sshtrace replay --format jsonl --type session` on `path` with a V8 heap of HEAP_MB. The consumer is slow
 * at first: on the first chunk of output it stops reading for PAUSE_MS (the child, writing with back-pressure,
 * stalls), notes how far the child had read the capture, then reads the rest.
 */
const PAUSE_MS = 300;
function replay(path: string): Promise<ReplayRun> {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${HEAP_MB}`, CLI, 'replay', '--format', 'jsonl', '--type', 'session', path],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const pid = child.pid!;
  const out: Buffer[] = [];
  let stderr = '';
  let first: Progress | null = null;
  let peak = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    out.push(chunk);
    peak = Math.max(peak, peakRssKb(pid));
    if (first) return;
    child.stdout.pause();
    first = { sessions: Buffer.concat(out).toString('utf8').split('\n').length - 1, readOffset: readOffset(pid, path) };
    setTimeout(() => {
      peak = Math.max(peak, peakRssKb(pid));
      child.stdout.resume();
    }, PAUSE_MS);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  return new Promise((done) =>
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const text = Buffer.concat(out).toString('utf8').trim();
      const sessions =
        code === 0 && text !== '' ? text.split('\n').map((l) => JSON.parse(l) as ReplayRun['sessions'][number]) : [];
      done({
        code,
        signal,
        stderr,
        sessions,
        first: first ?? { sessions: 0, readOffset: null },
        peakRssKb: peak,
        ms: Date.now() - started,
      });
    }),
  );
}

describe('replay memory', () => {
  let history: ReturnType<typeof manyLogins>;
  before(() => {
    history = manyLogins(LOGINS);
  });

  for (const times of [1, GROWTH]) {
    const logins = LOGINS * times;
    it(`reduces ${logins} logins in a ${HEAP_MB} MiB heap, releasing records as it reads`, async (t) => {
      const path = join(dir, `logins-${logins}.sshtrace`);
      const capture: RecordedCaptureStats = await writeRecordedCapture(
        path,
        history.header,
        repeated(history.kernel, times, history.header.clock.ts),
      );
      // About one counters entry a second of event time (~57 logins), as the recorder writes them.
      assert.ok(
        capture.countersEntries >= logins / 100,
        `${capture.countersEntries} counters entries for ${logins} logins`,
      );
      // The decoded events alone (objects of ~300 bytes each) would not fit in the heap the child has.
      assert.ok(
        capture.kernelEvents * 300 > HEAP_MB * 2 ** 20,
        `${capture.kernelEvents} events: make the capture bigger`,
      );

      const run = await replay(path);
      t.diagnostic(
        `${logins} logins: ${capture.kernelEvents} events, ${capture.countersEntries} counters entries, ${capture.bytes} bytes; ` +
          `replay ${run.ms} ms, peak RSS ${Math.round(run.peakRssKb / 1024)} MiB; first ${run.first.sessions} sessions ` +
          `released at read offset ${run.first.readOffset ?? 'closed'}`,
      );
      assert.equal(run.code, 0, `exit ${run.code ?? run.signal} (${HEAP_MB} MiB heap): ${run.stderr.slice(-2000)}`);
      assert.equal(run.sessions.length, logins);
      assert.equal(new Set(run.sessions.map((s) => s.connection)).size, logins);
      assert.ok(run.sessions.every((s) => !s.incomplete && s.commands.some((c) => c.argv.join(' ') === 'id -u')));
      // Records leave as counters events vouch for them: the first ones reached the consumer while the reader
      // was still inside the capture, not after the trailer (with the whole file read, or already closed).
      assert.ok(
        run.first.readOffset !== null && run.first.readOffset < capture.bytes,
        `first records released at read offset ${run.first.readOffset ?? '(file closed)'} of ${capture.bytes}`,
      );
      if (times > 1) {
        assert.ok(
          run.first.readOffset < capture.bytes / 2,
          `first records released at read offset ${run.first.readOffset} of ${capture.bytes}`,
        );
      }
    });
  }
});
