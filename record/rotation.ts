// Long captures: a directory of segments. Each segment is a complete capture (header with its index and the
// previous segment's name, frames, trailer); a new one starts when the current one reaches --rotate-size or is
// --rotate-interval old, checked after every write and every flush (at least once a second while recording).
// With --max-total-size the oldest segments are deleted so the directory stays under the cap, and said so.
import { unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { BatchEntry, CaptureHeader, Trailer } from '../capture/format';
import type { CaptureWriter, SegmentSource } from './capture-writer';
import { createOutputFile } from './output-file';
import { FileWriter } from './file-writer';
import { deleteOldest, segmentName } from './rotation-files';

export interface RotationOptions {
  readonly dir: string;
  /** Start a new segment once the current one holds this many bytes (null: no size limit). */
  readonly segmentBytes: number | null;
  /** Start a new segment once the current one is this old (null: no time limit). */
  readonly intervalMs: number | null;
  /** Delete the oldest segments to keep the directory's segments under this (null: keep everything). */
  readonly maxTotalBytes: number | null;
}

export interface RotationDeps {
  readonly nowMs: () => number;
  readonly stderr: (line: string) => void;
}

export interface RotationStats {
  readonly segments: number;
  readonly deletedSegments: number;
  readonly deletedBytes: number;
  readonly currentPath: string;
}

export class RotatingWriter implements CaptureWriter {
  private chain: Promise<void> = Promise.resolve();
  private startedMs: number;
  private closedBytes = 0;
  private closedFrames = 0;
  private segments = 1;
  private deletedSegments = 0;
  private deletedBytes = 0;

  private constructor(
    private current: FileWriter,
    private index: number,
    private readonly options: RotationOptions,
    private readonly source: SegmentSource,
    private readonly deps: RotationDeps,
  ) {
    this.startedMs = deps.nowMs();
  }

  /** Starts on the first segment, already created (O_EXCL) by the caller; `header` names its index. */
  static async start(
    first: { path: string; file: Parameters<typeof FileWriter.onFile>[1]; header: CaptureHeader },
    options: RotationOptions,
    source: SegmentSource,
    deps: RotationDeps,
  ): Promise<RotatingWriter> {
    const writer = await FileWriter.onFile(first.path, first.file, first.header);
    const rotating = new RotatingWriter(writer, first.header.segment.index, options, source, deps);
    await rotating.pruneOldest();
    return rotating;
  }

  get bytesWritten(): number {
    return this.closedBytes + this.current.bytesWritten;
  }
  get framesWritten(): number {
    return this.closedFrames + this.current.framesWritten;
  }

  stats(): RotationStats {
    return {
      segments: this.segments,
      deletedSegments: this.deletedSegments,
      deletedBytes: this.deletedBytes,
      currentPath: this.current.path,
    };
  }

  append(entry: BatchEntry): Promise<void> {
    return this.serial(async () => {
      await this.current.append(entry);
      await this.rotateIfDue();
    });
  }

  flush(): Promise<void> {
    return this.serial(async () => {
      await this.current.flush();
      await this.rotateIfDue();
    });
  }

  close(trailer: Trailer): Promise<void> {
    return this.serial(() => this.current.close(trailer));
  }

  abandon(): Promise<void> {
    return this.current.abandon();
  }

  /** Rotation swaps the writer, so calls (the batch loop's and the timers') run one after the other. */
  private serial(call: () => Promise<void>): Promise<void> {
    const run = this.chain.then(call);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private due(): boolean {
    const { segmentBytes, intervalMs } = this.options;
    if (segmentBytes !== null && this.current.bytesWritten >= segmentBytes) return true;
    return intervalMs !== null && this.deps.nowMs() - this.startedMs >= intervalMs;
  }

  private async rotateIfDue(): Promise<void> {
    if (!this.due()) return;
    const previous = this.current;
    const nextPath = join(this.options.dir, segmentName(this.index + 1, new Date(this.deps.nowMs())));
    // Created before the old segment closes, so a failure to create it leaves the old one open to report it.
    const file = await createOutputFile(nextPath, false);
    try {
      await previous.close(this.source.trailer(`rotated: continues in ${basename(nextPath)}`));
      const header = this.source.header({ index: this.index + 1, previous: basename(previous.path) });
      this.current = await FileWriter.onFile(nextPath, file, header);
    } catch (error) {
      // An empty or headless segment would make `replay DIR` refuse the whole directory.
      await file.close().catch(() => undefined);
      await unlink(nextPath).catch(() => undefined);
      throw error;
    }
    this.closedBytes += previous.bytesWritten;
    this.closedFrames += previous.framesWritten;
    this.index++;
    this.segments++;
    this.startedMs = this.deps.nowMs();
    await this.pruneOldest();
  }

  /** Leaves room for the current segment to grow to its size limit under the cap. */
  private async pruneOldest(): Promise<void> {
    const { maxTotalBytes, segmentBytes } = this.options;
    if (maxTotalBytes === null) return;
    const budget = Math.max(0, maxTotalBytes - (segmentBytes ?? 0));
    const deleted = await deleteOldest(this.options.dir, this.current.path, budget).catch((error: Error) => {
      this.deps.stderr(
        `sshtrace: warning: cannot delete old segments in ${this.options.dir} (${error.message}); will try again at the next rotation`,
      );
      return null;
    });
    if (!deleted || deleted.count === 0) return;
    this.deletedSegments += deleted.count;
    this.deletedBytes += deleted.bytes;
    const mib = (deleted.bytes / 1024 / 1024).toFixed(1);
    const names = deleted.names.length > 3 ? `${deleted.names.slice(0, 3).join(', ')}, …` : deleted.names.join(', ');
    this.deps.stderr(
      `sshtrace: deleted ${deleted.count} oldest segment(s) (${mib} MiB: ${names}) ` +
        `to keep ${this.options.dir} under --max-total-size`,
    );
  }
}
