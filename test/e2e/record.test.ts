// `sshtrace record` for real (root, BPF, the built addon): a copy of dash named as a family binary
// plays sshd, so no sshd or user is needed. Expected values come from what the scenario ran.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ExecEvent, ExitEvent, ForkEvent, SnapshotEvent, TraceEvent } from '../../capture/events';
import { readEvents } from '../../replay';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const ADDON = join(ROOT, 'native/build/Release/sshtrace.node');
const skip =
  process.geteuid?.() !== 0
    ? 'needs root (BPF)'
    : !existsSync(ADDON)
      ? `needs the built addon (${ADDON}): npm run build`
      : false;

const dir = mkdtempSync(join(tmpdir(), 'sshtr-record-e2e-'));
const started: ChildProcess[] = [];
after(() => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const FAMILY = 'sshtr-famsh';

function run(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  started.push(child);
  return child;
}

const exited = (child: ChildProcess) => new Promise<number>((done) => child.once('exit', (code) => done(code ?? -1)));

function stderrLines(child: ChildProcess): { lines: string[]; line: (prefix: string) => Promise<void> } {
  const lines: string[] = [];
  let text = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    lines.splice(0, lines.length, ...text.split('\n').filter(Boolean));
  });
  const line = (prefix: string) =>
    new Promise<void>((done, fail) => {
      const check = () => (lines.some((l) => l.startsWith(prefix)) ? done() : undefined);
      child.stderr!.on('data', check);
      child.once('exit', () =>
        lines.some((l) => l.startsWith(prefix)) ? done() : fail(new Error(`no "${prefix}" line: ${lines.join(' | ')}`)),
      );
      check();
    });
  return { lines, line };
}

describe('sshtrace record (root, real tracer)', { skip }, () => {
  it('snapshots a running family, follows new ones, and ends with a clean trailer', async () => {
    const shell = join(dir, FAMILY);
    copyFileSync('/usr/bin/dash', shell);
    const output = join(dir, 'capture.sshtrace');
    // Running before the recorder: must come from the /proc snapshot. "; true" keeps dash from exec'ing sleep.
    const before = run(shell, ['-c', 'sleep 6; true']);
    const recorder = run(process.execPath, [CLI, 'record', '-o', output, '--family-names', FAMILY, '--duration', '3']);
    const err = stderrLines(recorder);
    await err.line('sshtrace: recording');
    // Started while recording: must come from kernel events.
    const during = run(shell, ['-c', '/usr/bin/id -u >/dev/null; exit 3']);
    assert.equal(await exited(during), 3);
    assert.equal(await exited(recorder), 0, err.lines.join('\n'));
    before.kill();
    assert.equal(err.lines.length, 2, err.lines.join('\n'));
    assert.match(err.lines[1]!, /^sshtrace: stopped \(duration of 3 s elapsed\) after .* no losses$/);

    const events: TraceEvent[] = [];
    for await (const e of readEvents([output])) events.push(e);
    const snapshot = events.find((e): e is SnapshotEvent => e.kind === 'snapshot')!;
    const family = snapshot.processes.find((p) => p.pid === before.pid)!;
    assert.deepEqual(
      { exe: family.exe, argv: family.argv, flags: family.flags },
      { exe: shell, argv: [shell, '-c', 'sleep 6; true'], flags: 3 },
    );
    assert.ok(
      snapshot.processes.some((p) => p.ppid === before.pid && p.argv[0] === 'sleep' && p.flags === 1),
      'the sleep child, followed',
    );

    const rootExec = events.find((e): e is ExecEvent => e.kind === 'exec' && e.tgid === during.pid)!;
    assert.deepEqual(
      { filename: rootExec.filename, argv: rootExec.argv, familyRoot: rootExec.familyRoot },
      { filename: shell, argv: [shell, '-c', '/usr/bin/id -u >/dev/null; exit 3'], familyRoot: true },
    );
    const fork = events.find((e): e is ForkEvent => e.kind === 'fork' && e.tgid === during.pid)!;
    const idExec = events.find((e): e is ExecEvent => e.kind === 'exec' && e.tgid === fork.childTgid)!;
    assert.deepEqual(idExec.argv, ['/usr/bin/id', '-u']);
    const exitOf = (pid: number) => events.find((e): e is ExitEvent => e.kind === 'exit' && e.tgid === pid)!;
    assert.equal(exitOf(fork.childTgid).exitCode, 0);
    assert.equal(exitOf(during.pid!).exitCode, 3);
    assert.ok(!events.some((e) => 'tgid' in e && e.tgid === recorder.pid), 'the recorder never traces itself');
    assert.deepEqual(events.at(-1), {
      kind: 'capture_end',
      ts: (events.at(-1) as { ts: number }).ts,
      clean: true,
      reason: 'duration of 3 s elapsed',
    });
  });
});
