// --rotate-size, --rotate-interval and --max-total-size: parsed and checked before anything starts.
import { UsageError } from '../capture/errors';
import type { RotationOptions } from './rotation';

export interface RotationArgs {
  readonly rotateSize?: string | undefined;
  readonly rotateInterval?: string | undefined;
  readonly maxTotalSize?: string | undefined;
}

const SIZE_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };
const TIME_UNITS: Record<string, number> = { '': 1000, S: 1000, M: 60_000, H: 3_600_000, D: 86_400_000 };
/** Below this a segment would hold a handful of frames: almost all header. */
const MIN_SEGMENT_BYTES = 64 * 1024;
/** Without --rotate-size, a cap rotates at a tenth of itself, so deleting one segment frees a tenth. */
const SEGMENTS_PER_CAP = 10;

/** "64M" → 67108864 (K, M, G, T are powers of 1024; an optional B or iB is accepted). */
export function sizeBytes(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(text.trim());
  const bytes = match ? Math.floor(Number(match[1]) * SIZE_UNITS[match[2]!.toUpperCase()]!) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0)
    throw new UsageError(`${flag} must be a size such as 64M or 1G, not ${text}`);
  return bytes;
}

/** "90" or "90s", "15m", "1h", "1d" → milliseconds. */
export function intervalMs(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/i.exec(text.trim());
  const ms = match ? Math.round(Number(match[1]) * TIME_UNITS[match[2]!.toUpperCase()]!) : NaN;
  if (!Number.isSafeInteger(ms) || ms < 1000)
    throw new UsageError(`${flag} must be a duration of at least 1s, such as 90s, 15m, 1h or 1d, not ${text}`);
  return ms;
}

/** null when no rotation flag is given: --output is then one file, as before. */
export function rotationOptions(dir: string, args: RotationArgs): RotationOptions | null {
  if (args.rotateSize === undefined && args.rotateInterval === undefined && args.maxTotalSize === undefined)
    return null;
  const maxTotalBytes = args.maxTotalSize === undefined ? null : sizeBytes(args.maxTotalSize, '--max-total-size');
  let segmentBytes = args.rotateSize === undefined ? null : sizeBytes(args.rotateSize, '--rotate-size');
  if (segmentBytes === null && maxTotalBytes !== null) segmentBytes = Math.floor(maxTotalBytes / SEGMENTS_PER_CAP);
  if (segmentBytes !== null && segmentBytes < MIN_SEGMENT_BYTES) {
    throw new UsageError(
      `--rotate-size must be at least 64K (a tenth of --max-total-size when only the cap is given), not ${segmentBytes} bytes`,
    );
  }
  if (maxTotalBytes !== null && segmentBytes !== null && maxTotalBytes < 2 * segmentBytes) {
    throw new UsageError(
      '--max-total-size must be at least twice --rotate-size, so a full segment can be kept while the next one fills',
    );
  }
  return {
    dir,
    segmentBytes,
    maxTotalBytes,
    intervalMs: args.rotateInterval === undefined ? null : intervalMs(args.rotateInterval, '--rotate-interval'),
  };
}

/** "new segment every 64.0 MiB or 1 h, at most 1.0 GiB kept" for the start line. */
export function describeRotation(r: RotationOptions): string {
  const when = [
    r.segmentBytes === null ? null : human(r.segmentBytes),
    r.intervalMs === null ? null : duration(r.intervalMs),
  ]
    .filter((x): x is string => x !== null)
    .join(' or ');
  const cap = r.maxTotalBytes === null ? 'no size cap' : `oldest deleted beyond ${human(r.maxTotalBytes)}`;
  return `a new segment every ${when}, ${cap}`;
}

function human(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

function duration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}
