// Rotated segments read as one stream. A segment that continues the one read just before it (same boot, next
// index, `previous` names it) repeats what the reducer already knows: its header's /proc snapshot (there so the
// segment also replays alone) and the previous segment's end. Both are dropped, so a session that spans a
// rotation stays one session; a segment read without its predecessor keeps its snapshot and seeds from it.
import { basename } from 'node:path';
import type { TraceEvent } from '../capture/events';
import type { CaptureFile } from '../capture/file-reader';

/** Whether `next` is the segment the recorder rotated to from `prev`. */
export function continues(prev: CaptureFile | undefined, next: CaptureFile | undefined): boolean {
  const a = prev?.header;
  const b = next?.header;
  if (!a || !b || a.bootId !== b.bootId) return false;
  return b.segment.index === a.segment.index + 1 && b.segment.previous === basename(prev!.path);
}

export interface SegmentJoin {
  /** The file continues the one read before it: its snapshot's processes are already being followed. */
  readonly continuesPrevious: boolean;
  /** The next file continues this one: its end is not the end of the recording. */
  readonly continuedByNext: boolean;
}

export async function* joinSegments(
  groups: AsyncIterable<TraceEvent[]>,
  join: SegmentJoin,
): AsyncGenerator<TraceEvent[]> {
  if (!join.continuesPrevious && !join.continuedByNext) {
    yield* groups;
    return;
  }
  let first = true;
  for await (const group of groups) {
    let out = group;
    // Dropped, not emptied: a second snapshot in one stream tells the reducer the recorder was restarted.
    if (first && join.continuesPrevious) out = out.filter((e) => e.kind !== 'snapshot');
    if (join.continuedByNext) out = out.filter((e) => e.kind !== 'capture_end');
    first = false;
    if (out.length > 0) yield out;
  }
}
