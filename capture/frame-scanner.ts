// Stage 1 of reading: bytes → frames whose header and payload checksums match, and the damaged
// ranges between them. Fed in chunks (flat memory on any file size); after damage it resynchronises
// on the next magic whose header checksum, lengths and payload checksum all hold.
import { crc32 } from 'node:zlib';
import { checkFrameHeader, FRAME_HEADER_BYTES, FRAME_MAGIC, type FrameHeader, startsWithMagic } from './frame-header';

export interface ScannedFrame {
  readonly type: 'frame';
  readonly offset: number; // file offset of the frame header
  readonly length: number; // header + stored payload
  readonly header: FrameHeader;
  readonly payload: Buffer; // the stored (compressed) payload
}
export interface DamagedRange {
  readonly type: 'damage';
  readonly offset: number;
  readonly length: number;
  readonly reason: string;
}
export type ScanItem = ScannedFrame | DamagedRange;

interface Step {
  readonly pos: number;
  readonly need?: number;
} // need set: wait for more bytes

export class FrameScanner {
  private chunks: Buffer[] = [];
  private pendingBytes = 0;
  private base = 0; // file offset of the first pending byte
  private need = FRAME_HEADER_BYTES; // pending bytes required before scanning again
  private damage: { offset: number; reason: string } | null = null;

  push(chunk: Buffer): ScanItem[] {
    if (chunk.length === 0) return [];
    this.chunks.push(chunk);
    this.pendingBytes += chunk.length;
    return this.pendingBytes >= this.need ? this.scan(false) : [];
  }

  /** End of input: whatever is pending is either a frame or damage. */
  end(): ScanItem[] {
    const items = this.scan(true);
    this.closeDamage(this.base, items);
    return items;
  }

  private scan(atEnd: boolean): ScanItem[] {
    const buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.pendingBytes);
    const items: ScanItem[] = [];
    let pos = 0;
    let need = 0;
    while (pos < buf.length) {
      const step = this.step(buf, pos, atEnd, items);
      pos = step.pos;
      if (step.need !== undefined) {
        need = step.need;
        break;
      }
    }
    const rest = buf.subarray(pos);
    this.base += pos;
    this.chunks = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    this.need = Math.max(need, rest.length + 1, FRAME_HEADER_BYTES);
    return items;
  }

  private step(buf: Buffer, pos: number, atEnd: boolean, items: ScanItem[]): Step {
    const remaining = buf.length - pos;
    if (!startsWithMagic(buf, pos)) return this.skipToMagic(buf, pos, atEnd);
    if (remaining < FRAME_HEADER_BYTES) {
      if (!atEnd) return { pos, need: FRAME_HEADER_BYTES };
      this.markDamage(pos, 'the file ends inside a frame header (cut)');
      return { pos: buf.length };
    }
    const check = checkFrameHeader(buf, pos);
    if (!check.ok) {
      this.markDamage(pos, check.reason);
      return { pos: pos + 1 };
    }
    const total = FRAME_HEADER_BYTES + check.header.storedLength;
    if (remaining < total) {
      if (!atEnd) return { pos, need: total };
      this.markDamage(pos, 'the file ends inside a frame (cut)');
      return { pos: pos + 1 };
    }
    const payload = buf.subarray(pos + FRAME_HEADER_BYTES, pos + total);
    if (crc32(payload) !== check.header.payloadCrc) {
      this.markDamage(pos, 'frame payload checksum mismatch');
      return { pos: pos + 1 };
    }
    this.closeDamage(this.base + pos, items);
    items.push({ type: 'frame', offset: this.base + pos, length: total, header: check.header, payload });
    return { pos: pos + total };
  }

  private skipToMagic(buf: Buffer, pos: number, atEnd: boolean): Step {
    const remaining = buf.length - pos;
    if (remaining < FRAME_MAGIC.length && !atEnd) return { pos, need: remaining + 1 };
    this.markDamage(pos, 'bytes outside any frame');
    const next = buf.indexOf(FRAME_MAGIC, pos + 1);
    if (next !== -1) return { pos: next };
    if (atEnd) return { pos: buf.length };
    // Keep the last bytes: they may be the start of a magic split across chunks.
    const keepFrom = Math.max(pos + 1, buf.length - (FRAME_MAGIC.length - 1));
    return { pos: keepFrom, need: buf.length - keepFrom + 1 };
  }

  private markDamage(pos: number, reason: string): void {
    if (!this.damage) this.damage = { offset: this.base + pos, reason };
  }

  private closeDamage(endOffset: number, items: ScanItem[]): void {
    if (!this.damage) return;
    items.push({
      type: 'damage',
      offset: this.damage.offset,
      length: endOffset - this.damage.offset,
      reason: this.damage.reason,
    });
    this.damage = null;
  }
}
