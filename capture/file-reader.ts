// One capture file: probe its header (clear errors for unusable input), then stream its events.
import { stat } from 'node:fs/promises';
import type { TraceEvent } from './events';
import { CaptureDecoder, type CaptureSummary } from './file-decoder';
import type { CaptureHeader } from './format';
import { CaptureInputError, describeSystemError, EXIT, FormatTooNewError } from './errors';
import { EVENTS_LAYOUT_VERSION } from './layout';
import { decodePayload } from './frame-codec';
import type { ScannedFrame } from './frame-scanner';
import { readChunks, scanFile } from './file-frames';
import { inSequenceOrder } from './frame-order';
import { FRAME_VERSION, FrameKind, peekFrameVersion, startsWithMagic } from './frame-header';
import { formatOf, NEWEST_FORMAT, upcasterFor } from './upcast';

export interface CaptureFile {
  readonly path: string;
  readonly size: number;
  /** Null when the header frame is damaged: events are still read, with a gap at the start. */
  readonly header: CaptureHeader | null;
}

export interface CaptureReading {
  /** The file's events in order, in groups (one per frame or damaged range): cheaper than one by one. */
  readonly batches: AsyncIterable<TraceEvent[]>;
  /** Complete once `batches` has been iterated to the end. */
  summary(): CaptureSummary;
}

export async function openCapture(path: string): Promise<CaptureFile> {
  const size = await fileSize(path);
  if (size === 0)
    throw new CaptureInputError(
      `${path} is empty: the recorder wrote nothing (was it stopped before it started?); record again and read what record printed on stderr`,
      EXIT.emptyCapture,
    );
  const first = await firstFrame(path);
  return { path, size, header: first ? headerOf(path, first) : null };
}

async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (info.isDirectory())
      throw new CaptureInputError(`${path} is a directory, not a capture: name a capture file in it`, EXIT.noCaptures);
    return info.size;
  } catch (error) {
    if (error instanceof CaptureInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CaptureInputError(`no such capture: ${path} (check the path)`, EXIT.inputMissing);
    throw new CaptureInputError(
      `cannot read ${path}: ${describeSystemError(error)}: check its permissions (captures are mode 0600: read them as the user who recorded them, or with sudo)`,
      EXIT.inputMissing,
    );
  }
}

/** The first intact frame; throws for files with a newer frame version or no frame at all. */
async function firstFrame(path: string): Promise<ScannedFrame | null> {
  const start = await readStart(path);
  const version = startsWithMagic(start, 0) ? peekFrameVersion(start, 0) : null;
  if (version !== null && version > FRAME_VERSION) {
    throw new FormatTooNewError(
      `${path} uses frame version ${version}; this sshtrace reads up to ${FRAME_VERSION}: upgrade sshtrace`,
    );
  }
  for await (const item of scanFile(path)) {
    if (item.type === 'frame') return item.header.kind === FrameKind.FileHeader && item.header.seq === 0 ? item : null;
  }
  if (startsWithMagic(start, 0)) {
    throw new CaptureInputError(
      `${path} holds no complete frame: the capture was cut or damaged before its first frame ended; use an intact copy or record again`,
      EXIT.notACapture,
    );
  }
  throw new CaptureInputError(
    `${path} is not an sshtrace capture (no frame found anywhere in it): name a file written by sshtrace record`,
    EXIT.notACapture,
  );
}

async function readStart(path: string): Promise<Buffer> {
  for await (const chunk of readChunks(path, 64)) return chunk;
  return Buffer.alloc(0);
}

function headerOf(path: string, frame: ScannedFrame): CaptureHeader | null {
  let value: unknown;
  try {
    value = decodePayload(frame.payload, frame.header.rawLength);
  } catch {
    return null; // reported as damage when the events are read
  }
  const format = formatOf(value);
  if (format === null) return null;
  const upcaster = upcasterFor(format);
  if (!upcaster) {
    throw new FormatTooNewError(
      `${path} is capture format ${format}; this sshtrace reads up to ${NEWEST_FORMAT}: upgrade sshtrace`,
    );
  }
  let header: CaptureHeader;
  try {
    header = upcaster.header(value);
  } catch {
    return null;
  }
  if (header.eventsLayout > EVENTS_LAYOUT_VERSION) {
    throw new FormatTooNewError(
      `${path} holds kernel records of layout ${header.eventsLayout}; this sshtrace decodes up to ${EVENTS_LAYOUT_VERSION}: upgrade sshtrace`,
    );
  }
  return header;
}

/** Streams the events of a file opened with openCapture. */
export function readCapture(
  file: CaptureFile,
  onBytes?: (bytesDone: number) => void,
  skipTypes?: ReadonlySet<number>,
): CaptureReading {
  const decoder = new CaptureDecoder(file.header, skipTypes);
  async function* batches(): AsyncGenerator<TraceEvent[]> {
    let done = 0;
    for await (const item of inSequenceOrder(scanFile(file.path))) {
      yield decoder.consume(item);
      done = Math.max(done, item.offset + item.length);
      onBytes?.(done);
    }
    yield decoder.finish();
  }
  return { batches: batches(), summary: () => decoder.summary() };
}
