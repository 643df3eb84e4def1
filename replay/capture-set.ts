// Several captures read as one stream: paths (files or directories) → files ordered by their
// headers (same boot: segment index, then boot clock; different boots: wall clock) → events.
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { TraceEvent } from '../capture/events';
import type { CaptureSummary } from '../capture/file-decoder';
import { type CaptureFile, openCapture, readCapture } from '../capture/file-reader';
import { CaptureInputError, EXIT } from '../capture/errors';
import { FRAME_MAGIC } from '../capture/frame-header';
import { typesOfKinds } from '../capture/decode-events';
import { continues, joinSegments } from './segments';

const CAPTURE_EXTENSION = '.sshtrace';

export interface FileSummary {
  readonly file: CaptureFile;
  readonly summary: CaptureSummary;
}

export interface ReadEventsOptions {
  /** Called before the first event of each file. */
  readonly onFile?: (file: CaptureFile) => void;
  /** Called after the last event of each file, with its damage summary. */
  readonly onFileEnd?: (result: FileSummary) => void;
  /** Called as a file is read, with the bytes of it read so far (for progress bars). */
  readonly onBytes?: (file: CaptureFile, bytesDone: number) => void;
  /** Kernel event kinds not to decode at all (the consumer ignores them: faster, fewer objects). */
  readonly skipKinds?: readonly string[];
}

export interface CaptureSet {
  /** In reading order; headers give hostname, passwd, group, snapshot, OpenSSH versions. */
  readonly files: readonly CaptureFile[];
  /** Every event of every file, in order. */
  events(options?: ReadEventsOptions): AsyncGenerator<TraceEvent>;
  /** The same events in groups (one per frame): one await per group instead of per event. */
  batches(options?: ReadEventsOptions): AsyncGenerator<TraceEvent[]>;
}

/** Opens every capture named by `paths`; throws a CaptureInputError before anything is read. */
export async function openCaptures(paths: readonly string[]): Promise<CaptureSet> {
  if (paths.length === 0)
    throw new CaptureInputError('no capture given: name at least one file or directory', EXIT.inputMissing);
  const files: CaptureFile[] = [];
  for (const path of await uniqueFiles(paths)) files.push(await openCapture(path));
  files.sort(compareFiles);
  async function* batches(options: ReadEventsOptions = {}): AsyncGenerator<TraceEvent[]> {
    for (const [i, file] of files.entries()) {
      options.onFile?.(file);
      const skip = options.skipKinds === undefined ? undefined : typesOfKinds(options.skipKinds);
      const reading = readCapture(file, options.onBytes && ((done) => options.onBytes!(file, done)), skip);
      yield* joinSegments(reading.batches, {
        continuesPrevious: continues(files[i - 1], file),
        continuedByNext: continues(file, files[i + 1]),
      });
      options.onFileEnd?.({ file, summary: reading.summary() });
    }
  }
  return { files, batches, events: (options) => flatten(batches(options)) };
}

/** The events of all captures named by `paths`, in order (see openCaptures for the headers). */
export async function* readEvents(
  paths: readonly string[],
  options: ReadEventsOptions = {},
): AsyncGenerator<TraceEvent> {
  const set = await openCaptures(paths);
  for await (const group of set.batches(options)) for (const event of group) yield event;
}

async function* flatten(groups: AsyncIterable<TraceEvent[]>): AsyncGenerator<TraceEvent> {
  for await (const group of groups) for (const event of group) yield event;
}

async function uniqueFiles(paths: readonly string[]): Promise<string[]> {
  const seen = new Set<string>();
  const files: string[] = [];
  for (const path of paths) {
    for (const file of await expand(path)) {
      const real = await realpath(file);
      if (!seen.has(real)) {
        seen.add(real);
        files.push(file);
      }
    }
  }
  return files;
}

async function expand(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new CaptureInputError(`no such capture: ${path} (check the path)`, EXIT.inputMissing);
  if (!info.isDirectory()) return [path];
  const names = (await readdir(path)).sort();
  const captures: string[] = [];
  for (const name of names) if (await looksLikeCapture(join(path, name), name)) captures.push(join(path, name));
  if (captures.length === 0) {
    throw new CaptureInputError(
      `${path} holds no captures (no *${CAPTURE_EXTENSION} file, no file starting with a frame): name a capture file, or the directory record wrote them to`,
      EXIT.noCaptures,
    );
  }
  return captures;
}

async function looksLikeCapture(path: string, name: string): Promise<boolean> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return false;
  if (name.endsWith(CAPTURE_EXTENSION)) return true;
  const file = await open(path, 'r').catch(() => null);
  if (!file) return false;
  try {
    const start = Buffer.alloc(FRAME_MAGIC.length);
    const { bytesRead } = await file.read(start, 0, start.length, 0);
    return bytesRead === start.length && start.equals(FRAME_MAGIC);
  } finally {
    await file.close();
  }
}

function compareFiles(a: CaptureFile, b: CaptureFile): number {
  const ha = a.header;
  const hb = b.header;
  // Files whose header is unreadable cannot be placed: they keep their given order, after the rest.
  if (!ha || !hb) return Number(!ha) - Number(!hb);
  if (ha.bootId === hb.bootId) return ha.segment.index - hb.segment.index || ha.clock.ts - hb.clock.ts;
  return ha.clock.realtimeNs - hb.clock.realtimeNs;
}
