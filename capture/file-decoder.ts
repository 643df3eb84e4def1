// Stage 2 of reading one file: scanned frames → TraceEvents, in file order. Checks sequence numbers
// (duplicates skipped, missing ones reported), decodes and upcasts payloads, and ends the file with a
// capture_end event (clean only with a trailer). Synchronous and pure over its input.
import type { TraceEvent } from './events';
import { CAPTURE_FORMAT, type CaptureHeader, type Trailer } from './format';
import { newDecodeStats, type DecodeStats } from './decode-events';
import { decodePayload, PayloadError } from './frame-codec';
import type { ScanItem, ScannedFrame } from './frame-scanner';
import { FrameSequence } from './frame-sequence';
import { FrameKind } from './frame-header';
import { entryEvents, gap, headerEvents, NO_TRAILER_REASON, trailerEvent } from './batch-events';
import { ShapeError, type Upcaster, upcasterFor } from './upcast';

export interface DamageEntry {
  readonly kind: 'damaged' | 'duplicate' | 'missing';
  readonly offset: number; // file offset (missing frames: where the next frame was found)
  readonly length: number; // bytes (missing frames: 0)
  readonly reason: string;
}

export interface CaptureSummary {
  readonly frames: number;
  readonly damage: readonly DamageEntry[];
  readonly missingSeqs: readonly [number, number][];
  readonly clean: boolean; // ended with a trailer
  readonly decode: DecodeStats;
}

export class CaptureDecoder {
  readonly damage: DamageEntry[] = [];
  readonly decode: DecodeStats;
  private readonly seqs = new FrameSequence();
  private readonly upcaster: Upcaster;
  private header: CaptureHeader | null;
  private headerEmitted = false;
  private trailer: Trailer | null = null;
  private frames = 0;
  private lastTs: number;
  private damageSinceFrame = false;

  /** `header` is the file's header as probed (null when its frame is unreadable). */
  constructor(header: CaptureHeader | null, skipTypes?: ReadonlySet<number>) {
    this.decode = newDecodeStats(skipTypes);
    this.header = header;
    this.upcaster = upcasterFor(header?.format ?? CAPTURE_FORMAT)!;
    this.lastTs = header?.clock.ts ?? 0;
  }

  consume(item: ScanItem): TraceEvent[] {
    if (item.type === 'damage') {
      this.damage.push({ kind: 'damaged', offset: item.offset, length: item.length, reason: item.reason });
      this.damageSinceFrame = true;
      return [gap(this.lastTs, `damaged capture bytes at offset ${item.offset}: ${item.reason}`, item.length)];
    }
    return this.frameEvents(item);
  }

  finish(): TraceEvent[] {
    const end = this.trailer
      ? trailerEvent(this.trailer)
      : { kind: 'capture_end' as const, ts: this.lastTs, clean: false, reason: NO_TRAILER_REASON };
    return [end];
  }

  summary(): CaptureSummary {
    return {
      frames: this.frames,
      damage: this.damage,
      missingSeqs: this.seqs.missing(),
      clean: this.trailer !== null,
      decode: this.decode,
    };
  }

  private frameEvents(frame: ScannedFrame): TraceEvent[] {
    const { seq } = frame.header;
    const jumped = seq > this.seqs.last + 1 ? [this.seqs.last + 1, seq - 1] : null;
    if (!this.seqs.observe(seq)) {
      this.damage.push({
        kind: 'duplicate',
        offset: frame.offset,
        length: frame.length,
        reason: `duplicate of frame ${seq}, skipped`,
      });
      return [];
    }
    this.frames++;
    const events: TraceEvent[] = [];
    if (jumped && !this.damageSinceFrame) {
      const reason = `frames ${jumped[0]}..${jumped[1]} missing before offset ${frame.offset}`;
      this.damage.push({ kind: 'missing', offset: frame.offset, length: 0, reason });
      events.push(gap(this.lastTs, reason, 0));
    }
    this.damageSinceFrame = false;
    try {
      this.payloadEvents(frame, events);
    } catch (error) {
      if (!(error instanceof PayloadError || error instanceof ShapeError)) throw error;
      this.damage.push({ kind: 'damaged', offset: frame.offset, length: frame.length, reason: error.message });
      events.push(
        gap(this.lastTs, `unreadable frame ${seq} at offset ${frame.offset}: ${error.message}`, frame.length),
      );
    }
    return events;
  }

  /** Appends the frame's events to `out` (a loop, not flatMap and spreads: thousands of events per frame). */
  private payloadEvents(frame: ScannedFrame, out: TraceEvent[]): void {
    const value = () => decodePayload(frame.payload, frame.header.rawLength);
    switch (frame.header.kind) {
      case FrameKind.FileHeader:
        for (const e of this.fileHeaderEvents(frame, value)) out.push(e);
        return;
      case FrameKind.Batch:
        for (const entry of this.upcaster.batch(value())) this.track(entryEvents(entry, this.decode, this.lastTs), out);
        return;
      case FrameKind.Trailer:
        // Held back: capture_end is always the last event of a file.
        this.trailer = this.upcaster.trailer(value());
        return;
    }
  }

  private fileHeaderEvents(frame: ScannedFrame, value: () => unknown): TraceEvent[] {
    if (frame.header.seq !== 0 || this.headerEmitted)
      throw new ShapeError('a file header frame in the middle of the file');
    this.header ??= this.upcaster.header(value());
    this.headerEmitted = true;
    return this.track(headerEvents(this.header));
  }

  private track(events: TraceEvent[], out?: TraceEvent[]): TraceEvent[] {
    let lastTs = this.lastTs;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (event.ts > lastTs) lastTs = event.ts;
      out?.push(event);
    }
    this.lastTs = lastTs;
    return events;
  }
}
