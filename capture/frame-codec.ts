// A frame's payload is zstd(msgpack(value)). Encoding is the writer's last stage, decoding the
// reader's first stage after the scanner has validated both checksums.
import { crc32 } from 'node:zlib';
import { Decoder, Encoder } from '@msgpack/msgpack';
import { compress, decompress } from 'zstd-napi';
import { encodeFrameHeader, FRAME_VERSION, type FrameKind, MAX_PAYLOAD_BYTES } from './frame-header';

const encoder = new Encoder();
const decoder = new Decoder();

export class PayloadError extends Error {}

/** Header + payload of one frame; the value must encode to at most MAX_PAYLOAD_BYTES. */
export function encodeFrame(kind: FrameKind, seq: number, value: unknown): Buffer {
  const raw = encoder.encode(value);
  if (raw.length > MAX_PAYLOAD_BYTES) throw new RangeError(`frame payload of ${raw.length} bytes exceeds the maximum`);
  const stored = compress(raw);
  const header = encodeFrameHeader({
    version: FRAME_VERSION,
    kind,
    seq,
    storedLength: stored.length,
    rawLength: raw.length,
    payloadCrc: crc32(stored),
  });
  return Buffer.concat([header, stored]);
}

/** The msgpack value of a stored payload whose checksum already matched. */
export function decodePayload(stored: Uint8Array, rawLength: number): unknown {
  let raw: Buffer;
  try {
    raw = decompress(stored);
  } catch (error) {
    throw new PayloadError(`payload does not decompress (${(error as Error).message})`);
  }
  if (raw.length !== rawLength) {
    throw new PayloadError(`payload decompresses to ${raw.length} bytes, the header says ${rawLength}`);
  }
  try {
    // A plain Uint8Array view: msgpack bins then decode as Uint8Array, not Buffer.
    return decoder.decode(new Uint8Array(raw.buffer, raw.byteOffset, raw.length));
  } catch (error) {
    throw new PayloadError(`payload is not valid msgpack (${(error as Error).message})`);
  }
}
