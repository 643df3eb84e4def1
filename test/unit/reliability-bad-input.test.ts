// Issue #6, bad input to `replay` and `dump`, through the real CLI (a child process: the exit code and
// stderr a person sees). test/unit/cli.test.ts and capture-reader.test.ts cover missing files, text files,
// cut first frames and newer versions at the library level; this adds what the CLI says for each, per command,
// and the one non-fatal case: kernel records of an unknown type inside a frame.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { KernelEvent } from '../../model/events';
import { EXIT } from '../../replay/errors';
import { LAYOUT } from '../../replay/events-layout';
import { encodeFrame } from '../../replay/frame-codec';
import { FrameKind } from '../../replay/log-format';
import { LogWriter } from '../../record/log-writer';
import { sampleHeader } from '../arbitraries/captures';
import { encodeEvent } from '../arbitraries/kernel-record-encoder';
import { lines, runCli } from '../e2e/support/reliability-cli';

const dir = mkdtempSync(join(tmpdir(), 'sshtrace-bad-input-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const path = (name: string) => join(dir, name);

const creds = { uid: 0, euid: 0, suid: 0, fsuid: 0, gid: 0, egid: 0, sgid: 0, fsgid: 0, auid: 4294967295, sessionid: 4294967295 };
const fork: KernelEvent = { kind: 'fork', ts: 6e9, tgid: 812, tid: 812, truncated: false, childTgid: 900, childTid: 900, thread: false, creds, comm: 'sshd' };
const exit: KernelEvent = {
  kind: 'exit', ts: 7e9, tgid: 900, tid: 900, truncated: false, exitCode: 0, signal: null, core: false,
  rawStatus: 0, ppid: 812, startBoottime: 6e9, creds, comm: 'sshd',
};

/** A kernel record of type 77 (no such type in layout 1), between two known ones. */
function unknownRecordBlob(): Buffer {
  const unknown = Buffer.from(encodeEvent(fork));
  unknown.writeUInt16LE(77, LAYOUT.event_header.fields.type);
  return Buffer.concat([encodeEvent(fork), unknown, encodeEvent(exit)]);
}

async function writeCapture(name: string, blob: Buffer): Promise<string> {
  const writer = await LogWriter.create(path(name), sampleHeader());
  await writer.append({ k: 'ev', d: blob });
  await writer.close({ k: 'end', ts: 8e9, clean: true, reason: 'test', counters: {
    emitted: Array(32).fill(0), dropped: Array(32).fill(0), truncated: 0, frameDesync: 0, trackFailed: 0, readFailed: 0,
    userDroppedRecords: 0, userDroppedBatches: 0, delivered: 3, malformed: 0,
  } });
  return path(name);
}

const COMMANDS = [['replay', '--format', 'jsonl'], ['dump']];

describe('unusable input: one line, a distinct exit code, for replay and dump alike', () => {
  writeFileSync(path('empty.sshtrace'), '');
  writeFileSync(path('text.sshtrace'), 'not a capture\n'.repeat(100));
  mkdirSync(path('no-captures'));
  writeFileSync(path('no-captures/readme.txt'), 'nothing here');
  writeFileSync(path('newer-frame.sshtrace'), (() => { const f = encodeFrame(FrameKind.FileHeader, 0, sampleHeader()); f[4] = 2; return f; })());
  writeFileSync(path('newer-format.sshtrace'), encodeFrame(FrameKind.FileHeader, 0, { ...sampleHeader(), format: 9 }));
  writeFileSync(path('newer-layout.sshtrace'), encodeFrame(FrameKind.FileHeader, 0, { ...sampleHeader(), eventsLayout: 9 }));
  const cases: [string, string, number, RegExp][] = [
    ['a missing file', path('absent.sshtrace'), EXIT.inputMissing, /^sshtrace: no such capture: .*absent\.sshtrace \(check the path\)$/],
    ['a directory without captures', path('no-captures'), EXIT.inputMissing, /^sshtrace: .*no-captures holds no captures \(no \*\.sshtrace file, no file starting with a frame\)$/],
    ['an empty file', path('empty.sshtrace'), EXIT.notACapture, /^sshtrace: .*empty\.sshtrace is empty: the recorder wrote nothing/],
    ['a file that is not a capture', path('text.sshtrace'), EXIT.notACapture, /^sshtrace: .*text\.sshtrace is not an sshtrace capture \(no frame found anywhere in it\)$/],
    ['a newer frame version', path('newer-frame.sshtrace'), EXIT.formatTooNew, /^sshtrace: .* uses frame version 2; this sshtrace reads up to 1: upgrade sshtrace$/],
    ['a newer capture format', path('newer-format.sshtrace'), EXIT.formatTooNew, /^sshtrace: .* is capture format 9; this sshtrace reads up to 1: upgrade sshtrace$/],
    ['a newer kernel record layout', path('newer-layout.sshtrace'), EXIT.formatTooNew, /^sshtrace: .* holds kernel records of layout 9; .*: upgrade sshtrace$/],
  ];
  for (const [what, file, code, pattern] of cases) {
    for (const command of COMMANDS) {
      it(`${what}: sshtrace ${command[0]}`, async () => {
        const result = await runCli([...command, file]);
        assert.equal(result.code, code, result.stderr);
        assert.equal(result.stdout, '');
        assert.equal(lines(result.stderr).length, 1, result.stderr);
        assert.match(lines(result.stderr)[0]!, pattern);
      });
    }
  }
});

describe('a kernel record of an unknown type inside a frame', () => {
  it('is skipped and counted: the records around it are read, a warning says so, exit 0', async () => {
    const capture = await writeCapture('unknown-type.sshtrace', unknownRecordBlob());
    const dump = await runCli(['dump', '--kinds', 'fork,exit,gap', capture]);
    assert.equal(dump.code, 0, dump.stderr);
    const kinds = lines(dump.stdout).map((l) => (JSON.parse(l) as { kind: string; reason?: string }));
    assert.deepEqual(kinds.map((k) => k.kind), ['fork', 'exit', 'gap']);
    assert.match(kinds[2]!.reason!, /^1 kernel record\(s\) of unknown type \(types seen: 77\)$/);
    const replay = await runCli(['replay', '--format', 'jsonl', capture]);
    assert.equal(replay.code, 0, replay.stderr);
    assert.ok(lines(replay.stderr).some((l) => /^sshtrace: warning: .*unknown-type\.sshtrace: skipped 1 kernel record\(s\) of unknown type 77 \(a newer recorder\? upgrade sshtrace\)$/.test(l)), replay.stderr);
  });

  it('makes replay --strict exit with the damage code', async () => {
    const capture = await writeCapture('unknown-type-strict.sshtrace', unknownRecordBlob());
    const replay = await runCli(['replay', '--format', 'jsonl', '--strict', capture]);
    assert.equal(replay.code, EXIT.damaged, replay.stderr);
    assert.match(lines(replay.stderr).at(-1)!, /^sshtrace: the capture is damaged or events were lost \(--strict\): see the warnings above$/);
  });
});

describe('a damaged capture', () => {
  it('is read around the damage: replay names the damaged range and exits 0, or 10 with --strict', async () => {
    const capture = await writeCapture('damaged.sshtrace', Buffer.concat([encodeEvent(fork), encodeEvent(exit)]));
    const bytes = readFileSync(capture);
    const batchAt = bytes.indexOf(Buffer.from([0x89, 0x53, 0x54, 0x46, 1, FrameKind.Batch]));
    const trailerAt = bytes.indexOf(Buffer.from([0x89, 0x53, 0x54, 0x46, 1, FrameKind.Trailer]));
    bytes[batchAt + 40]! ^= 0x55;
    writeFileSync(capture, bytes);
    const replay = await runCli(['replay', '--format', 'jsonl', capture]);
    assert.equal(replay.code, 0, replay.stderr);
    const range = `damaged ${batchAt}+${trailerAt - batchAt} (frame payload checksum mismatch)`;
    assert.equal(lines(replay.stderr)[0], `sshtrace: warning: ${capture}: 1 damaged range(s), intact frames around them were read: ${range}`);
    const strict = await runCli(['replay', '--format', 'jsonl', '--strict', capture]);
    assert.equal(strict.code, EXIT.damaged, strict.stderr);
  });
});
