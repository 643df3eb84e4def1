// Writes a capture: the header frame at once, then entries gathered into batch frames (cut at a size
// threshold or on flush()), then a trailer on close. Every frame is self-contained, so whatever was
// written before a crash or a full disk stays readable. Writes are serialised; the first write error
// is sticky and every later call rejects with it.
import type { FileHandle } from 'node:fs/promises';
import type { BatchEntry, CaptureHeader, Trailer } from '../capture/format';
import { encodeFrame } from '../capture/frame-codec';
import { FrameKind } from '../capture/frame-header';
import { createOutputFile, emptyRegularFile, outputError } from './output-file';

export interface FileWriterOptions {
  /** Overwrite an existing file. */
  readonly force?: boolean;
  /** Cut a batch frame once this many (estimated msgpack) bytes are pending. */
  readonly frameBytes?: number;
}

const DEFAULT_FRAME_BYTES = 256 * 1024;

/** msgpack size of an entry, roughly: only the frame threshold depends on it. */
function estimatedBytes(entry: BatchEntry): number {
  switch (entry.k) {
    case 'ev':
      return entry.d.length + 16;
    case 'counters':
      return 400; // two arrays of 32 counters and ten fields
    case 'clock':
      return 48;
    case 'note':
      return entry.text.length + 32;
  }
}

export class FileWriter {
  private pending: BatchEntry[] = [];
  private pendingBytes = 0;
  private seq = 0;
  private tail: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  private closed = false;
  bytesWritten = 0;
  framesWritten = 0;
  entriesWritten = 0;

  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
    private readonly frameBytes: number,
  ) {}

  /** Creates `path` (see output-file.ts) and writes the header frame. */
  static async create(path: string, header: CaptureHeader, options: FileWriterOptions = {}): Promise<FileWriter> {
    const file = await createOutputFile(path, options.force ?? false);
    return FileWriter.onFile(path, file, header, options);
  }

  /** Starts a capture on a file opened with createOutputFile (a --force'd file's old bytes go only now). */
  static async onFile(
    path: string,
    file: FileHandle,
    header: CaptureHeader,
    options: FileWriterOptions = {},
  ): Promise<FileWriter> {
    await emptyRegularFile(file);
    const writer = new FileWriter(path, file, options.frameBytes ?? DEFAULT_FRAME_BYTES);
    await writer.writeFrame(FrameKind.FileHeader, header);
    return writer;
  }

  /** Queues an entry; cuts a frame when the threshold is reached. */
  async append(entry: BatchEntry): Promise<void> {
    this.assertOpen();
    this.pending.push(entry);
    this.pendingBytes += estimatedBytes(entry);
    if (this.pendingBytes >= this.frameBytes) await this.flush();
  }

  /** Writes whatever is pending as one frame (nothing when nothing is pending). */
  async flush(): Promise<void> {
    this.assertOpen();
    if (this.pending.length === 0) return this.tail;
    const entries = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.entriesWritten += entries.length;
    return this.writeFrame(FrameKind.Batch, entries);
  }

  /** Flushes, writes the trailer, syncs and closes the file. */
  async close(trailer: Trailer): Promise<void> {
    try {
      await this.flush();
      this.closed = true;
      await this.writeFrame(FrameKind.Trailer, trailer);
      await this.file.sync();
    } finally {
      this.closed = true;
      await this.file.close().catch(() => undefined);
    }
  }

  /** Closes without a trailer (after a write error): the file reads as cut. */
  async abandon(): Promise<void> {
    this.closed = true;
    await this.tail.catch(() => undefined);
    await this.file.close().catch(() => undefined);
  }

  private writeFrame(kind: FrameKind, value: unknown): Promise<void> {
    const frame = encodeFrame(kind, this.seq++, value);
    const write = this.tail.then(() => this.writeAll(frame));
    this.tail = write.catch(() => undefined);
    return write;
  }

  private async writeAll(frame: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    try {
      for (let done = 0; done < frame.length; ) {
        const { bytesWritten } = await this.file.write(frame, done, frame.length - done, null);
        done += bytesWritten;
        this.bytesWritten += bytesWritten;
      }
      this.framesWritten++;
    } catch (error) {
      this.failure = outputError(this.path, 'write', error);
      throw this.failure;
    }
  }

  private assertOpen(): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error(`capture ${this.path} is already closed`);
  }
}
