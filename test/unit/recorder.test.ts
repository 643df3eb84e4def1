import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { KernelEvent, SnapshotProcess, TraceEvent } from '../../capture/events';
import type { Batch, TracerOptions } from '../../native/index';
import { readEvents } from '../../replay';
import { openCaptures } from '../../replay/capture-set';
import { fileProblems } from '../../cli/replay/run';
import { describeAtStart, missingEvidence } from '../../capture/skipped-programs';
import { EXIT, OutputError, type SshtraceError } from '../../capture/errors';
import type { RecordOptions } from '../../record/record-options';
import { record, type RecorderDeps } from '../../record/recorder';
import { fromTracerError } from '../../record/tracer-errors';
import { encodeEvent } from '../../capture/encode-events';
import { CAPS, EV } from '../../capture/layout';
import { counters, FakeTracer } from '../arbitraries/fake-tracer';

const dir = mkdtempSync(join(tmpdir(), 'sshtrace-recorder-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const creds = {
  uid: 0,
  euid: 0,
  suid: 0,
  fsuid: 0,
  gid: 0,
  egid: 0,
  sgid: 0,
  fsgid: 0,
  auid: 4294967295,
  sessionid: 4294967295,
};
const proc = (pid: number, ppid: number, argv: string[], flags: number): SnapshotProcess => ({
  pid,
  ppid,
  exe: '/usr/sbin/sshd',
  argv,
  comm: 'sshd',
  uid: [0, 0, 0, 0],
  gid: [0, 0, 0, 0],
  auid: 4294967295,
  sessionid: 4294967295,
  startBoottime: 1e9,
  tty: '',
  root: '/',
  flags,
  peer: null,
});
const listener = proc(812, 1, ['sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'], 3);
const monitor = proc(900, 812, ['sshd: sshtr_alice [priv]'], 3);
const forkEvent = (ts: number, child: number): KernelEvent => ({
  kind: 'fork',
  ts,
  tgid: 812,
  tid: 812,
  truncated: false,
  childTgid: child,
  childTid: child,
  thread: false,
  creds,
  comm: 'sshd',
});
const batchOf = (events: KernelEvent[], c = counters()): Batch => ({
  events: Buffer.concat(events.map(encodeEvent)),
  count: events.length,
  counters: c,
});

function options(name: string, overrides: Partial<RecordOptions> = {}): RecordOptions {
  return {
    output: join(dir, name),
    durationS: null,
    force: false,
    familyNames: ['sshd', 'sshd-session', 'sshd-auth'],
    ringBufferBytes: 16 << 20,
    argvCap: 4096,
    fileWrites: false,
    syscallSends: false,
    ...overrides,
  };
}

interface Harness {
  deps: RecorderDeps;
  stderr: string[];
  stop: (reason: string) => void;
  started: TracerOptions[];
}

function harness(tracer: FakeTracer, opts: RecordOptions, overrides: Partial<RecorderDeps> = {}): Harness {
  const stderr: string[] = [];
  const started: TracerOptions[] = [];
  let stop!: (reason: string) => void;
  let clock = 5_000_000_000;
  const scans = [[listener], [listener, monitor]];
  const deps: RecorderDeps = {
    startTracer: (o) => {
      started.push(o);
      return tracer;
    },
    scan: () => scans.shift() ?? [listener, monitor],
    hostInfo: () => ({
      hostname: 'h',
      kernelRelease: '6.18',
      bootId: 'b',
      passwd: [['root', 0, 0, '/root', '/bin/sh']],
      group: [],
    }),
    opensshVersions: () => ({ '/usr/sbin/sshd': 'OpenSSH_9.2p1' }),
    clock: {
      now: () => ({ ts: (clock += 1000), realtimeNs: 1.7e18 + clock }),
      bootNs: () => (clock += 1000),
      refresh: () => undefined,
    },
    openOutput: () => open(opts.output, 'wx', 0o600),
    removeOutput: () => unlink(opts.output),
    stopRequested: new Promise((resolve) => {
      stop = resolve;
    }),
    stderr: (line) => stderr.push(line),
    toolVersion: '0.1.0-test',
    selfPid: 4242,
    intervals: { flushMs: 20, clockMs: 10_000, warnMs: 60_000 },
    ...overrides,
  };
  return { deps, stderr, stop, started };
}

async function eventsOf(path: string): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  for await (const e of readEvents([path])) events.push(e);
  return events;
}

const nextTick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('record (with a fake tracer)', () => {
  it('seeds tracking twice, writes header, batches and counters, and a trailer on stop', async () => {
    const opts = options('happy.sshtrace');
    const tracer = new FakeTracer(batchOf([forkEvent(7e9, 1002)]));
    const h = harness(tracer, opts);
    const running = record(opts, h.deps);
    await nextTick();
    tracer.push(batchOf([forkEvent(6e9, 1001)], counters({ delivered: 1 })));
    await nextTick(50);
    h.stop('interrupted (SIGINT)');
    const summary = await running;

    assert.deepEqual(tracer.trackCalls, [
      [812, 3],
      [900, 3],
    ]);
    assert.equal(h.started[0]!.selfTgid, 4242);
    assert.deepEqual(h.stderr, [
      `sshtrace: recording 2 sshd-family processes (812 sshd: /usr/sbin/sshd -D [listener] 0 of…, 900 sshd: sshtr_alice [priv]) to ${opts.output}; Ctrl-C to stop`,
    ]);
    assert.equal(summary.events, 2);
    assert.equal(summary.reason, 'interrupted (SIGINT)');
    const events = await eventsOf(opts.output);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['snapshot', 'clock', 'fork', 'counters', 'fork', 'counters', 'counters', 'clock', 'capture_end'],
    );
    assert.deepEqual((events[0] as { processes: unknown }).processes, [listener, monitor]);
    assert.deepEqual([events[2], events[4]], [forkEvent(6e9, 1001), forkEvent(7e9, 1002)]);
    assert.deepEqual(events.at(-1), {
      kind: 'capture_end',
      ts: (events.at(-1) as { ts: number }).ts,
      clean: true,
      reason: 'interrupted (SIGINT)',
    });
  });

  it('says at start which hook the kernel lacks and what reads the sends instead, and keeps it in the header', async () => {
    const opts = options('skipped.sshtrace');
    const tracer = new FakeTracer();
    tracer.skippedPrograms = ['kfix_tp_btf__sock_send_length'];
    const h = harness(tracer, opts);
    const running = record(opts, h.deps);
    await nextTick();
    h.stop('interrupted (SIGINT)');
    await running;
    assert.equal(h.stderr.length, 2);
    assert.match(
      h.stderr[1]!,
      /^sshtrace: note: this kernel lacks the sock_send_length tracepoint: monitor frames, syslog and banners are read at the exit of write, writev, sendto and sendmsg instead/,
    );
    const set = await openCaptures([opts.output]);
    const header = set.files[0]!.header!;
    assert.deepEqual(
      [header.options.skippedPrograms, header.options.syscallSends],
      [['kfix_tp_btf__sock_send_length'], false],
    );
    const problems: string[] = [];
    for await (const _ of set.batches({ onFileEnd: (r) => problems.push(...fileProblems(r)) })) {
      /* read to the end */
    }
    assert.deepEqual(problems, [], 'the substitute read the same evidence: nothing to warn about');
  });

  it('replay warns about a capture whose recorder had no substitute for a missing hook', () => {
    // A recorder from before the kalt_ programs: its header has no syscallSends.
    const [line, ...more] = missingEvidence({ skippedPrograms: ['kfix_tp_btf__sock_send_length'] });
    assert.equal(more.length, 0);
    assert.match(
      line!,
      /^this kernel lacked the sock_send_length tracepoint, so the capture has no monitor frames.*no authentication records/,
    );
    assert.deepEqual(missingEvidence({ skippedPrograms: ['kfix_tp_btf__sock_send_length'], syscallSends: false }), []);
    assert.match(
      missingEvidence({ skippedPrograms: ['kfix_other'], syscallSends: false })[0]!,
      /BPF program kfix_other, which was not loaded/,
    );
    assert.deepEqual(describeAtStart(['kfix_other']), [
      'sshtrace: warning: this kernel lacks the hook of BPF program kfix_other, which was not loaded',
    ]);
  });

  it('leaves processes the kernel already tracks alone', async () => {
    const opts = options('tracked.sshtrace');
    const tracer = new FakeTracer();
    tracer.tracked.set(900, 7); // e.g. chrooted since: the kernel knows better than the scan
    const h = harness(tracer, opts);
    const running = record(opts, h.deps);
    await nextTick();
    h.stop('stopped by SIGTERM');
    await running;
    assert.deepEqual(tracer.trackCalls, [[812, 3]]);
  });

  it('stops by itself after --duration', async () => {
    const opts = options('duration.sshtrace', { durationS: 0.05 });
    const h = harness(new FakeTracer(), opts);
    const summary = await record(opts, h.deps);
    assert.equal(summary.reason, 'duration of 0.05 s elapsed');
    assert.equal((await eventsOf(opts.output)).at(-1)!.kind, 'capture_end');
  });

  it('flushes pending events within the flush interval, before any stop', async () => {
    const opts = options('flush.sshtrace');
    const tracer = new FakeTracer();
    const h = harness(tracer, opts);
    const running = record(opts, h.deps);
    await nextTick();
    tracer.push(batchOf([forkEvent(6e9, 1001)]));
    await nextTick(100);
    const beforeStop = (await eventsOf(opts.output)).map((e) => e.kind);
    h.stop('interrupted (SIGINT)');
    await running;
    assert.deepEqual(beforeStop, ['snapshot', 'clock', 'fork', 'counters', 'capture_end']);
  });

  it('warns once on stderr when events are lost, and counts them in the summary', async () => {
    const opts = options('losses.sshtrace');
    const tracer = new FakeTracer();
    const h = harness(tracer, opts);
    const running = record(opts, h.deps);
    await nextTick();
    const dropped = Array(CAPS.EV_MAX).fill(0);
    dropped[EV.MONITOR_MSG] = 30;
    tracer.push(batchOf([forkEvent(6e9, 1001)], counters({ dropped, userDroppedRecords: 5 })));
    await nextTick(10);
    tracer.push(batchOf([forkEvent(6e9, 1002)], counters({ dropped, userDroppedRecords: 9 })));
    await nextTick(10);
    h.stop('interrupted (SIGINT)');
    const summary = await running;
    assert.deepEqual(h.stderr.slice(1), [
      'sshtrace: warning: 30 records dropped in the kernel (ring buffer full: raise --ring-buffer-size); 5 records dropped in user space (the recorder fell behind)',
    ]);
    assert.deepEqual(summary.losses, { ringBuffer: 30, userDroppedRecords: 9, trackFailed: 0, malformed: 0 });
  });

  it('removes the output and reports the step when the tracer cannot start', async () => {
    const opts = options('refused.sshtrace');
    const refused = Object.assign(new Error('fentry programs are refused (EPERM)'), {
      name: 'TracerError',
      step: 'load',
    });
    const h = harness(new FakeTracer(), opts, {
      startTracer: () => {
        throw refused;
      },
    });
    await assert.rejects(record(opts, h.deps), (e) => e === refused);
    assert.equal(existsSync(opts.output), false);
    const mapped = fromTracerError(refused) as SshtraceError;
    assert.equal(mapped.message, 'cannot start the tracer (load): fentry programs are refused (EPERM)');
    assert.equal(mapped.exitCode, EXIT.kernel);
    assert.equal(
      (fromTracerError(Object.assign(new Error('x'), { name: 'TracerError', step: 'privileges' })) as SshtraceError)
        .exitCode,
      EXIT.privileges,
    );
  });

  it('stops the tracer and says so in one line when the disk is full', async (t) => {
    if (!existsSync('/dev/full')) return t.skip('/dev/full is absent');
    const opts = options('full.sshtrace', { output: '/dev/full' });
    const tracer = new FakeTracer();
    const h = harness(tracer, opts, { openOutput: () => open('/dev/full', 'w') });
    await assert.rejects(
      record(opts, h.deps),
      (e: Error) => e instanceof OutputError && /no space left on device \(ENOSPC\)/.test(e.message),
    );
    assert.equal(tracer.stopCalls, 1);
  });

  it('closes the capture with a trailer naming the failure when the tracer breaks mid-way', async () => {
    const opts = options('broken.sshtrace');
    const tracer = new FakeTracer();
    const h = harness(tracer, opts);
    const running = record(opts, h.deps);
    await nextTick();
    tracer.push(batchOf([forkEvent(6e9, 1001)]));
    await nextTick(10);
    tracer.fail(new Error('ring buffer poll failed'));
    await assert.rejects(running, /ring buffer poll failed/);
    const events = await eventsOf(opts.output);
    assert.deepEqual(
      events.filter((e) => e.kind === 'gap' || e.kind === 'capture_end').map((e) => ('reason' in e ? e.reason : '')),
      ['recorder note: tracer failed: ring buffer poll failed', 'tracer failed: ring buffer poll failed'],
    );
  });
});
