// Proof that no password reached a capture: the raw file, every frame's decompressed payload, and any
// text output derived from it are searched for every password a fixture handed out and for the
// scenarios' wrong-password pattern.
import { readFileSync } from 'node:fs';
import { decompress } from 'zstd-napi';
import { scanFile } from '../../../capture/file-frames';
import { WRONG_PASSWORD_PATTERN } from '../../../harness/scenarios';

export interface SecretHit {
  readonly where: string;
  readonly secret: string;
}

function search(bytes: Buffer, passwords: readonly string[], where: string): SecretHit[] {
  const hits: SecretHit[] = passwords
    .filter((p) => bytes.includes(Buffer.from(p)))
    .map((secret) => ({ where, secret }));
  const text = bytes.toString('latin1');
  const wrong = WRONG_PASSWORD_PATTERN.exec(text);
  if (wrong) hits.push({ where, secret: wrong[0] });
  return hits;
}

/** Every place a password occurs; [] is the only acceptable answer. */
export async function secretsInCapture(path: string, passwords: readonly string[]): Promise<SecretHit[]> {
  if (passwords.length === 0) throw new Error('no passwords to look for: the test would prove nothing');
  const hits = search(readFileSync(path), passwords, `${path} (raw)`);
  let frames = 0;
  for await (const item of scanFile(path)) {
    if (item.type !== 'frame') continue;
    frames++;
    hits.push(...search(decompress(item.payload), passwords, `${path} frame ${item.header.seq} (decompressed)`));
  }
  if (frames === 0) throw new Error(`${path} has no frame: the test would prove nothing`);
  return hits;
}

export function secretsInText(text: string, passwords: readonly string[], where: string): SecretHit[] {
  return search(Buffer.from(text), passwords, where);
}
