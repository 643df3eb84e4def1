// The frame layout of a capture file (docs/capture-format.md). Shared by the writer (record/) and the
// reader (file-reader.ts): a fixed little-endian header, then zstd(msgpack(value)).
import { crc32 } from 'node:zlib';

/** "\x89STF": the high byte catches 7-bit mangling, "STF" = sshtrace frame. */
export const FRAME_MAGIC = Buffer.from([0x89, 0x53, 0x54, 0x46]);
export const FRAME_VERSION = 1;
export const FRAME_HEADER_BYTES = 28;
/** Upper bound of a stored or raw payload: a header claiming more is damage, the writer never exceeds it. */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

export enum FrameKind {
  FileHeader = 1,
  Batch = 2,
  Trailer = 3,
}

export interface FrameHeader {
  readonly version: number;
  readonly kind: FrameKind;
  readonly seq: number;
  readonly storedLength: number;
  readonly rawLength: number;
  readonly payloadCrc: number;
}

// Byte offsets inside the header.
const MAGIC_AT = 0;
const VERSION_AT = 4;
const KIND_AT = 5;
const RESERVED_AT = 6; // u16, written 0, ignored
const SEQ_AT = 8;
const STORED_AT = 12;
const RAW_AT = 16;
const PAYLOAD_CRC_AT = 20;
const HEADER_CRC_AT = 24;

export function encodeFrameHeader(header: FrameHeader): Buffer {
  const out = Buffer.alloc(FRAME_HEADER_BYTES);
  FRAME_MAGIC.copy(out, MAGIC_AT);
  out.writeUInt8(header.version, VERSION_AT);
  out.writeUInt8(header.kind, KIND_AT);
  out.writeUInt16LE(0, RESERVED_AT);
  out.writeUInt32LE(header.seq, SEQ_AT);
  out.writeUInt32LE(header.storedLength, STORED_AT);
  out.writeUInt32LE(header.rawLength, RAW_AT);
  out.writeUInt32LE(header.payloadCrc, PAYLOAD_CRC_AT);
  out.writeUInt32LE(crc32(out.subarray(0, HEADER_CRC_AT)), HEADER_CRC_AT);
  return out;
}

export type HeaderCheck =
  | { readonly ok: true; readonly header: FrameHeader }
  | { readonly ok: false; readonly reason: string; readonly version?: number };

/** Validates the header at `at` (magic already matched, FRAME_HEADER_BYTES available). */
export function checkFrameHeader(buf: Buffer, at: number): HeaderCheck {
  const expectedCrc = buf.readUInt32LE(at + HEADER_CRC_AT);
  if (crc32(buf.subarray(at, at + HEADER_CRC_AT)) !== expectedCrc) {
    return { ok: false, reason: 'frame header checksum mismatch' };
  }
  const version = buf.readUInt8(at + VERSION_AT);
  if (version !== FRAME_VERSION) return { ok: false, reason: `unsupported frame version ${version}`, version };
  const kind = buf.readUInt8(at + KIND_AT);
  if (!(kind in FrameKind)) return { ok: false, reason: `unknown frame kind ${kind}` };
  const storedLength = buf.readUInt32LE(at + STORED_AT);
  const rawLength = buf.readUInt32LE(at + RAW_AT);
  if (storedLength > MAX_PAYLOAD_BYTES || rawLength > MAX_PAYLOAD_BYTES) {
    return { ok: false, reason: 'frame header declares an impossible length' };
  }
  const header: FrameHeader = {
    version,
    kind,
    seq: buf.readUInt32LE(at + SEQ_AT),
    storedLength,
    rawLength,
    payloadCrc: buf.readUInt32LE(at + PAYLOAD_CRC_AT),
  };
  return { ok: true, header };
}

/** Reads the frame version byte of a header whose magic matched, without trusting anything else. */
export function peekFrameVersion(buf: Buffer, at: number): number | null {
  return buf.length >= at + VERSION_AT + 1 ? buf.readUInt8(at + VERSION_AT) : null;
}

export function startsWithMagic(buf: Buffer, at: number): boolean {
  return (
    buf.length >= at + FRAME_MAGIC.length &&
    buf.compare(FRAME_MAGIC, 0, FRAME_MAGIC.length, at, at + FRAME_MAGIC.length) === 0
  );
}
