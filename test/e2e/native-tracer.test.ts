// End-to-end: the addon loads the real BPF object, follows a process family and delivers every event.
// Needs root and BTF; skips with the reason otherwise (CI has both and must run it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { start, type TracerOptions } from '../../native/index';
import { COUNTER_NAMES, PER_TYPE_COUNTERS } from '../../capture/counters';
import { CAPS, EVF } from '../../capture/layout';
import {
  addonSkipReason,
  bpfSkipReason,
  collect,
  EV,
  execFilename,
  exitCode,
  forkChild,
  makeFamilyShell,
  ofType,
  run,
  sum,
  threadCpuSeconds,
  tracerOptions,
  walkEvents,
} from './native-tracer-helpers';

// The record layer checks options as the user gave them (test/unit/record-options.test.ts); the addon only guards
// its C++ boundary, so a bad value from any other caller is a TypeError or RangeError, never a crash or a load.
describe('native tracer boundary (no root needed)', { skip: addonSkipReason() }, () => {
  const bad: Array<[string, Partial<TracerOptions>]> = [
    ['too many family names', { familyNames: Array.from({ length: CAPS.FAMILY_NAMES + 1 }, (_, i) => `fam${i}`) }],
    [`a ${CAPS.FAMILY_NAME_LEN}-byte family name`, { familyNames: ['s'.repeat(CAPS.FAMILY_NAME_LEN)] }],
    [`argvCap over ${CAPS.ARGV_CAP_MAX}`, { argvCap: CAPS.ARGV_CAP_MAX + 1 }],
    ['a zero batch interval', { batchIntervalMs: 0 }],
    ['no queue', { maxQueuedBatches: 0 }],
    ['a family name that is not a string', { familyNames: [7 as unknown as string] }],
  ];
  for (const [what, override] of bad) {
    test(`refuses ${what} before loading anything`, () => {
      assert.throws(
        () => start(tracerOptions(override)),
        (error: unknown) => error instanceof RangeError || error instanceof TypeError,
      );
    });
  }
});

const skip = bpfSkipReason();
if (skip) console.log(`# native tracer e2e skipped: ${skip}`);

describe('native tracer (root + BTF)', { skip }, () => {
  test('follows the family from its root exec, and nothing else', async () => {
    const family = makeFamilyShell();
    try {
      const source = start(tracerOptions());
      const collecting = collect(source);
      const [root, unrelated] = await Promise.all([
        run(family.shell, ['-c', "/bin/true; /bin/sh -c 'exit 7'; exit 0"]),
        run('/bin/true', []),
      ]);
      await source.stop();
      const events = walkEvents(await collecting);
      assert.equal(root.code, 0);

      const rootExec = ofType(events, EV.EXEC).find((r) => r.tgid === root.pid);
      assert.ok(rootExec, 'EV_EXEC of the family root');
      assert.ok(rootExec.flags & EVF.EXEC_FAMILY_ROOT, 'the root exec carries EVF_EXEC_FAMILY_ROOT');
      assert.equal(execFilename(rootExec), family.shell);

      const children = ofType(events, EV.FORK)
        .filter((r) => r.tgid === root.pid)
        .map(forkChild);
      assert.equal(children.length, 2, 'the root forked once for /bin/true and once for /bin/sh');
      const childExecs = ofType(events, EV.EXEC).filter((r) => children.includes(r.tgid));
      assert.deepEqual(childExecs.map(execFilename).sort(), ['/bin/sh', '/bin/true']);

      const exits = new Map(ofType(events, EV.EXIT).map((r) => [r.tgid, exitCode(r)]));
      const shPid = childExecs.find((r) => execFilename(r) === '/bin/sh')!.tgid;
      assert.equal(exits.get(shPid), 7 << 8, "sh -c 'exit 7' exits with status 7");
      assert.equal(exits.get(root.pid), 0);
      assert.equal(exits.size, 3, 'exits of the root and its two children');

      const strangers = events.filter((r) => r.tgid === unrelated.pid || r.tgid === process.pid);
      assert.deepEqual(strangers, [], 'nothing from the unrelated /bin/true or from the recorder');
    } finally {
      family.cleanup();
    }
  });

  test('stop() delivers every emitted event, ends the iteration, and is safe twice', async () => {
    const family = makeFamilyShell();
    const loops = 300;
    try {
      const source = start(tracerOptions());
      const collecting = collect(source);
      const root = await run(family.shell, ['-c', `i=0; while [ $i -lt ${loops} ]; do /bin/true; i=$((i+1)); done`]);
      await Promise.all([source.stop(), source.stop()]);
      const batches = await collecting;
      const events = walkEvents(batches);
      const final = batches.at(-1)!.counters;

      assert.equal(root.code, 0);
      assert.equal(ofType(events, EV.FORK).filter((r) => r.tgid === root.pid).length, loops);
      assert.equal(ofType(events, EV.EXEC).length, loops + 1, 'the root exec and one per /bin/true');
      assert.equal(ofType(events, EV.EXIT).length, loops + 1);
      assert.equal(final.delivered, events.length);
      assert.equal(sum(final.emitted), final.delivered, 'every emitted event reached JavaScript');
      assert.equal(sum(final.dropped) + final.userDroppedRecords + final.malformed, 0);
      assert.deepEqual(source.counters(), final, 'counters() after stop are the final ones');
      assert.deepEqual(
        Object.keys(final),
        [...PER_TYPE_COUNTERS, ...COUNTER_NAMES],
        'the addon reports the counters of capture/counters.ts, in order',
      );
      assert.throws(() => source.track(root.pid, 1), /stopped/);
    } finally {
      family.cleanup();
    }
  });

  test('a tiny ring buffer makes the kernel drop, and the drops are counted', async () => {
    const family = makeFamilyShell();
    const longArg = 'x'.repeat(900); // exec events of ~1 KiB: a 4 KiB ring holds three
    try {
      const source = start(tracerOptions({ ringBufferBytes: 4096, batchIntervalMs: 50 }));
      const collecting = collect(source);
      await run(family.shell, ['-c', `for i in $(seq 1 400); do /bin/true ${longArg} & done; wait`]);
      await source.stop();
      const events = walkEvents(await collecting);
      const final = source.counters();
      assert.ok(sum(final.dropped) > 0, `expected drops, counters: ${JSON.stringify(final.dropped)}`);
      assert.equal(final.delivered, events.length);
      assert.equal(sum(final.emitted), final.delivered, 'what was not dropped was delivered');
    } finally {
      family.cleanup();
    }
  });

  test('a consumer that falls behind loses nothing while the pile stays under maxPendingBytes', async () => {
    const family = makeFamilyShell();
    try {
      const source = start(tracerOptions({ batchBytes: 4096, maxQueuedBatches: 1 }));
      const root = await run(family.shell, ['-c', 'i=0; while [ $i -lt 100 ]; do /bin/true; i=$((i+1)); done']);
      await source.stop(); // nothing was taken off the queue until now
      const batches = await collect(source);
      const final = source.counters();
      assert.equal(root.code, 0);
      assert.equal(batches.length, 2, 'the one queued batch, then everything else in the final one');
      assert.equal(ofType(walkEvents(batches), EV.EXEC).length, 101);
      assert.equal(final.userDroppedRecords + final.userDroppedBatches, 0);
      assert.equal(sum(final.emitted), final.delivered);
    } finally {
      family.cleanup();
    }
  });

  test('past maxPendingBytes the pile is dropped, and counted, never silently', async () => {
    const family = makeFamilyShell();
    try {
      const source = start(tracerOptions({ batchBytes: 4096, maxQueuedBatches: 1, maxPendingBytes: 64 << 10 }));
      await run(family.shell, ['-c', 'i=0; while [ $i -lt 400 ]; do /bin/true; i=$((i+1)); done']);
      await source.stop();
      const events = walkEvents(await collect(source));
      const final = source.counters();
      assert.ok(final.userDroppedBatches >= 1, `expected user-space drops: ${JSON.stringify(final)}`);
      assert.equal(final.delivered, events.length);
      assert.equal(
        sum(final.emitted),
        final.delivered + final.userDroppedRecords,
        'every event is delivered or counted',
      );
    } finally {
      family.cleanup();
    }
  });

  test('without CAP_BPF/CAP_PERFMON start() fails at the privileges step, saying what to do', () => {
    const index = path.resolve(__dirname, '../../native/index.js');
    const script = `try { require(${JSON.stringify(index)}).start(${JSON.stringify(tracerOptions())}); }
      catch (e) { console.log(JSON.stringify({ name: e.name, step: e.step, message: e.message })); }`;
    const child = spawnSync('setpriv', ['--bounding-set=-all', '--inh-caps=-all', process.execPath, '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    const error = JSON.parse(child.stdout) as { name: string; step: string; message: string };
    assert.deepEqual([error.name, error.step], ['TracerError', 'privileges']);
    assert.match(error.message, /root|CAP_BPF/);
  });

  test('track() and trackedFlags() reach the tracked map', async () => {
    const source = start(tracerOptions());
    const collecting = collect(source);
    try {
      const pid = Number(spawnSync('/bin/sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim()); // exited, untracked
      assert.equal(source.trackedFlags(pid), 0);
      source.track(pid, 0b101);
      assert.equal(source.trackedFlags(pid), 0b101);
      source.track(pid, 0);
      assert.equal(source.trackedFlags(pid), 0);
      assert.throws(() => source.track(1 << 30, 1), RangeError);
    } finally {
      await source.stop();
      await collecting;
    }
  });

  test('a process that exits without stop() neither crashes nor hangs', () => {
    const index = JSON.stringify(path.resolve(__dirname, '../../native/index.js'));
    const options = JSON.stringify(tracerOptions());
    const startTracer = `const s = require(${index}).start({ ...${options}, selfTgid: process.pid });
      (async () => { for await (const b of s) {} })();`;
    const inWorker = `const { Worker } = require('node:worker_threads');
      const w = new Worker(${JSON.stringify(`${startTracer} require('node:worker_threads').parentPort.postMessage(1);`)},
        { eval: true });
      w.on('message', () => setTimeout(() => w.terminate().then(() => process.exit(0)), 300));`;
    const endings: Array<[string, string, number]> = [
      ['process.exit()', `${startTracer} setTimeout(() => process.exit(0), 300);`, 0],
      ['process.exit() right after stop()', `${startTracer} setTimeout(() => { s.stop(); process.exit(0); }, 300);`, 0],
      ['an uncaught exception', `${startTracer} setTimeout(() => { throw new Error('boom'); }, 300);`, 1],
      ['a terminated worker', inWorker, 0],
    ];
    for (const [how, script, status] of endings) {
      const child = spawnSync(process.execPath, ['-e', script], { timeout: 20_000, encoding: 'utf8' });
      assert.equal(child.signal, null, `${how}: killed by ${child.signal}; stderr: ${child.stderr}`);
      assert.equal(child.status, status, `${how}: stderr: ${child.stderr}`);
    }
  });

  test('measure: a burst of 20k execs in the family (reported, never pass/fail on time)', async (t) => {
    const family = makeFamilyShell();
    const execs = Number(process.env.SSHTRACE_BURST_EXECS ?? 20_000);
    try {
      const burst = await measure(async () => {
        await run(family.shell, ['-c', `i=0; while [ $i -lt ${execs} ]; do /bin/true; i=$((i+1)); done`]);
      });
      const idle = await measure(
        () => new Promise((resolve) => setTimeout(resolve, Math.min(burst.seconds, 3) * 1000)),
      );
      for (const [name, m] of [
        ['burst', burst],
        ['idle', idle],
      ] as const) {
        t.diagnostic(
          `${name}: ${m.seconds.toFixed(2)} s, ${m.batches} batches (${(m.batches / m.seconds).toFixed(1)}/s), ` +
            `${m.events} events (${(m.events / m.seconds).toFixed(0)}/s), process CPU ${m.processCpu.toFixed(3)} s ` +
            `(${((100 * m.processCpu) / m.seconds).toFixed(1)}%), drain thread CPU ${m.drainCpu.toFixed(2)} s, ` +
            `dropped ${m.dropped}`,
        );
      }
      assert.equal(burst.dropped, 0, 'a 4 MiB ring keeps up with a fork/exec loop');
    } finally {
      family.cleanup();
    }
  });
});

async function measure(work: () => Promise<unknown>) {
  const source = start(tracerOptions({ batchBytes: 1 << 20, batchIntervalMs: 100 }));
  let batches = 0;
  let events = 0;
  const consuming = (async () => {
    for await (const batch of source) {
      batches++;
      events += batch.count;
    }
  })();
  const drainBefore = threadCpuSeconds('sshtrace-drain') ?? 0;
  const cpuBefore = process.cpuUsage();
  const startedAt = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const drainCpu = (threadCpuSeconds('sshtrace-drain') ?? 0) - drainBefore;
  await source.stop();
  await consuming;
  const dropped = sum(source.counters().dropped) + source.counters().userDroppedRecords;
  return { seconds, batches, events, processCpu: (cpu.user + cpu.system) / 1e6, drainCpu, dropped };
}
