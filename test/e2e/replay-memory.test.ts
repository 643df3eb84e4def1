// Issue #3: `sshtrace replay` on a capture of thousands of logins runs without loading the whole file into
// memory. The capture is a generated privsep history (the oracle's simulator) written as the recorder writes
// captures; replay runs as a real CLI child with a V8 heap far smaller than the decoded capture.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import type { KernelEvent, SnapshotEvent, TraceEvent } from '../../model/events';
import type { BatchRecord } from '../../replay/capture-types';
import { encodeFrame } from '../../replay/frame-codec';
import { FrameKind } from '../../replay/log-format';
import { encodeEvent } from '../arbitraries/kernel-record-encoder';
import { sampleHeader } from '../arbitraries/captures';
import {
  CloseChannelCommand, ConnectCommand, EndSessionCommand, OpenChannelCommand, SucceedCommand, fixedSetup, prog, RunProgramCommand,
} from '../arbitraries/privsep-script';
import { runScenario } from '../arbitraries/privsep-scenario';
import type { PrivsepCommand } from '../arbitraries/privsep-cmd-connect';

const CLI = resolve(__dirname, '../../replay/cli/main.js');
const LOGINS = 3000;
const HEAP_MB = 48;
const dir = mkdtempSync(join(tmpdir(), 'sshtr-replay-memory-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function manyLogins(n: number): TraceEvent[] {
  const actions: PrivsepCommand[] = [];
  for (let i = 0; i < n; i++) {
    actions.push(new ConnectCommand(i % 3, i), new SucceedCommand(0, 'sshtr_alice', 'password', false, 0),
      new OpenChannelCommand(0, 'exec', `echo ${i}`), new RunProgramCommand(0, 0, prog(['id', '-u'])),
      new CloseChannelCommand(0, 0, null, { code: 0 }), new EndSessionCommand(0, 'disconnect'));
  }
  return runScenario({ setup: fixedSetup('9.2p1'), commands: actions }).events;
}

/** Writes the history as the recorder would: a header, then frames of about 2,000 raw records. */
function writeCapture(path: string, events: readonly TraceEvent[]): number {
  const snapshot = events.find((e): e is SnapshotEvent => e.kind === 'snapshot');
  const header = sampleHeader({ snapshot: snapshot?.processes ?? [], passwd: [['sshtr_alice', 1001, 1001, '/home/a', '/bin/bash']] });
  const kernel = events.filter((e): e is KernelEvent => !['snapshot', 'clock', 'counters', 'capture_end', 'gap'].includes(e.kind));
  const frames = [encodeFrame(FrameKind.FileHeader, 0, header)];
  for (let i = 0; i < kernel.length; i += 2000) {
    const record: BatchRecord = { k: 'ev', d: Buffer.concat(kernel.slice(i, i + 2000).map(encodeEvent)) };
    frames.push(encodeFrame(FrameKind.Batch, frames.length, [record]));
  }
  writeFileSync(path, Buffer.concat(frames));
  return kernel.length;
}

describe('replay memory', () => {
  it(`reduces ${LOGINS} logins with a ${HEAP_MB} MiB heap, streaming`, () => {
    const path = join(dir, 'many.sshtrace');
    const events = writeCapture(path, manyLogins(LOGINS));
    const child = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, CLI, 'replay', '--format', 'jsonl', '--type', 'session', path],
      { encoding: 'utf8', maxBuffer: 1 << 30 });
    assert.equal(child.status, 0, child.stderr);
    const sessions = child.stdout.trim().split('\n').map((l) => JSON.parse(l) as { commands: { argv: string[] }[] });
    assert.equal(sessions.length, LOGINS);
    assert.ok(sessions.every((s) => s.commands.some((c) => c.argv.join(' ') === 'id -u')));
    // The decoded events alone (objects of ~300 bytes each) would not fit in the heap the child had.
    assert.ok(events * 300 > HEAP_MB * 2 ** 20, `${events} events in ${statSync(path).size} bytes: make the capture bigger`);
  });
});
