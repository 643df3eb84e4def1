// Where a capture's bytes go: batch frames, raw kernel events by type (count, bytes). With a root
// pid, only that process tree's events are kept (other sshds on the machine are recorded too), and the
// frames are re-encoded with the writer's own encoder to give their stored size.
import { readFileSync } from 'node:fs';
import { decodePayload, encodeFrame } from '../../capture/frame-codec';
import { scanBuffer } from '../../capture/file-frames';
import { FrameKind } from '../../capture/frame-header';
import { EV, KIND_BY_TYPE, LAYOUT } from '../../capture/layout';

const H = LAYOUT.event_header;

/** A batch entry as msgpack decodes it (capture/format.ts BatchEntry, loosely). */
export type StoredEntry = { k: string; d?: Uint8Array };
export interface TypeStats {
  count: number;
  rawBytes: number;
}

export interface CaptureStats {
  readonly fileBytes: number;
  readonly headerFrameBytes: number; // paid once per file
  readonly batchFrames: number;
  readonly batchStoredBytes: number; // 28 B header + zstd payload, per frame
  readonly batchRawBytes: number; // msgpack before zstd
  readonly entries: Record<string, number>; // batch entries by k
  readonly kernelEventBytes: number;
  readonly events: number;
  readonly foreignEvents: number; // events of other process trees, left out
  readonly byType: Record<string, TypeStats>;
}

export interface CaptureFrames {
  readonly fileBytes: number;
  readonly headerFrameBytes: number;
  readonly frames: StoredEntry[][];
  readonly foreignEvents: number;
}

export function readBatchFrames(path: string, rootPid?: number): CaptureFrames {
  const bytes = readFileSync(path);
  const tree = rootPid === undefined ? null : new Set([rootPid]);
  let headerFrameBytes = 0;
  let foreignEvents = 0;
  const frames: StoredEntry[][] = [];
  for (const item of scanBuffer(bytes)) {
    if (item.type !== 'frame') continue;
    if (item.header.kind === FrameKind.FileHeader) headerFrameBytes += item.length;
    if (item.header.kind !== FrameKind.Batch) continue;
    const entries = decodePayload(item.payload, item.header.rawLength) as StoredEntry[];
    frames.push(
      tree === null
        ? entries
        : entries.map((r) => {
            if (r.k !== 'ev' || !r.d) return r;
            const kept = keepTree(r.d, tree);
            foreignEvents += kept.dropped;
            return { ...r, d: kept.d };
          }),
    );
  }
  return { fileBytes: bytes.length, headerFrameBytes, frames, foreignEvents };
}

/** Events of processes in `tree` (grown by their forks), in order. */
function keepTree(d: Uint8Array, tree: Set<number>): { d: Uint8Array; dropped: number } {
  const kept: Buffer[] = [];
  let dropped = 0;
  eachEvent(d, (event, type) => {
    const tgid = event.readUInt32LE(H.fields.tgid);
    if (!tree.has(tgid)) {
      dropped++;
      return;
    }
    if (type === EV.FORK) tree.add(event.readUInt32LE(LAYOUT.fork_event.fields.child_tgid));
    kept.push(event);
  });
  return { d: new Uint8Array(Buffer.concat(kept)), dropped };
}

export function eachEvent(d: Uint8Array, visit: (event: Buffer, type: number) => void): void {
  const view = Buffer.from(d.buffer, d.byteOffset, d.length);
  for (let at = 0; at + H.size <= view.length; ) {
    const size = view.readUInt16LE(at + H.fields.size);
    if (size < H.size || at + size > view.length) return;
    visit(view.subarray(at, at + size), view.readUInt16LE(at + H.fields.type));
    at += size;
  }
}

/** Stored bytes (frame header included) of these batch frames, as the writer would write them. */
export function storedBytes(frames: readonly StoredEntry[][]): number {
  return frames.reduce((sum, entries) => sum + encodeFrame(FrameKind.Batch, 1, entries).length, 0);
}

export function captureStats(capture: CaptureFrames): CaptureStats {
  let batchRaw = 0,
    kernelBytes = 0,
    events = 0;
  const entries: Record<string, number> = {};
  const byType: Record<string, TypeStats> = {};
  for (const frame of capture.frames) {
    batchRaw += encodeFrame(FrameKind.Batch, 1, frame).readUInt32LE(16);
    for (const entry of frame) {
      entries[entry.k] = (entries[entry.k] ?? 0) + 1;
      if (entry.k !== 'ev' || !entry.d) continue;
      kernelBytes += entry.d.length;
      eachEvent(entry.d, (event, type) => {
        const stats = (byType[KIND_BY_TYPE[type] ?? `type_${type}`] ??= { count: 0, rawBytes: 0 });
        stats.count++;
        stats.rawBytes += event.length;
        events++;
      });
    }
  }
  return {
    fileBytes: capture.fileBytes,
    headerFrameBytes: capture.headerFrameBytes,
    batchFrames: capture.frames.length,
    batchStoredBytes: storedBytes(capture.frames),
    batchRawBytes: batchRaw,
    entries,
    kernelEventBytes: kernelBytes,
    events,
    foreignEvents: capture.foreignEvents,
    byType,
  };
}
