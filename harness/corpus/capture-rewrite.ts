// Reads a capture's stored values (header, batch entries, trailer) and writes them again with the real
// FileWriter: how `corpus record` keeps only the fixture's events, and how the corpus tests re-chunk a
// capture. Kernel events are never changed, only regrouped or left out.
import type { BatchEntry, CaptureHeader, EventsEntry, Trailer } from '../../capture/format';
import { decodePayload } from '../../capture/frame-codec';
import { scanFile } from '../../capture/file-frames';
import { FrameKind } from '../../capture/frame-header';
import { LAYOUT } from '../../capture/layout';
import { CAPTURE_FORMAT } from '../../capture/format';
import { FileWriter } from '../../record/file-writer';

export interface StoredCapture {
  readonly header: CaptureHeader;
  /** The entries of each batch frame, in file order. */
  readonly frames: readonly (readonly BatchEntry[])[];
  readonly trailer: Trailer | null;
}

/** The stored values of an undamaged capture in this sshtrace's format; throws on anything else. */
export async function readStoredCapture(path: string): Promise<StoredCapture> {
  let header: CaptureHeader | null = null;
  let trailer: Trailer | null = null;
  const frames: BatchEntry[][] = [];
  for await (const item of scanFile(path)) {
    if (item.type === 'damage') throw new Error(`${path}: damaged at byte ${item.offset} (${item.reason})`);
    const value = decodePayload(item.payload, item.header.rawLength);
    if (item.header.kind === FrameKind.FileHeader) header = value as CaptureHeader;
    else if (item.header.kind === FrameKind.Batch) frames.push(value as BatchEntry[]);
    else trailer = value as Trailer;
  }
  if (header === null) throw new Error(`${path}: no header frame`);
  if (header.format !== CAPTURE_FORMAT)
    throw new Error(`${path}: format ${header.format}, rewriting reads format ${CAPTURE_FORMAT} only`);
  return { header, frames, trailer };
}

/** Writes entries through FileWriter, cutting a batch frame after each group; a null trailer leaves the file cut. */
export async function writeStoredCapture(
  path: string,
  header: CaptureHeader,
  groups: readonly (readonly BatchEntry[])[],
  trailer: Trailer | null,
): Promise<void> {
  const writer = await FileWriter.create(path, header, { force: true, frameBytes: Number.MAX_SAFE_INTEGER });
  for (const group of groups) {
    for (const entry of group) await writer.append(entry);
    await writer.flush();
  }
  if (trailer === null) await writer.abandon();
  else await writer.close(trailer);
}

/** The kernel events of an 'ev' blob, each as its own bytes (the size field leads to the next one). */
export function splitKernelEvents(blob: Uint8Array): Uint8Array[] {
  const view = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const out: Uint8Array[] = [];
  for (let at = 0; at + LAYOUT.event_header.size <= view.length; ) {
    const size = view.readUInt16LE(at + LAYOUT.event_header.fields.size);
    if (size < LAYOUT.event_header.size || at + size > view.length)
      throw new Error(`kernel event at ${at} has a bad size ${size}`);
    out.push(view.subarray(at, at + size));
    at += size;
  }
  return out;
}

export const tgidOf = (event: Uint8Array): number =>
  Buffer.from(event.buffer, event.byteOffset, event.byteLength).readUInt32LE(LAYOUT.event_header.fields.tgid);

/** An 'ev' entry holding only the kernel events `keep` accepts (null when none is left). */
export function filterEventsEntry(entry: EventsEntry, keep: (kernelEvent: Uint8Array) => boolean): EventsEntry | null {
  const kept = splitKernelEvents(entry.d).filter(keep);
  if (kept.length === 0) return null;
  return { k: 'ev', d: new Uint8Array(Buffer.concat(kept)) };
}
