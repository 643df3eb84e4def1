// Issue #6, damaged captures: frames copied to the wrong place are read in sequence order (capture/frame-order.ts).
// Given scanned items in file order, when reordered, then the frames come out as the recorder wrote them; a
// copy found too late becomes damage; copies of a frame already read pass on for the decoder to report.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScanItem } from '../../capture/frame-scanner';
import { inSequenceOrder } from '../../capture/frame-order';
import { FrameKind } from '../../capture/frame-header';

let offset = 0;
function frame(seq: number): ScanItem {
  const at = offset;
  offset += 100;
  return {
    type: 'frame',
    offset: at,
    length: 100,
    payload: Buffer.alloc(0),
    header: { version: 1, kind: FrameKind.Batch, seq, storedLength: 72, rawLength: 0, payloadCrc: 0 },
  } as ScanItem;
}
const damage = (): ScanItem => {
  const at = offset;
  offset += 10;
  return { type: 'damage', offset: at, length: 10, reason: 'junk' };
};

async function order(items: ScanItem[], window?: number): Promise<string[]> {
  async function* source() {
    yield* items;
  }
  const out: string[] = [];
  for await (const item of inSequenceOrder(source(), window)) {
    out.push(item.type === 'frame' ? `${item.header.seq}@${item.offset}` : `damage@${item.offset}: ${item.reason}`);
  }
  return out;
}

describe('frames back in sequence order', () => {
  it('passes an intact file through unchanged', async () => {
    offset = 0;
    assert.deepEqual(await order([frame(0), frame(1), frame(2)]), ['0@0', '1@100', '2@200']);
  });

  it('holds a copy pasted before its predecessors until they are read; the original is then a duplicate', async () => {
    offset = 0;
    assert.deepEqual(await order([frame(2), frame(0), frame(1), frame(2), frame(3)]), [
      '0@100',
      '1@200',
      '2@0',
      '2@300',
      '3@400',
    ]);
  });

  it('puts a copy found a few frames late back in its place (its original was damaged)', async () => {
    offset = 0;
    assert.deepEqual(await order([frame(0), damage(), frame(2), frame(3), frame(1)]), [
      '0@0',
      'damage@100: junk',
      '1@310',
      '2@110',
      '3@210',
    ]);
  });

  it('turns a copy found after later frames were read into damage', async () => {
    offset = 0;
    assert.deepEqual(await order([frame(0), damage(), frame(2), frame(3), frame(1)], 1), [
      '0@0',
      'damage@100: junk',
      '2@110',
      '3@210',
      'damage@310: frame 1 found after frame 3 (out of order), skipped',
    ]);
  });

  it('gives up waiting for a missing frame once the window is full', async () => {
    offset = 0;
    assert.deepEqual(await order([frame(0), frame(2), frame(3), frame(4), frame(5)], 2), [
      '0@0',
      '2@100',
      '3@200',
      '4@300',
      '5@400',
    ]);
  });

  it('releases what it holds at the end of the file', async () => {
    offset = 0;
    assert.deepEqual(await order([frame(1), frame(3)]), ['1@0', '3@100']);
  });
});
