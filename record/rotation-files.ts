// Segment files of a rotating capture: names that sort by time and carry the segment index, the directory
// they go in, and deleting the oldest ones to stay under a total size.
import { constants } from 'node:fs';
import { access, mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describeSystemError, OutputError } from '../capture/errors';

export interface SegmentFile {
  readonly name: string;
  readonly path: string;
  readonly index: number;
  readonly size: number;
}

/** sshtrace-20261128T122007Z-000003.sshtrace: wall time of creation (UTC), then the segment index. */
export const SEGMENT_NAME = /^sshtrace-(\d{8}T\d{6}Z)-(\d{6,})\.sshtrace$/;

export function segmentName(index: number, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `sshtrace-${stamp}-${String(index).padStart(6, '0')}.sshtrace`;
}

/** Creates the directory (mode 0700) when missing; fails early when it cannot hold segments. */
export async function prepareSegmentDir(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (info && !info.isDirectory()) {
    throw new OutputError(
      `cannot rotate into ${dir}: it is a file; with --rotate-size, --rotate-interval or --max-total-size, --output names a directory`,
    );
  }
  if (!info) {
    await mkdir(dir, { recursive: true, mode: 0o700 }).catch((error: unknown) => {
      throw new OutputError(`cannot create the capture directory ${dir}: ${describeSystemError(error)}`);
    });
  }
  await access(dir, constants.W_OK).catch(() => {
    throw new OutputError(`cannot rotate into ${dir}: the directory is not writable`);
  });
}

/** This recorder's segments in `dir` (other files are never touched), oldest index first. */
export async function listSegments(dir: string): Promise<SegmentFile[]> {
  const found: SegmentFile[] = [];
  for (const name of await readdir(dir)) {
    const match = SEGMENT_NAME.exec(name);
    if (!match) continue;
    const info = await stat(join(dir, name)).catch(() => null);
    if (info?.isFile()) found.push({ name, path: join(dir, name), index: Number(match[2]), size: info.size });
  }
  return found.sort((a, b) => a.index - b.index);
}

/** Indexes go on from earlier runs in the same directory, so replay orders every run's segments by index. */
export async function nextSegmentIndex(dir: string): Promise<number> {
  const segments = await listSegments(dir);
  return segments.length === 0 ? 0 : segments[segments.length - 1]!.index + 1;
}

export interface Deleted {
  readonly count: number;
  readonly bytes: number;
  readonly names: readonly string[];
}

/**
 * Deletes the oldest segments (never `keep`) until the others total at most `budgetBytes`. A segment that is
 * already gone is skipped; one that cannot be deleted stops the pruning (said by the caller, retried later).
 */
export async function deleteOldest(dir: string, keep: string, budgetBytes: number): Promise<Deleted> {
  const others = (await listSegments(dir)).filter((s) => s.path !== keep);
  let total = others.reduce((sum, s) => sum + s.size, 0);
  const names: string[] = [];
  let bytes = 0;
  for (const segment of others) {
    if (total <= budgetBytes) break;
    try {
      await unlink(segment.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    total -= segment.size;
    bytes += segment.size;
    names.push(segment.name);
  }
  return { count: names.length, bytes, names };
}
