// Size what-ifs on a capture's real frames, for cuts that need a format change or a policy decision:
// zstd levels, a zstd dictionary trained on the committed corpus captures (not on the frames measured),
// one counters entry per frame, and a longer frame window. Nothing here changes what the recorder writes.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Encoder } from '@msgpack/msgpack';
import { Compressor } from 'zstd-napi';
import { type StoredEntry, readBatchFrames } from './capture-stats';

const encoder = new Encoder();
const CORPUS = resolve(__dirname, '../../../corpus/captures');
const FRAME_HEADER_BYTES = 28;

function corpusCaptures(): string[] {
  if (!existsSync(CORPUS)) return [];
  return readdirSync(CORPUS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((release) =>
      readdirSync(join(CORPUS, release.name))
        .map((s) => join(CORPUS, release.name, s, 'capture.sshtrace'))
        .filter(existsSync),
    );
}

/** A 16 KiB dictionary trained (zstd --train) on every batch frame of the corpus; null without corpus or zstd. */
export function trainDictionary(dir: string): Buffer | null {
  const samples = join(dir, 'dict-samples');
  mkdirSync(samples, { recursive: true });
  let n = 0;
  for (const capture of corpusCaptures()) {
    for (const frame of readBatchFrames(capture).frames) writeFileSync(join(samples, `s${n++}`), encoder.encode(frame));
  }
  if (n < 10) return null;
  const out = join(dir, 'corpus.zdict');
  try {
    execFileSync('zstd', ['-q', '-f', '--train', '--maxdict=16384', '-r', samples, '-o', out], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return readFileSync(out);
}

function stored(frames: readonly StoredEntry[][], level: number, dictionary: Buffer | null): number {
  const compressor = new Compressor();
  compressor.setParameters({ compressionLevel: level });
  if (dictionary) compressor.loadDictionary(dictionary);
  return frames.reduce((sum, f) => sum + FRAME_HEADER_BYTES + compressor.compress(encoder.encode(f)).length, 0);
}

function lastCountersOnly(frames: readonly StoredEntry[][]): StoredEntry[][] {
  return frames.map((f) => {
    const last = f.map((r) => r.k).lastIndexOf('counters');
    return f.filter((r, i) => r.k !== 'counters' || i === last);
  });
}

function merged(frames: readonly StoredEntry[][], k: number): StoredEntry[][] {
  const out: StoredEntry[][] = [];
  for (let i = 0; i < frames.length; i += k) out.push(frames.slice(i, i + k).flat());
  return out;
}

/** Stored bytes per login of the capture's frames under each what-if. */
export function whatIfs(
  capture: string,
  rootPid: number,
  logins: number,
  dictionary: Buffer | null,
): [string, number][] {
  const frames = readBatchFrames(capture, rootPid).frames;
  const per = (n: number) => Math.round(n / logins);
  const rows: [string, number][] = [
    ['as written (zstd level 3)', per(stored(frames, 3, null))],
    ['zstd level 9', per(stored(frames, 9, null))],
    ['zstd level 19', per(stored(frames, 19, null))],
    ['one counters entry per frame', per(stored(lastCountersOnly(frames), 3, null))],
    ['frames of 4 flushes (4 s window)', per(stored(merged(frames, 4), 3, null))],
  ];
  if (dictionary) {
    rows.push(['corpus dictionary, level 3', per(stored(frames, 3, dictionary))]);
    rows.push(['corpus dictionary, level 19', per(stored(frames, 19, dictionary))]);
    rows.push(['corpus dictionary, level 19, 4 s window', per(stored(merged(frames, 4), 19, dictionary))]);
  }
  return rows;
}
