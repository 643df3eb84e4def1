// The secret proof for one capture: the raw file, every decompressed frame, and every text the CLI makes of
// it (replay in each format, dump, and their stderr) must hold none of the passwords. Used on live
// recordings and on the committed corpus captures.
import { appendFileSync, copyFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { encodeFrame } from '../../../capture/frame-codec';
import { FrameKind } from '../../../capture/frame-header';
import { scanFile } from '../../../capture/file-frames';
import { runCli } from './reliability-cli';
import { secretsInCapture, secretsInText, type SecretHit } from './secrets';

/** Every --format value `replay --help` lists (other engineers add formats), "auto" aside. */
async function replayFormats(): Promise<string[]> {
  const help = await runCli(['replay', '--help']);
  const text = help.stdout.replace(/\s+/g, ' ');
  const choices = /\[choices: ([^\]]*)\]/.exec(text.slice(text.indexOf('--format')))?.[1] ?? '"table", "jsonl"';
  return [...choices.matchAll(/"([a-z0-9-]+)"/g)].map((m) => m[1]!).filter((f) => f !== 'auto');
}

/** Everything a person can get out of a capture with the CLI: replay in every format, every record type, and dump. */
export async function outputCommands(): Promise<string[][]> {
  const formats = await replayFormats();
  if (!formats.includes('table') || !formats.includes('jsonl'))
    throw new Error(`replay --help lists formats ${formats.join(', ')}`);
  return [
    ...formats.map((f) => ['replay', '--format', f]),
    ['replay', '--format', 'jsonl', '--type', 'auth,session,connection,anomaly,session_start'],
    ['dump'],
  ];
}

/** Searches what the CLI prints from `captures` (several are read as one stream, one run per command). */
export async function secretsInOutputs(
  captures: string | readonly string[],
  passwords: readonly string[],
): Promise<SecretHit[]> {
  const files = typeof captures === 'string' ? [captures] : [...captures];
  const hits: SecretHit[] = [];
  for (const command of await outputCommands()) {
    const result = await runCli([...command, ...files]);
    if (result.code !== 0)
      throw new Error(`sshtrace ${command.join(' ')} ${files.join(' ')} exited ${result.code}: ${result.stderr}`);
    if (result.stdout.length === 0)
      throw new Error(`sshtrace ${command.join(' ')} printed nothing: the search would prove nothing`);
    hits.push(...secretsInText(result.stdout + result.stderr, passwords, `sshtrace ${command.join(' ')}`));
  }
  return hits;
}

/** Every place a password occurs in the capture or in anything the CLI prints from it. */
export async function allSecretHits(capture: string, passwords: readonly string[]): Promise<SecretHit[]> {
  return [...(await secretsInCapture(capture, passwords)), ...(await secretsInOutputs(capture, passwords))];
}

/** A copy of `capture` with `secret` planted in one more (compressed) batch frame, as a recorder note. */
export async function plantSecret(capture: string, copy: string, secret: string): Promise<void> {
  copyFileSync(capture, copy);
  let lastSeq = 0;
  for await (const item of scanFile(capture)) if (item.type === 'frame') lastSeq = Math.max(lastSeq, item.header.seq);
  // A recorder note is copied to replay's anomaly detail and to dump's gap reason, so the outputs carry it too.
  const note = { k: 'note', ts: 1, text: `planted secret ${secret}` };
  appendFileSync(copy, encodeFrame(FrameKind.Batch, lastSeq + 1, [note]));
}

/** Committed captures under `dir` (recursively), for the corpus half of the proof. */
export function committedCaptures(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const info = statSync(path);
      if (info.isDirectory()) walk(path);
      else if (name.endsWith('.sshtrace')) found.push(path);
    }
  };
  walk(dir);
  return found.sort();
}
