// Capture format figures: bytes per frame, compression ratio, write/read/decode speed, reader memory.
// node dist/bench/capture-format.bench.js [template.sshtrace] [connections]
// The template's kernel events (a real capture; by default a corpus one) are replayed as many connections with
// shifted pids, times, ports and inodes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KernelEvent } from '../capture/events';
import { readEvents } from '../replay';
import { decodeEvents, newDecodeStats } from '../capture/decode-events';
import { scanBuffer } from '../capture/file-frames';
import { FileWriter } from '../record/file-writer';
import type { CaptureHeader } from '../capture/format';
import { DEFAULT_TEMPLATE, readTemplate } from './lib/synthesize';
import { encodeEvent } from '../capture/encode-events';
import { zeroCounters } from '../capture/counters';

/** Connection i: same syscalls, its own pids, ports, inodes and a later time. */
function shifted(e: KernelEvent, i: number): KernelEvent {
  const pid = (p: number) => (p > 1000 ? p + i * 16 : p);
  const moved: Record<string, unknown> = { ...e, ts: e.ts + i * 50_000_000, tgid: pid(e.tgid), tid: pid(e.tid) };
  if ('childTgid' in e) Object.assign(moved, { childTgid: pid(e.childTgid), childTid: pid(e.childTid) });
  if ('sockIno' in e) moved.sockIno = e.sockIno + i * 8;
  if (e.kind === 'accept') moved.peer = { ...e.peer, port: (e.peer.port + i) & 0xffff };
  return moved as unknown as KernelEvent;
}

async function main(): Promise<void> {
  const [templateArg, connectionsArg] = process.argv.slice(2);
  const templatePath = templateArg || DEFAULT_TEMPLATE;
  const { header, events } = await readTemplate(templatePath);
  const connections = Number(connectionsArg ?? 20_000);
  const raw: Buffer[] = [];
  for (let i = 0; i < connections; i++) raw.push(Buffer.concat(events.map((e) => encodeEvent(shifted(e, i)))));
  const all = Buffer.concat(raw);
  const count = events.length * connections;
  console.log(`template: ${events.length} events per connection from ${templatePath}; ${connections} connections`);
  console.log(
    `raw events: ${count} events, ${(all.length / 1e6).toFixed(1)} MB (${(all.length / count).toFixed(1)} B/event)`,
  );

  // Decoded batch by batch, as the reader does: events die young instead of piling up in one array.
  const batches: Buffer[] = [];
  for (let at = 0; at < all.length; at += batches[batches.length - 1]!.length)
    batches.push(eventAligned(all, at, 256 * 1024));
  let decoded = 0;
  let t = process.hrtime.bigint();
  const stats = newDecodeStats();
  for (const b of batches) decoded += decodeEvents(b, stats).length;
  const decodeS = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(
    `decodeEvents: ${decoded} events in ${decodeS.toFixed(2)} s = ${(decoded / decodeS / 1e6).toFixed(2)} M events/s, ${(all.length / decodeS / 1e6).toFixed(0)} MB/s`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'sshtrace-bench-'));
  try {
    const path = join(dir, 'bench.sshtrace');
    t = process.hrtime.bigint();
    const writer = await FileWriter.create(path, header satisfies CaptureHeader);
    const batch = 256 * 1024; // the recorder's batchBytes
    for (let at = 0; at < all.length; ) {
      const chunk = eventAligned(all, at, batch);
      await writer.append({ k: 'ev', d: chunk });
      at += chunk.length;
    }
    await writer.close({ k: 'end', ts: 0, clean: true, reason: 'bench', counters: zeroCounters() });
    const writeS = Number(process.hrtime.bigint() - t) / 1e9;
    const size = statSync(path).size;
    console.log(
      `write: ${writer.framesWritten} frames, ${(size / 1e6).toFixed(1)} MB, ${(size / writer.framesWritten / 1024).toFixed(1)} KiB/frame, ratio ${(all.length / size).toFixed(2)}x, ${(size / count).toFixed(2)} B/event stored, ${(all.length / writeS / 1e6).toFixed(0)} MB/s raw in ${writeS.toFixed(2)} s`,
    );
    frameStats(path);

    // Read in a fresh process, so its memory figure is the reader's alone.
    process.stdout.write(execFileSync(process.execPath, [__filename, '--read', path], { encoding: 'utf8' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The events starting at `at` that fit in `max` bytes, cut on an event boundary. */
function eventAligned(all: Buffer, at: number, max: number): Buffer {
  let end = at;
  while (end < all.length && end - at + all.readUInt16LE(end + 2) <= max) end += all.readUInt16LE(end + 2);
  return all.subarray(at, Math.max(end, at + all.readUInt16LE(at + 2)));
}

function frameStats(path: string): void {
  const frames = scanBuffer(readFileSync(path)).flatMap((i) => (i.type === 'frame' ? [i] : []));
  const batches = frames.filter((f) => f.header.kind === 2);
  const stored = batches.reduce((a, f) => a + f.header.storedLength, 0);
  const rawBytes = batches.reduce((a, f) => a + f.header.rawLength, 0);
  console.log(
    `batch frames: ${batches.length}, mean raw ${(rawBytes / batches.length / 1024).toFixed(1)} KiB → stored ${(stored / batches.length / 1024).toFixed(1)} KiB (+28 B header), payload ratio ${(rawBytes / stored).toFixed(2)}x`,
  );
}

/** Streams a capture like replay will, and reports speed and peak memory. */
async function readOnly(path: string): Promise<void> {
  const size = statSync(path).size;
  const t = process.hrtime.bigint();
  let read = 0;
  let peakRss = 0;
  for await (const e of readEvents([path])) {
    if ('tgid' in e) read++;
    if ((read & 0x3fff) === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const readS = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(
    `read (scan+zstd+msgpack+decode): ${read} events in ${readS.toFixed(2)} s = ${(read / readS / 1e6).toFixed(2)} M events/s, ${(size / readS / 1e6).toFixed(1)} MB/s of file; peak RSS ${(peakRss / 1e6).toFixed(0)} MB`,
  );
}

if (process.argv[2] === '--read') void readOnly(process.argv[3]!);
else void main();
