// What the recorder writes through: one capture file (FileWriter), rotating segments (RotatingWriter), or a tee
// that also feeds a live reducer (watch). All write the same frames in the same order.
import type { BatchEntry, CaptureHeader, Trailer } from '../capture/format';

export interface CaptureWriter {
  readonly bytesWritten: number;
  readonly framesWritten: number;
  /** Queues an entry (a frame is cut when enough are pending). */
  append(entry: BatchEntry): Promise<void>;
  /** Writes whatever is pending as one frame. */
  flush(): Promise<void>;
  /** Flushes, writes the trailer, syncs and closes. */
  close(trailer: Trailer): Promise<void>;
  /** Closes without a trailer (after a write error). */
  abandon(): Promise<void>;
}

/** What a writer needs from the recorder to start a new segment or end one. */
export interface SegmentSource {
  /** A header for a new segment: fresh clock pair, users, and /proc snapshot (so the segment replays alone). */
  header(segment: CaptureHeader['segment']): CaptureHeader;
  /** The trailer that ends a segment, with the tracer's counters now. */
  trailer(reason: string): Trailer;
}
