// On every committed corpus capture, the reducer's output must not change under what must not matter:
// the capture re-written with other frame and batch boundaries (by the real FileWriter), events arriving
// out of order within the reorder window, and a second replay. Files only: no root.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import type { TraceEvent } from '../../capture/events';
import { DEFAULT_REORDER_WINDOW_NS } from '../../replay/reorder';
import { readEvents } from '../../replay';
import type { BatchEntry } from '../../capture/format';
import { reduceGroups, replayFiles } from '../../replay/pipeline';
import { readStoredCapture, splitKernelEvents, writeStoredCapture } from '../../harness/corpus/capture-rewrite';
import { DEFAULT_CORPUS_DIR, listCorpus } from '../../harness/corpus/corpus-layout';

const RUNS_PER_CAPTURE = 4;
const entries = listCorpus(DEFAULT_CORPUS_DIR);
const scratch = mkdtempSync(join(tmpdir(), 'sshtr-corpus-prop-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const baselines = new Map<string, string>();
async function baseline(capture: string): Promise<string> {
  if (!baselines.has(capture)) baselines.set(capture, JSON.stringify(await replayFiles([capture])));
  return baselines.get(capture)!;
}

/** One kernel event, or one other entry, of a capture: what frames and batches are cut between. */
type Unit = { readonly kernel: Uint8Array } | { readonly other: BatchEntry };

function unitsOf(frames: readonly (readonly BatchEntry[])[]): Unit[] {
  return frames
    .flat()
    .flatMap((r): Unit[] => (r.k === 'ev' ? splitKernelEvents(r.d).map((kernel) => ({ kernel })) : [{ other: r }]));
}

/** Frames of `frameSizes[i]` units (cycling), kernel events joined into 'ev' entries of `blobSizes[j]` events. */
function regroup(units: readonly Unit[], frameSizes: readonly number[], blobSizes: readonly number[]): BatchEntry[][] {
  const frames: BatchEntry[][] = [];
  let frame: BatchEntry[] = [];
  let blob: Uint8Array[] = [];
  let [f, b] = [0, 0];
  const closeBlob = () => {
    if (blob.length > 0) frame.push({ k: 'ev', d: new Uint8Array(Buffer.concat(blob)) });
    blob = [];
  };
  units.forEach((unit, i) => {
    if ('kernel' in unit) blob.push(unit.kernel);
    else {
      closeBlob();
      frame.push(unit.other);
    }
    if (blob.length >= blobSizes[b % blobSizes.length]!) {
      closeBlob();
      b++;
    }
    if (frame.length + (blob.length > 0 ? 1 : 0) >= frameSizes[f % frameSizes.length]! || i === units.length - 1) {
      closeBlob();
      frames.push(frame);
      frame = [];
      f++;
    }
  });
  return frames.filter((fr) => fr.length > 0);
}

/** Arrival = time + a delay below the window; one delay per distinct timestamp, so equal times keep their order. */
function shuffleWithin(events: readonly TraceEvent[], delaysNs: readonly number[]): TraceEvent[] {
  const body = events.filter((e) => e.kind !== 'capture_end');
  const tail = events.filter((e) => e.kind === 'capture_end');
  const distinct = [...new Set(body.map((e) => e.ts))];
  const delayOf = new Map(distinct.map((ts, i) => [ts, delaysNs[i % delaysNs.length]!]));
  const keyed = body.map((e, i) => ({ e, i, key: e.ts + delayOf.get(e.ts)! }));
  keyed.sort((x, y) => x.key - y.key || x.i - y.i);
  return [...keyed.map((x) => x.e), ...tail];
}

async function reduceInGroups(events: readonly TraceEvent[], groupSize: number): Promise<string> {
  async function* groups() {
    for (let at = 0; at < events.length; at += groupSize) yield events.slice(at, at + groupSize);
  }
  const records = [];
  for await (const group of reduceGroups(groups())) records.push(...group);
  return JSON.stringify(records);
}

let fileNo = 0;

describe('corpus captures: replay is unchanged by what must not matter', () => {
  it('has captures to test', () => assert.ok(entries.length > 0, `no capture under ${DEFAULT_CORPUS_DIR}`));

  for (const entry of entries) {
    describe(`${entry.build}/${entry.scenario}`, () => {
      it('re-chunked into other frames and batches by the file writer', async () => {
        const expected = await baseline(entry.capture);
        const stored = await readStoredCapture(entry.capture);
        const units = unitsOf(stored.frames);
        const sizes = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 });
        await fc.assert(
          fc.asyncProperty(
            sizes,
            fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 }),
            async (frameSizes, blobSizes) => {
              const path = join(scratch, `rechunked-${fileNo++}.sshtrace`);
              await writeStoredCapture(path, stored.header, regroup(units, frameSizes, blobSizes), stored.trailer);
              assert.equal(JSON.stringify(await replayFiles([path])), expected);
              rmSync(path);
            },
          ),
          { numRuns: RUNS_PER_CAPTURE },
        );
      });

      it('with events reordered within the reorder window', async () => {
        const expected = await baseline(entry.capture);
        const events: TraceEvent[] = [];
        for await (const e of readEvents([entry.capture])) events.push(e);
        const maxDelayNs = Math.floor(DEFAULT_REORDER_WINDOW_NS * 0.9);
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.nat({ max: maxDelayNs }), { minLength: 1, maxLength: 64 }),
            fc.integer({ min: 1, max: 50 }),
            async (delays, groupSize) => {
              assert.equal(await reduceInGroups(shuffleWithin(events, delays), groupSize), expected);
            },
          ),
          { numRuns: RUNS_PER_CAPTURE },
        );
      });

      it('replayed a second time', async () => {
        assert.equal(JSON.stringify(await replayFiles([entry.capture])), await baseline(entry.capture));
      });
    });
  }
});
