import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { BatchEntry, Trailer } from '../../capture/format';
import { OutputError } from '../../capture/errors';
import { scanBuffer } from '../../capture/file-frames';
import { FrameKind } from '../../capture/frame-header';
import { CAPS } from '../../capture/layout';
import { FileWriter } from '../../record/file-writer';
import { outputLifecycle } from '../../record/output-file';
import { sampleHeader } from '../arbitraries/captures';
import { zeroCounters } from '../../capture/counters';

const dir = mkdtempSync(join(tmpdir(), 'sshtrace-writer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const trailer: Trailer = { k: 'end', ts: 9, clean: true, reason: 'stopped', counters: zeroCounters({}, CAPS.EV_MAX) };
const frameKinds = (path: string) =>
  scanBuffer(readFileSync(path)).map((i) => (i.type === 'frame' ? i.header.kind : 'damage'));

describe('FileWriter', () => {
  it('creates the capture with mode 0600 and writes the header frame at once', async () => {
    const path = join(dir, 'a.sshtrace');
    const writer = await FileWriter.create(path, sampleHeader());
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(frameKinds(path), [FrameKind.FileHeader]);
    await writer.close(trailer);
    assert.deepEqual(frameKinds(path), [FrameKind.FileHeader, FrameKind.Trailer]);
  });

  it('refuses to overwrite an existing file unless forced, and then makes it 0600', async () => {
    const path = join(dir, 'exists.sshtrace');
    writeFileSync(path, 'precious', { mode: 0o644 });
    await assert.rejects(
      FileWriter.create(path, sampleHeader()),
      (e: Error) => e instanceof OutputError && /already exists.*--force/.test(e.message),
    );
    assert.equal(readFileSync(path, 'utf8'), 'precious');
    const writer = await FileWriter.create(path, sampleHeader(), { force: true });
    await writer.close(trailer);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(frameKinds(path), [FrameKind.FileHeader, FrameKind.Trailer]);
  });

  it('a forced overwrite keeps the old capture until the new one starts, and none of it after', async () => {
    const path = join(dir, 'old-capture.sshtrace');
    const old = 'old capture '.repeat(20_000); // longer than the new capture: a missing truncate would leave a tail
    writeFileSync(path, old);
    // The recorder opens the output before the tracer starts; the tracer then fails (no BTF, say).
    const failed = outputLifecycle(path, true);
    await (await failed.openOutput()).close();
    await failed.removeOutput();
    assert.equal(readFileSync(path, 'utf8'), old, 'a start that failed destroys nothing');
    // A start that works: the file holds the new capture only.
    const started = outputLifecycle(path, true);
    const writer = await FileWriter.onFile(path, await started.openOutput(), sampleHeader());
    await writer.close(trailer);
    assert.deepEqual(frameKinds(path), [FrameKind.FileHeader, FrameKind.Trailer]);
    assert.ok(statSync(path).size < old.length, `${statSync(path).size} bytes: the old tail is gone`);
    // A file this run created is removed again when the start fails.
    const fresh = outputLifecycle(join(dir, 'fresh.sshtrace'), false);
    await (await fresh.openOutput()).close();
    await fresh.removeOutput();
    assert.equal(existsSync(join(dir, 'fresh.sshtrace')), false);
  });

  it('says which directory is missing', async () => {
    await assert.rejects(
      FileWriter.create(join(dir, 'nope', 'x.sshtrace'), sampleHeader()),
      (e: Error) => e instanceof OutputError && e.message.includes(`directory ${join(dir, 'nope')} does not exist`),
    );
  });

  it('cuts a frame at the size threshold and on flush, each frame readable on its own', async () => {
    const path = join(dir, 'frames.sshtrace');
    const writer = await FileWriter.create(path, sampleHeader(), { frameBytes: 10_000 });
    const ev: BatchEntry = { k: 'ev', d: new Uint8Array(4_000) };
    await writer.append(ev);
    await writer.append(ev);
    assert.deepEqual(frameKinds(path), [FrameKind.FileHeader]); // 2 × ~4 KB: below the threshold
    await writer.append(ev);
    assert.deepEqual(frameKinds(path), [FrameKind.FileHeader, FrameKind.Batch]);
    await writer.append({ k: 'note', ts: 1, text: 'hello' });
    await writer.flush();
    await writer.flush(); // nothing pending: no empty frame
    assert.deepEqual(frameKinds(path), [FrameKind.FileHeader, FrameKind.Batch, FrameKind.Batch]);
    await writer.close(trailer);
    assert.equal(writer.framesWritten, 4);
    assert.equal(writer.entriesWritten, 4);
    assert.equal(writer.bytesWritten, statSync(path).size);
  });

  it('turns a full disk into one clear line and keeps what was written readable', async (t) => {
    // /dev/full fails every write with ENOSPC; the writer must report it, not crash.
    if (!statSync('/dev/full', { throwIfNoEntry: false })) return t.skip('/dev/full is absent');
    const writer = FileWriter.create('/dev/full', sampleHeader(), { force: true });
    await assert.rejects(
      writer,
      (e: Error) =>
        e instanceof OutputError &&
        e.message ===
          'cannot write /dev/full: no space left on device (ENOSPC); the frames written before this stay readable',
    );
  });
});
