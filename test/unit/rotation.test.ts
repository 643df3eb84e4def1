// Rotation: --rotate-size/--rotate-interval/--max-total-size parsing, segments that are each a complete capture
// naming their index and predecessor, the cap deleting the oldest (and saying so), and the reader joining the
// segments of a directory back into one stream.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { KernelEvent, TraceEvent } from '../../capture/events';
import { openCaptures } from '../../replay/capture-set';
import { replayFiles } from '../../replay/pipeline';
import { runReplay } from '../../cli/replay/run';
import { Writable } from 'node:stream';
import type { CaptureHeader, Trailer } from '../../capture/format';
import { UsageError } from '../../capture/errors';
import { RotatingWriter, type RotationOptions } from '../../record/rotation';
import { intervalMs, rotationOptions, sizeBytes } from '../../record/rotation-options';
import { listSegments, nextSegmentIndex, SEGMENT_NAME, segmentName } from '../../record/rotation-files';
import type { SegmentSource } from '../../record/capture-writer';
import { encodeEvent } from '../../capture/encode-events';
import { zeroCounters } from '../../capture/counters';
import { CAPS } from '../../capture/layout';

const root = mkdtempSync(join(tmpdir(), 'sshtr-rotation-'));
after(() => rmSync(root, { recursive: true, force: true }));
const usage = (pattern: RegExp) => (e: unknown) => e instanceof UsageError && pattern.test(e.message);

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
const fork = (ts: number, child: number): KernelEvent => ({
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
const listener = {
  pid: 812,
  ppid: 1,
  exe: '/usr/sbin/sshd',
  argv: ['sshd'],
  comm: 'sshd',
  uid: [0, 0, 0, 0],
  gid: [0, 0, 0, 0],
  auid: 4294967295,
  sessionid: 4294967295,
  startBoottime: 1e9,
  tty: '',
  root: '/',
  flags: 3,
  peer: null,
} as const;

function header(segment: CaptureHeader['segment'], ts: number): CaptureHeader {
  return {
    format: 1,
    tool: 'sshtrace',
    toolVersion: 'test',
    eventsLayout: 1,
    hostname: 'h',
    kernelRelease: '6.18',
    bootId: 'boot-1',
    startedAt: '2026-11-28T12:00:00Z',
    clock: { ts, realtimeNs: 1.8e18 + ts },
    segment,
    passwd: [],
    group: [],
    snapshot: [listener],
    opensshVersions: {},
    options: {},
  };
}

const counters = zeroCounters();

/** A fake recorder side: segment headers and trailers stamped from a clock the test moves. */
function harness(dir: string, options: Partial<RotationOptions>) {
  let nowMs = Date.UTC(2026, 10, 28, 12, 0, 0);
  let ts = 1e12;
  const stderr: string[] = [];
  const source: SegmentSource = {
    header: (segment) => header(segment, (ts += 1000)),
    trailer: (reason): Trailer => ({ k: 'end', ts: (ts += 1000), clean: true, reason, counters }),
  };
  const rotation: RotationOptions = { dir, segmentBytes: null, intervalMs: null, maxTotalBytes: null, ...options };
  const start = async (index = 0) => {
    const path = join(dir, segmentName(index, new Date(nowMs)));
    return RotatingWriter.start(
      { path, file: await open(path, 'wx'), header: header({ index }, (ts += 1000)) },
      rotation,
      source,
      { nowMs: () => nowMs, stderr: (line) => stderr.push(line) },
    );
  };
  return {
    start,
    stderr,
    advance: (ms: number) => {
      nowMs += ms;
    },
    nextTs: () => (ts += 1000),
  };
}

async function eventsOf(paths: string[]): Promise<TraceEvent[]> {
  const set = await openCaptures(paths);
  const out: TraceEvent[] = [];
  for await (const e of set.events()) out.push(e);
  return out;
}

describe('rotation options', () => {
  it('reads sizes and durations the way an operator writes them', () => {
    assert.deepEqual(
      [sizeBytes('64M', 'x'), sizeBytes('1G', 'x'), sizeBytes('512KiB', 'x'), sizeBytes('1.5M', 'x')],
      [64 << 20, 1 << 30, 512 << 10, 1.5 * (1 << 20)],
    );
    assert.deepEqual(
      [
        intervalMs('90', 'x'),
        intervalMs('90s', 'x'),
        intervalMs('15m', 'x'),
        intervalMs('1h', 'x'),
        intervalMs('1d', 'x'),
      ],
      [90_000, 90_000, 900_000, 3_600_000, 86_400_000],
    );
    assert.throws(() => sizeBytes('lots', '--rotate-size'), usage(/--rotate-size must be a size such as 64M/));
    assert.throws(() => intervalMs('0.5s', '--rotate-interval'), usage(/at least 1s/));
  });

  it('is off without flags, rotates at a tenth of a lone cap, and refuses caps that cannot hold two segments', () => {
    assert.equal(rotationOptions('/d', {}), null);
    assert.deepEqual(rotationOptions('/d', { maxTotalSize: '1G' }), {
      dir: '/d',
      segmentBytes: ((1 << 30) / 10) | 0,
      intervalMs: null,
      maxTotalBytes: 1 << 30,
    });
    assert.deepEqual(rotationOptions('/d', { rotateInterval: '1h' }), {
      dir: '/d',
      segmentBytes: null,
      intervalMs: 3_600_000,
      maxTotalBytes: null,
    });
    assert.throws(
      () => rotationOptions('/d', { rotateSize: '64M', maxTotalSize: '100M' }),
      usage(/at least twice --rotate-size/),
    );
    assert.throws(() => rotationOptions('/d', { rotateSize: '1K' }), usage(/at least 64K/));
  });

  it('names segments by UTC creation time and index, and goes on from the highest index already there', async () => {
    const dir = mkdtempSync(join(root, 'names-'));
    assert.equal(
      segmentName(7, new Date(Date.UTC(2026, 10, 28, 12, 20, 7, 748))),
      'sshtrace-20261128T122007Z-000007.sshtrace',
    );
    assert.equal(await nextSegmentIndex(dir), 0);
    await (await open(join(dir, segmentName(41, new Date())), 'wx')).close();
    await (await open(join(dir, 'notes.txt'), 'wx')).close();
    assert.equal(await nextSegmentIndex(dir), 42);
  });
});

describe('rotating writer', () => {
  it('starts a new segment past --rotate-size; each is a complete capture naming its index and predecessor', async () => {
    const dir = mkdtempSync(join(root, 'size-'));
    const h = harness(dir, { segmentBytes: 64 * 1024 });
    const writer = await h.start();
    // 40 KiB of random bytes per frame: incompressible, so every second flush crosses 64 KiB; the sixth leaves a
    // fresh segment that the close then ends.
    for (let i = 0; i < 6; i++) {
      await writer.append({ k: 'ev', d: randomBytes(40 * 1024) });
      await writer.flush();
    }
    await writer.close({ k: 'end', ts: h.nextTs(), clean: true, reason: 'stopped', counters });
    const segments = await listSegments(dir);
    assert.deepEqual(
      segments.map((s) => s.index),
      [0, 1, 2, 3],
    );
    const set = await openCaptures([dir]);
    assert.deepEqual(
      set.files.map((f) => f.header!.segment),
      [
        { index: 0 },
        { index: 1, previous: segments[0]!.name },
        { index: 2, previous: segments[1]!.name },
        { index: 3, previous: segments[2]!.name },
      ],
    );
    for (const s of segments) {
      const ends = (await eventsOf([s.path])).filter((e) => e.kind === 'capture_end');
      assert.deepEqual(
        ends.map((e) => (e as { clean: boolean }).clean),
        [true],
        `${s.name} ends with a trailer`,
      );
    }
    assert.equal(writer.stats().segments, 4);
    assert.equal(
      writer.bytesWritten,
      segments.reduce((sum, s) => sum + s.size, 0),
    );
  });

  it('starts a new segment once the current one is --rotate-interval old', async () => {
    const dir = mkdtempSync(join(root, 'time-'));
    const h = harness(dir, { intervalMs: 60_000 });
    const writer = await h.start();
    await writer.append({ k: 'ev', d: encodeEvent(fork(h.nextTs(), 1001)) });
    await writer.flush();
    h.advance(59_000);
    await writer.flush();
    h.advance(1_000);
    await writer.flush();
    await writer.close({ k: 'end', ts: h.nextTs(), clean: true, reason: 'stopped', counters });
    assert.deepEqual(
      (await listSegments(dir)).map((s) => s.index),
      [0, 1],
    );
  });

  it('deletes the oldest segments beyond --max-total-size, says so, and never touches other files', async () => {
    const dir = mkdtempSync(join(root, 'cap-'));
    await (await open(join(dir, 'keep-me.txt'), 'wx')).close();
    const h = harness(dir, { segmentBytes: 64 * 1024, maxTotalBytes: 4 * 64 * 1024 });
    const writer = await h.start();
    for (let i = 0; i < 20; i++) {
      await writer.append({ k: 'ev', d: randomBytes(70 * 1024) });
      await writer.flush();
    }
    await writer.close({ k: 'end', ts: h.nextTs(), clean: true, reason: 'stopped', counters });
    const left = await listSegments(dir);
    const total = left.reduce((sum, s) => sum + s.size, 0);
    assert.ok(total <= 4 * 64 * 1024, `${total} bytes left, under the cap`);
    // Every flush (70 KiB) fills a segment; closed ones may use the cap minus room for the current one to fill
    // (256 - 64 = 192 KiB), so two closed segments stay beside the current one.
    assert.deepEqual(
      left.map((s) => s.index),
      [18, 19, 20],
    );
    assert.ok(readdirSync(dir).includes('keep-me.txt'));
    assert.equal(writer.stats().deletedSegments, 18);
    assert.match(
      h.stderr[0]!,
      /^sshtrace: deleted 1 oldest segment\(s\) \(0\.1 MiB: sshtrace-\d{8}T\d{6}Z-000000\.sshtrace\) to keep .* under --max-total-size$/,
    );
    assert.equal(h.stderr.length, 18);
    for (const s of left) assert.match(s.name, SEGMENT_NAME);
    assert.ok(left.every((s) => statSync(s.path).size > 0));
  });
});

describe('reading rotated segments', () => {
  async function threeSegments(dir: string) {
    const h = harness(dir, { intervalMs: 1000 });
    const writer = await h.start();
    for (const child of [1001, 1002, 1003]) {
      await writer.append({ k: 'ev', d: encodeEvent(fork(h.nextTs(), child)) });
      h.advance(1000);
      await writer.flush();
    }
    await writer.close({ k: 'end', ts: h.nextTs(), clean: true, reason: 'stopped', counters });
    return listSegments(dir);
  }

  it('joins a directory into one stream: one snapshot with processes, one end', async () => {
    const dir = mkdtempSync(join(root, 'join-'));
    const segments = await threeSegments(dir);
    assert.equal(segments.length, 4, 'three rotations, the last segment holds only the end');
    const events = await eventsOf([dir]);
    const snapshots = events.filter((e) => e.kind === 'snapshot') as unknown as { processes: unknown[] }[];
    assert.deepEqual(
      snapshots.map((s) => s.processes.length),
      [1],
    );
    assert.deepEqual(
      events.filter((e) => e.kind === 'capture_end').map((e) => (e as { reason: string }).reason),
      ['stopped'],
    );
    assert.deepEqual(
      events.filter((e) => e.kind === 'fork').map((e) => (e as { childTgid: number }).childTgid),
      [1001, 1002, 1003],
    );
    // The reducer sees one recording: nothing is reported as happening while the recorder was not running.
    const gaps = (await replayFiles([dir])).filter((r) => JSON.stringify(r).includes('recorder was not running'));
    assert.deepEqual(gaps, []);
  });

  it('counts the losses of a rotated recording once: its counters go on from segment to segment', async () => {
    const dir = mkdtempSync(join(root, 'losses-'));
    const h = harness(dir, { intervalMs: 1000 });
    const writer = await h.start();
    const dropped = Array(CAPS.EV_MAX).fill(0);
    dropped[0] = 30; // cumulative: the same 30 drops, reported again by each segment's counters
    for (const child of [1001, 1002]) {
      await writer.append({ k: 'ev', d: encodeEvent(fork(h.nextTs(), child)) });
      await writer.append({ k: 'counters', ts: h.nextTs(), ...counters, dropped });
      h.advance(1000);
      await writer.flush();
    }
    await writer.close({
      k: 'end',
      ts: h.nextTs(),
      clean: true,
      reason: 'stopped',
      counters: { ...counters, dropped },
    });
    assert.ok((await listSegments(dir)).length >= 2);
    const stderr: string[] = [];
    const sink = new Writable({ write: (_chunk, _enc, done) => done() });
    await runReplay(
      {
        files: [dir],
        format: 'jsonl',
        filter: { types: null, user: null, sinceMs: null, untilMs: null },
        strict: false,
      },
      { stdout: sink, stderr: (line) => stderr.push(line) },
    );
    assert.deepEqual(
      stderr.filter((l) => /dropped in the kernel/.test(l)).map((l) => l.match(/(\d+) event\(s\) dropped/)?.[1]),
      ['30'],
    );
  });

  it('a segment read without its predecessor keeps its snapshot and its end', async () => {
    const dir = mkdtempSync(join(root, 'alone-'));
    const segments = await threeSegments(dir);
    const events = await eventsOf([segments[2]!.path, segments[3]!.path]);
    const snapshots = events.filter((e) => e.kind === 'snapshot') as unknown as { processes: unknown[] }[];
    assert.deepEqual(
      snapshots.map((s) => s.processes.length),
      [1],
    );
    const ends = events.filter((e) => e.kind === 'capture_end') as { reason: string }[];
    assert.deepEqual(
      ends.map((e) => e.reason),
      ['stopped'],
    );
  });
});
