// The last gate before a capture joins the corpus: no password the fixture handed out, and no wrong
// password a scenario typed, may occur in its bytes, raw or decompressed.
import { readFileSync } from 'node:fs';
import { decompress } from 'zstd-napi';
import { scanFile } from '../../capture/file-frames';
import { WRONG_PASSWORD_PATTERN } from '../scenarios/scenario';

function found(bytes: Buffer, passwords: readonly string[]): boolean {
  return (
    passwords.some((p) => p !== '' && bytes.includes(Buffer.from(p))) ||
    WRONG_PASSWORD_PATTERN.test(bytes.toString('latin1'))
  );
}

/** Where a secret occurs in the capture ("raw", "frame N"); [] is the only acceptable answer. */
export async function secretsInCapture(path: string, passwords: readonly string[]): Promise<string[]> {
  const hits: string[] = [];
  if (found(readFileSync(path), passwords)) hits.push(`${path} (raw bytes)`);
  for await (const item of scanFile(path)) {
    if (item.type !== 'frame') continue;
    if (found(decompress(item.payload), passwords)) hits.push(`${path} frame ${item.header.seq} (decompressed)`);
  }
  return hits;
}

export function secretInText(text: string, passwords: readonly string[]): boolean {
  return found(Buffer.from(text), passwords);
}
