import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CaptureDecoder } from '../../capture/file-decoder';
import { decodePayload } from '../../capture/frame-codec';
import type { ScanItem, ScannedFrame } from '../../capture/frame-scanner';
import { scanBuffer } from '../../capture/file-frames';
import { upcasterFor } from '../../capture/upcast';
import {
  applyMutation,
  buildCapture,
  captureSpec,
  intactFrames,
  mutation,
  type BuiltCapture,
} from '../arbitraries/captures';

const frameItems = (items: ScanItem[]) => items.filter((i): i is ScannedFrame => i.type === 'frame');
const specAndCapture = captureSpec.map((spec) => ({ spec, built: buildCapture(spec) }));

/** Frames and damaged ranges must cover the file exactly, in order, without overlap. */
function assertTiles(items: ScanItem[], length: number): void {
  let at = 0;
  for (const item of items) {
    assert.equal(item.offset, at, `item at ${item.offset} should start where the previous ended (${at})`);
    assert.ok(item.length > 0);
    at += item.length;
  }
  assert.equal(at, length);
}

function decodeAll(items: ScanItem[]) {
  const decoder = new CaptureDecoder(null);
  const events = items.flatMap((item) => decoder.consume(item));
  events.push(...decoder.finish());
  return { events, summary: decoder.summary() };
}

describe('capture frames (properties)', () => {
  it('round-trips header, batch entries and trailer through frames', () => {
    fc.assert(
      fc.property(specAndCapture, ({ spec, built }) => {
        const frames = frameItems(scanBuffer(built.bytes));
        const values = frames.map((f) => decodePayload(f.payload, f.header.rawLength));
        const v1 = upcasterFor(1)!;
        assert.deepStrictEqual(v1.header(values[0]), spec.header);
        assert.deepStrictEqual(
          values.slice(1, 1 + spec.batches.length).map((v) => v1.batch(v)),
          spec.batches,
        );
        if (spec.trailer) assert.deepStrictEqual(v1.trailer(values.at(-1)), spec.trailer);
        assert.equal(frames.length, built.frames.length);
      }),
      { numRuns: 150 },
    );
  });

  it('scans identically whatever the chunk size', () => {
    fc.assert(
      fc.property(specAndCapture, fc.integer({ min: 1, max: 5000 }), ({ built }, chunk) => {
        const whole = scanBuffer(built.bytes).map(({ type, offset, length }) => ({ type, offset, length }));
        const chunked = scanBuffer(built.bytes, chunk).map(({ type, offset, length }) => ({ type, offset, length }));
        assert.deepEqual(chunked, whole);
      }),
      { numRuns: 150 },
    );
  });

  it('after a cut at any byte, yields every frame wholly before the cut and reports the tail', () => {
    fc.assert(
      fc.property(specAndCapture, fc.nat(), fc.integer({ min: 1, max: 4096 }), ({ spec, built }, cutSeed, chunk) => {
        const cut = cutSeed % (built.bytes.length + 1);
        const items = scanBuffer(built.bytes.subarray(0, cut), chunk);
        const ends = framesEnds(built);
        const whole = ends.filter((end) => end <= cut);
        assert.deepEqual(
          frameItems(items).map((f) => f.header.seq),
          whole.map((_, seq) => seq),
        );
        const lastEnd = whole.at(-1) ?? 0;
        const damage = items.filter((i) => i.type === 'damage');
        assert.deepEqual(
          damage.map((d) => [d.offset, d.length]),
          cut > lastEnd ? [[lastEnd, cut - lastEnd]] : [],
        );
        const { events, summary } = decodeAll(items);
        assert.equal(events.at(-1)!.kind, 'capture_end');
        assert.equal(summary.clean, spec.trailer !== null && whole.length === built.frames.length);
      }),
      { numRuns: 400 },
    );
  });

  it('after flips, cuts, duplicates and truncation anywhere, yields every intact frame once and tiles the file', () => {
    const mutated = specAndCapture.chain(({ built }) =>
      fc.tuple(fc.constant(built), fc.array(mutation, { minLength: 1, maxLength: 4 })),
    );
    fc.assert(
      fc.property(mutated, fc.integer({ min: 7, max: 4096 }), ([built, mutations], chunk) => {
        const bytes = mutations.reduce((b, m) => applyMutation(b, built.frames, m), built.bytes);
        const items = scanBuffer(bytes, chunk);
        assertTiles(items, bytes.length);
        const expected = intactFrames(bytes, built.frames);
        assert.deepEqual(
          frameItems(items).map((f) => ({ offset: f.offset, seq: f.header.seq })),
          expected,
        );
        const { events, summary } = decodeAll(items);
        const unique = new Set(expected.map((f) => f.seq));
        assert.equal(summary.frames, unique.size);
        assert.equal(summary.damage.filter((d) => d.kind === 'duplicate').length, expected.length - unique.size);
        const trailerSeq = built.frames.length - 1;
        assert.equal(events.at(-1)!.kind, 'capture_end');
        assert.equal(summary.clean, unique.has(trailerSeq) && isTrailer(built, trailerSeq));
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on arbitrary bytes, with or without a frame inside', () => {
    const junk = fc
      .tuple(fc.uint8Array({ maxLength: 400 }), specAndCapture, fc.boolean())
      .map(([noise, { built }, embed]) =>
        embed ? Buffer.concat([Buffer.from(noise), built.bytes, Buffer.from(noise)]) : Buffer.from(noise),
      );
    fc.assert(
      fc.property(junk, fc.integer({ min: 1, max: 512 }), (bytes, chunk) => {
        const items = scanBuffer(bytes, chunk);
        assertTiles(items, bytes.length);
        decodeAll(items);
      }),
      { numRuns: 400 },
    );
  });
});

function framesEnds(built: BuiltCapture): number[] {
  let at = 0;
  return built.frames.map((f) => (at += f.length));
}

function isTrailer(built: BuiltCapture, seq: number): boolean {
  return built.frames[seq]!.readUInt8(5) === 3;
}
