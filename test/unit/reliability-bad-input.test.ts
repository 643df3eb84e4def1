// Issue #6, bad input to `replay` and `dump`, through the real CLI (a child process: the exit code and
// stderr a person sees). test/unit/cli.test.ts and capture-reader.test.ts cover missing files, text files,
// cut first frames and newer versions at the library level; this adds what the CLI says for each, per command,
// and the one non-fatal case: kernel events of an unknown type inside a frame. The last describe checks that
// every bad input issue #6 lists (here and in test/e2e/reliability-record-errors.test.ts) has its own exit code.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { KernelEvent } from '../../capture/events';
import { EXIT, type SshtraceError } from '../../capture/errors';
import { CAPS, LAYOUT } from '../../capture/layout';
import { encodeFrame } from '../../capture/frame-codec';
import { FrameKind } from '../../capture/frame-header';
import { FileWriter } from '../../record/file-writer';
import { checkOutputPath } from '../../record/output-file';
import { fromTracerError } from '../../record/tracer-errors';
import { sampleHeader } from '../arbitraries/captures';
import { encodeEvent } from '../../capture/encode-events';
import { lines, runCli } from '../e2e/support/reliability-cli';
import { zeroCounters } from '../../capture/counters';

const dir = mkdtempSync(join(tmpdir(), 'sshtrace-bad-input-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const path = (name: string) => join(dir, name);

const creds = {
  uid: 0,
  euid: 0,
  suid: 0,
  fsuid: 0,
  gid: 0,
  egid: 0,
  sgid: 0,
  fsgid: 0,
  auid: 4294967295,
  sessionid: 4294967295,
};
const fork: KernelEvent = {
  kind: 'fork',
  ts: 6e9,
  tgid: 812,
  tid: 812,
  truncated: false,
  childTgid: 900,
  childTid: 900,
  thread: false,
  creds,
  comm: 'sshd',
};
const exit: KernelEvent = {
  kind: 'exit',
  ts: 7e9,
  tgid: 900,
  tid: 900,
  truncated: false,
  exitCode: 0,
  signal: null,
  core: false,
  rawStatus: 0,
  ppid: 812,
  startBoottime: 6e9,
  creds,
  comm: 'sshd',
};

/** A kernel event of type 77 (no such type in layout 1), between two known ones. */
function unknownEventBlob(): Buffer {
  const unknown = Buffer.from(encodeEvent(fork));
  unknown.writeUInt16LE(77, LAYOUT.event_header.fields.type);
  return Buffer.concat([encodeEvent(fork), unknown, encodeEvent(exit)]);
}

async function writeCapture(name: string, blob: Buffer): Promise<string> {
  const writer = await FileWriter.create(path(name), sampleHeader());
  await writer.append({ k: 'ev', d: blob });
  await writer.close({
    k: 'end',
    ts: 8e9,
    clean: true,
    reason: 'test',
    counters: zeroCounters({ delivered: 3 }, CAPS.EV_MAX),
  });
  return path(name);
}

const COMMANDS = [['replay', '--format', 'jsonl'], ['dump']];

/** Every bad input issue #6 lists, with the exit code it must get; no two may share one. */
const ISSUE_6_CODES: Readonly<Record<string, number>> = {
  'a missing file': EXIT.inputMissing, // 3
  'a directory without captures': EXIT.noCaptures, // 12
  'an empty file': EXIT.emptyCapture, // 13
  'a file that is not a capture': EXIT.notACapture, // 4
  'a capture from a newer format version': EXIT.formatTooNew, // 5 (frame version, format or events layout)
  'an unknown event type inside a frame': EXIT.ok, // 0: skipped and counted, not fatal
  'record without root': EXIT.privileges, // 7
  'record without BTF': EXIT.noBtf, // 14
  'record without tracefs': EXIT.noTracefs, // 15
  'record without bpffs': EXIT.noBpffs, // 16
  'record to an output directory that does not exist': EXIT.outputDirMissing, // 17
  'record to an output directory that is not writable': EXIT.outputNotWritable, // 18
};
/** Exit codes seen from the real CLI below, by case. */
const observed = new Map<string, Set<number>>();
const observe = (what: string, code: number | null) => {
  if (!observed.has(what)) observed.set(what, new Set());
  observed.get(what)!.add(code ?? -1);
};

describe('unusable input: one line, a distinct exit code, for replay and dump alike', () => {
  writeFileSync(path('empty.sshtrace'), '');
  writeFileSync(path('text.sshtrace'), 'not a capture\n'.repeat(100));
  mkdirSync(path('no-captures'));
  writeFileSync(path('no-captures/readme.txt'), 'nothing here');
  writeFileSync(
    path('newer-frame.sshtrace'),
    (() => {
      const f = encodeFrame(FrameKind.FileHeader, 0, sampleHeader());
      f[4] = 2;
      return f;
    })(),
  );
  writeFileSync(path('newer-format.sshtrace'), encodeFrame(FrameKind.FileHeader, 0, { ...sampleHeader(), format: 9 }));
  writeFileSync(
    path('newer-layout.sshtrace'),
    encodeFrame(FrameKind.FileHeader, 0, { ...sampleHeader(), eventsLayout: 9 }),
  );
  const newer = 'a capture from a newer format version';
  // [case of ISSUE_6_CODES, variant, file, line]
  const cases: [string, string, string, RegExp][] = [
    [
      'a missing file',
      '',
      path('absent.sshtrace'),
      /^sshtrace: no such capture: .*absent\.sshtrace \(check the path\)$/,
    ],
    [
      'a directory without captures',
      '',
      path('no-captures'),
      /^sshtrace: .*no-captures holds no captures \(no \*\.sshtrace file, no file starting with a frame\): name a capture file, or the directory record wrote them to$/,
    ],
    [
      'an empty file',
      '',
      path('empty.sshtrace'),
      /^sshtrace: .*empty\.sshtrace is empty: the recorder wrote nothing \(was it stopped before it started\?\); record again and read what record printed on stderr$/,
    ],
    [
      'a file that is not a capture',
      '',
      path('text.sshtrace'),
      /^sshtrace: .*text\.sshtrace is not an sshtrace capture \(no frame found anywhere in it\): name a file written by sshtrace record$/,
    ],
    [
      newer,
      ' (frame version)',
      path('newer-frame.sshtrace'),
      /^sshtrace: .* uses frame version 2; this sshtrace reads up to 1: upgrade sshtrace$/,
    ],
    [
      newer,
      ' (capture format)',
      path('newer-format.sshtrace'),
      /^sshtrace: .* is capture format 9; this sshtrace reads up to 1: upgrade sshtrace$/,
    ],
    [
      newer,
      ' (kernel event layout)',
      path('newer-layout.sshtrace'),
      /^sshtrace: .* holds kernel records of layout 9; .*: upgrade sshtrace$/,
    ],
  ];
  for (const [what, variant, file, pattern] of cases) {
    for (const command of COMMANDS) {
      it(`${what}${variant}: sshtrace ${command[0]} exits ${ISSUE_6_CODES[what]}`, async () => {
        const result = await runCli([...command, file]);
        observe(what, result.code);
        assert.equal(result.code, ISSUE_6_CODES[what], result.stderr);
        assert.equal(result.stdout, '');
        assert.equal(lines(result.stderr).length, 1, result.stderr);
        assert.match(lines(result.stderr)[0]!, pattern);
      });
    }
  }
});

describe('a kernel event of an unknown type inside a frame', () => {
  it('is skipped and counted: the events around it are read, a warning says so, exit 0', async () => {
    const capture = await writeCapture('unknown-type.sshtrace', unknownEventBlob());
    const dump = await runCli(['dump', '--kinds', 'fork,exit,gap', capture]);
    observe('an unknown event type inside a frame', dump.code);
    assert.equal(dump.code, 0, dump.stderr);
    const kinds = lines(dump.stdout).map((l) => JSON.parse(l) as { kind: string; reason?: string });
    assert.deepEqual(
      kinds.map((k) => k.kind),
      ['fork', 'exit', 'gap'],
    );
    assert.match(kinds[2]!.reason!, /^1 kernel record\(s\) of unknown type \(types seen: 77\)$/);
    const replay = await runCli(['replay', '--format', 'jsonl', capture]);
    observe('an unknown event type inside a frame', replay.code);
    assert.equal(replay.code, 0, replay.stderr);
    assert.ok(
      lines(replay.stderr).some((l) =>
        /^sshtrace: warning: .*unknown-type\.sshtrace: skipped 1 kernel record\(s\) of unknown type 77 \(a newer recorder\? upgrade sshtrace\)$/.test(
          l,
        ),
      ),
      replay.stderr,
    );
  });

  it('makes replay --strict exit with the damage code', async () => {
    const capture = await writeCapture('unknown-type-strict.sshtrace', unknownEventBlob());
    const replay = await runCli(['replay', '--format', 'jsonl', '--strict', capture]);
    assert.equal(replay.code, EXIT.damaged, replay.stderr);
    assert.match(
      lines(replay.stderr).at(-1)!,
      /^sshtrace: the capture is damaged or events were lost \(--strict\): see the warnings above$/,
    );
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
    assert.equal(
      lines(replay.stderr)[0],
      `sshtrace: warning: ${capture}: 1 damaged range(s), intact frames around them were read: ${range}`,
    );
    const strict = await runCli(['replay', '--format', 'jsonl', '--strict', capture]);
    assert.equal(strict.code, EXIT.damaged, strict.stderr);
  });
});

describe('a directory of captures (rotated segments)', () => {
  it('is read, not refused: replay and dump exit 0', async () => {
    mkdirSync(path('segments'));
    await writeCapture('segments/a.sshtrace', Buffer.concat([encodeEvent(fork), encodeEvent(exit)]));
    await writeCapture('segments/b.sshtrace', Buffer.concat([encodeEvent(fork), encodeEvent(exit)]));
    for (const command of COMMANDS) {
      const result = await runCli([...command, path('segments')]);
      assert.equal(result.code, 0, result.stderr);
    }
  });
});

describe('every bad input of issue #6 has its own exit code', () => {
  it('no two cases share a code, and none reuses 1, 2, 6, 8, 9, 10 or 11', () => {
    const codes = Object.entries(ISSUE_6_CODES);
    for (const [i, [a, codeA]] of codes.entries()) {
      for (const [b, codeB] of codes.slice(i + 1))
        assert.notEqual(codeA, codeB, `${a} and ${b} share exit code ${codeA}`);
    }
    const general = [EXIT.internal, EXIT.usage, EXIT.output, EXIT.kernel, EXIT.addon, EXIT.damaged, EXIT.corpus];
    for (const [what, code] of codes)
      assert.ok(!general.includes(code as never), `${what} reuses the general code ${code}`);
  });

  it('the CLI above exited with exactly those codes (replay and dump alike)', () => {
    for (const what of Object.keys(ISSUE_6_CODES).filter((w) => !w.startsWith('record '))) {
      assert.deepEqual([...(observed.get(what) ?? [])], [ISSUE_6_CODES[what]], what);
    }
  });

  it('record maps the preflight steps and a bad --output path to their codes (the real environments: test/e2e/reliability-record-errors)', async () => {
    const step = (name: string) =>
      (fromTracerError(Object.assign(new Error('x'), { name: 'TracerError', step: name })) as SshtraceError).exitCode;
    assert.equal(step('privileges'), ISSUE_6_CODES['record without root']);
    assert.equal(step('btf'), ISSUE_6_CODES['record without BTF']);
    assert.equal(step('tracefs'), ISSUE_6_CODES['record without tracefs']);
    assert.equal(step('bpffs'), ISSUE_6_CODES['record without bpffs']);
    for (const other of ['ringbuf', 'open', 'load', 'attach']) assert.equal(step(other), EXIT.kernel, other);
    const out = path('absent-dir/c.sshtrace');
    await assert.rejects(
      checkOutputPath(out, false),
      (e: SshtraceError) =>
        e.exitCode === ISSUE_6_CODES['record to an output directory that does not exist'] &&
        e.message.endsWith('does not exist (create it first)'),
    );
  });
});
