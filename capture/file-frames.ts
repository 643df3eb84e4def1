// Streams a file from disk through the frame scanner: fixed-size chunks, so memory stays flat
// whatever the file size (at most one frame plus one chunk is held).
import { open } from 'node:fs/promises';
import { FrameScanner, type ScanItem } from './frame-scanner';

const READ_CHUNK_BYTES = 1 << 20;

export async function* readChunks(path: string, chunkBytes = READ_CHUNK_BYTES): AsyncGenerator<Buffer> {
  const file = await open(path, 'r');
  try {
    for (;;) {
      // A fresh buffer per chunk: the scanner keeps references into chunks it has not consumed yet.
      const chunk = Buffer.allocUnsafe(chunkBytes);
      const { bytesRead } = await file.read(chunk, 0, chunkBytes, null);
      if (bytesRead === 0) return;
      yield chunk.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}

export async function* scanFile(path: string, chunkBytes = READ_CHUNK_BYTES): AsyncGenerator<ScanItem> {
  const scanner = new FrameScanner();
  for await (const chunk of readChunks(path, chunkBytes)) yield* scanner.push(chunk);
  yield* scanner.end();
}

/** Scans a whole in-memory buffer (tests, small files). */
export function scanBuffer(bytes: Buffer, chunkBytes = bytes.length || 1): ScanItem[] {
  const scanner = new FrameScanner();
  const items: ScanItem[] = [];
  for (let at = 0; at < bytes.length; at += chunkBytes)
    items.push(...scanner.push(bytes.subarray(at, at + chunkBytes)));
  items.push(...scanner.end());
  return items;
}
