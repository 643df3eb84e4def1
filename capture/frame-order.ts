// Puts scanned frames back in sequence order within a small window, for damaged files only (the recorder
// writes frames in order). A frame whose number is ahead of the next expected one (a copy pasted earlier in
// the file, or frames cut out before it) is held until the frames before it arrive or the window fills. A
// frame found after later ones were read (a copy pasted further on, its original damaged) comes too late:
// its events are seconds old by then and would confuse the fold, so it becomes a damaged range (records open
// at its place are marked incomplete by the damage there anyway). Copies of a frame already read pass on, and
// the decoder reports them as duplicates. Memory: at most `window` frames.
import { FrameSequence } from './frame-sequence';
import type { ScanItem, ScannedFrame } from './frame-scanner';

const ORDER_WINDOW_FRAMES = 8;

export async function* inSequenceOrder(
  items: AsyncIterable<ScanItem>,
  window = ORDER_WINDOW_FRAMES,
): AsyncGenerator<ScanItem> {
  // Copies of one number stay together, in file order: the first is read, the decoder reports the others.
  const held = new Map<number, ScannedFrame[]>();
  const released = new FrameSequence();
  let expected = 0;
  function* release(force: boolean): Generator<ScannedFrame> {
    while (held.size > 0) {
      let seq = expected;
      if (!held.has(seq)) {
        if (!force && held.size <= window) return;
        seq = Math.min(...held.keys());
      }
      const copies = held.get(seq)!;
      held.delete(seq);
      released.observe(seq);
      expected = seq + 1;
      yield* copies;
    }
  }
  for await (const item of items) {
    if (item.type !== 'frame') yield item;
    else if (item.header.seq >= expected) {
      held.set(item.header.seq, [...(held.get(item.header.seq) ?? []), item]);
      yield* release(false);
    } else if (released.observe(item.header.seq)) yield late(item, expected - 1);
    else yield item;
  }
  yield* release(true);
}

function late(frame: ScannedFrame, last: number): ScanItem {
  const reason = `frame ${frame.header.seq} found after frame ${last} (out of order), skipped`;
  return { type: 'damage', offset: frame.offset, length: frame.length, reason };
}
