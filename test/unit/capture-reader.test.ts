import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { KernelEvent, SnapshotProcess, TraceEvent } from '../../capture/events';
import { openCaptures, readEvents, type FileSummary } from '../../replay';
import type { CaptureHeader, CounterFields } from '../../capture/format';
import { CaptureInputError, EXIT, FormatTooNewError } from '../../capture/errors';
import { encodeFrame } from '../../capture/frame-codec';
import { FrameKind } from '../../capture/frame-header';
import { FileWriter } from '../../record/file-writer';
import { sampleHeader } from '../arbitraries/captures';
import { encodeEvent } from '../../capture/encode-events';
import { zeroCounters } from '../../capture/counters';
import { CAPS, EV } from '../../capture/layout';

const dir = mkdtempSync(join(tmpdir(), 'sshtrace-reader-'));
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
const listener: SnapshotProcess = {
  pid: 812,
  ppid: 1,
  exe: '/usr/sbin/sshd',
  argv: ['sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'],
  comm: 'sshd',
  uid: [0, 0, 0, 0],
  gid: [0, 0, 0, 0],
  auid: 4294967295,
  sessionid: 4294967295,
  startBoottime: 1_000_000_000,
  tty: '',
  root: '/',
  flags: 3,
  peer: null,
};
const fork: KernelEvent = {
  kind: 'fork',
  ts: 6_000_000_000,
  tgid: 812,
  tid: 812,
  truncated: false,
  childTgid: 900,
  childTid: 900,
  thread: false,
  creds,
  comm: 'sshd',
};
const exit: KernelEvent = {
  kind: 'exit',
  ts: 6_500_000_000,
  tgid: 900,
  tid: 900,
  truncated: false,
  exitCode: 255,
  signal: null,
  core: false,
  rawStatus: 255 << 8,
  ppid: 812,
  startBoottime: 6_000_000_000,
  creds,
  comm: 'sshd',
};
const counters = (emittedFork: number, droppedExit: number): CounterFields => {
  const emitted = Array(CAPS.EV_MAX).fill(0);
  emitted[EV.FORK] = emittedFork;
  const dropped = Array(CAPS.EV_MAX).fill(0);
  dropped[EV.EXIT] = droppedExit;
  return zeroCounters({ emitted, dropped, userDroppedRecords: 2, userDroppedBatches: 1, delivered: 5 });
};

async function writeCapture(name: string, header: CaptureHeader, close = true): Promise<string> {
  const path = join(dir, name);
  const writer = await FileWriter.create(path, header);
  await writer.append({ k: 'ev', d: Buffer.concat([encodeEvent(fork), encodeEvent(exit)]) });
  await writer.append({ k: 'counters', ts: 7_000_000_000, ...counters(1, 4) });
  await writer.append({ k: 'clock', ts: 8_000_000_000, realtimeNs: 1_764_327_603_000_000_000 });
  await writer.flush();
  if (close)
    await writer.close({
      k: 'end',
      ts: 9_000_000_000,
      clean: true,
      reason: 'interrupted (SIGINT)',
      counters: counters(1, 4),
    });
  else await writer.abandon();
  return path;
}

async function collect(paths: string[], onFileEnd?: (s: FileSummary) => void): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  for await (const e of readEvents(paths, onFileEnd ? { onFileEnd } : {})) events.push(e);
  return events;
}

const header = sampleHeader({ snapshot: [listener] });

describe('reading captures', () => {
  it('yields the snapshot and clock first, then the events in order, then a clean end', async () => {
    const events = await collect([await writeCapture('clean.sshtrace', header)]);
    assert.deepEqual(events, [
      {
        kind: 'snapshot',
        ts: header.clock.ts,
        processes: [listener],
        opensshVersions: header.opensshVersions,
        users: header.passwd.map(([name, uid]) => [name, uid]),
      },
      { kind: 'clock', ts: header.clock.ts, realtimeNs: header.clock.realtimeNs },
      fork,
      exit,
      {
        kind: 'counters',
        ts: 7_000_000_000,
        emitted: { fork: 1 },
        dropped: { exit: 4 },
        truncated: 0,
        frameDesync: 0,
        trackFailed: 0,
        readFailed: 0,
        userDropped: 2,
        unknownEvents: 0,
      },
      { kind: 'clock', ts: 8_000_000_000, realtimeNs: 1_764_327_603_000_000_000 },
      { kind: 'capture_end', ts: 9_000_000_000, clean: true, reason: 'interrupted (SIGINT)' },
    ]);
  });

  it('ends a capture without a trailer with an unclean capture_end', async () => {
    const events = await collect([await writeCapture('killed.sshtrace', header, false)]);
    assert.deepEqual(events.at(-1), {
      kind: 'capture_end',
      ts: 8_000_000_000,
      clean: false,
      reason: 'capture ended without a trailer (recorder killed or file cut)',
    });
  });

  it('reports a damaged frame as a gap and reads on after it', async () => {
    const path = await writeCapture('damaged.sshtrace', header);
    const bytes = readFileSync(path);
    const batchAt = bytes.indexOf(Buffer.from([0x89, 0x53, 0x54, 0x46, 1, FrameKind.Batch]));
    bytes[batchAt + 40]! ^= 0xff;
    writeFileSync(path, bytes);
    const summaries: FileSummary[] = [];
    const events = await collect([path], (s) => summaries.push(s));
    assert.deepEqual(
      events.map((e) => e.kind),
      ['snapshot', 'clock', 'gap', 'capture_end'],
    );
    const gap = events[2] as { bytes: number; reason: string };
    const trailerAt = bytes.lastIndexOf(Buffer.from([0x89, 0x53, 0x54, 0x46]));
    assert.equal(gap.bytes, trailerAt - batchAt);
    assert.match(gap.reason, /payload checksum mismatch/);
    assert.deepEqual(
      summaries[0]!.summary.damage.map((d) => [d.kind, d.offset, d.length]),
      [['damaged', batchAt, trailerAt - batchAt]],
    );
    assert.deepEqual(summaries[0]!.summary.missingSeqs, [[1, 1]]);
  });

  it('orders files by segment within a boot and by wall clock across boots', async () => {
    const boot = (bootId: string, index: number, ts: number, realtimeNs: number) =>
      sampleHeader({ bootId, segment: { index }, clock: { ts, realtimeNs }, hostname: `${bootId}-${index}` });
    const later = await writeCapture('s1.sshtrace', boot('b1', 1, 50, 2_000));
    const first = await writeCapture('s0.sshtrace', boot('b1', 0, 900, 1_000));
    const otherBoot = await writeCapture('o.sshtrace', boot('b0', 7, 10, 500));
    const set = await openCaptures([later, first, otherBoot]);
    assert.deepEqual(
      set.files.map((f) => f.header?.hostname),
      ['b0-7', 'b1-0', 'b1-1'],
    );
  });

  it('reads the captures of a directory and ignores other files', async () => {
    const sub = join(dir, 'many');
    mkdirSync(sub);
    await writeCapture('many/a.sshtrace', header);
    writeFileSync(join(sub, 'notes.txt'), 'not a capture');
    const set = await openCaptures([sub]);
    assert.deepEqual(
      set.files.map((f) => f.path),
      [join(sub, 'a.sshtrace')],
    );
  });
});

describe('unusable input', () => {
  const rejects = (
    paths: string[],
    code: number,
    pattern: RegExp,
    type: new (...args: never[]) => Error = CaptureInputError,
  ) =>
    assert.rejects(
      openCaptures(paths),
      (e: Error & { exitCode?: number }) => e instanceof type && e.exitCode === code && pattern.test(e.message),
    );

  it('a missing file', () =>
    rejects(
      [join(dir, 'absent.sshtrace')],
      EXIT.inputMissing,
      /^no such capture: .*absent\.sshtrace \(check the path\)$/,
    ));

  it('a directory with no captures', () => {
    mkdirSync(join(dir, 'empty-dir'));
    return rejects([join(dir, 'empty-dir')], EXIT.noCaptures, /holds no captures/);
  });

  it('an empty file', () => {
    writeFileSync(join(dir, 'empty.sshtrace'), '');
    return rejects([join(dir, 'empty.sshtrace')], EXIT.emptyCapture, /is empty/);
  });

  it('a file that is not a capture', () => {
    writeFileSync(join(dir, 'text.sshtrace'), 'hello world\n'.repeat(1000));
    return rejects([join(dir, 'text.sshtrace')], EXIT.notACapture, /is not an sshtrace capture/);
  });

  it('a capture cut inside its first frame', () => {
    writeFileSync(join(dir, 'cut.sshtrace'), encodeFrame(FrameKind.FileHeader, 0, header).subarray(0, 50));
    return rejects([join(dir, 'cut.sshtrace')], EXIT.notACapture, /holds no complete frame/);
  });

  it('a newer frame version', () => {
    const frame = encodeFrame(FrameKind.FileHeader, 0, header);
    frame[4] = 9;
    writeFileSync(join(dir, 'v9.sshtrace'), frame);
    return rejects(
      [join(dir, 'v9.sshtrace')],
      EXIT.formatTooNew,
      /frame version 9.*upgrade sshtrace/,
      FormatTooNewError,
    );
  });

  it('a newer capture format', () => {
    writeFileSync(join(dir, 'f2.sshtrace'), encodeFrame(FrameKind.FileHeader, 0, { ...header, format: 2 }));
    return rejects(
      [join(dir, 'f2.sshtrace')],
      EXIT.formatTooNew,
      /capture format 2.*upgrade sshtrace/,
      FormatTooNewError,
    );
  });
});
