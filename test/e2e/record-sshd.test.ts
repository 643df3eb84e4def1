// Issue #2 end to end, on the decoded events themselves (what `sshtrace dump` prints): Debian's sshd on
// 127.0.0.1, a password login running a command, three wrong passwords, an invalid user and a publickey
// login with a pty. Expected values come from what each scenario did (users, ports, commands, exit codes).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scenarioNamed, type GroundTruth } from '../../harness/scenarios';
import { recordScenarios, type RecordedScenarios } from '../../harness/record-scenarios';
import { readEvents } from '../../replay';
import type { AcceptEvent, ExecEvent, ExitEvent, MonitorMessageEvent, TraceEvent } from '../../capture/events';
import { secretsInCapture } from './support/secrets';

const ADDON = resolve(__dirname, '../../../native/build/Release/sshtrace.node');
const skip =
  process.geteuid?.() !== 0
    ? 'needs root (BPF, users, sshd)'
    : !existsSync(ADDON)
      ? `needs the built addon (${ADDON}): npm run build`
      : false;
const dir = mkdtempSync(join(tmpdir(), 'sshtr-record-sshd-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SCENARIO_NAMES = ['password_command_fails', 'wrong_passwords', 'invalid_user', 'publickey_pty_session'];
const cstring = (b: Uint8Array) => Buffer.from(b.subarray(4, 4 + Buffer.from(b).readUInt32BE(0))).toString();
const u32 = (b: Uint8Array) => Buffer.from(b).readUInt32BE(0);

describe('sshtrace record against a real sshd (dumped events)', { skip }, () => {
  let run: RecordedScenarios;
  let events: TraceEvent[];
  const truth = (name: string): GroundTruth => run.outcomes.find((o) => o.scenario === name)!.truth!;
  const port = (name: string) => truth(name).connections[0]!.source_port!;
  /** Events of the processes of the connection from `sourcePort`: its monitor and all descendants. */
  const connectionEvents = (sourcePort: number): TraceEvent[] => {
    const accept = events.find((e): e is AcceptEvent => e.kind === 'accept' && e.peer.port === sourcePort)!;
    const fork = events.find((e) => e.kind === 'fork' && e.tgid === accept.tgid && e.ts > accept.ts && !e.thread);
    const pids = new Set([fork!.kind === 'fork' ? fork!.childTgid : -1]);
    for (const e of events) if (e.kind === 'fork' && pids.has(e.tgid)) pids.add(e.childTgid);
    return events.filter((e) => 'tgid' in e && pids.has(e.tgid));
  };
  const messages = (sourcePort: number, type?: number) =>
    connectionEvents(sourcePort).filter(
      (e): e is MonitorMessageEvent => e.kind === 'frame' && (type === undefined || e.msgType === type),
    );

  before(async () => {
    if (skip) return;
    run = await recordScenarios({
      scenarios: SCENARIO_NAMES.map(scenarioNamed),
      output: join(dir, 'c.sshtrace'),
      concurrency: 4,
    });
    events = [];
    for await (const e of readEvents([run.capture])) events.push(e);
  });

  it('sees each accept with the client address and port', () => {
    for (const name of SCENARIO_NAMES) {
      const accept = events.find((e): e is AcceptEvent => e.kind === 'accept' && e.peer.port === port(name));
      assert.ok(accept, `${name}: an accept from 127.0.0.1:${port(name)}`);
      assert.equal(accept.peer.ip, '127.0.0.1');
    }
  });

  it('names the user of every connection in MONITOR_REQ_PWNAM', () => {
    for (const name of SCENARIO_NAMES) {
      const users = messages(port(name), 8).map((m) => cstring(m.body));
      assert.deepEqual(users, [truth(name).connections[0]!.attempts[0]!.user], name);
    }
  });

  it('shows each password attempt as a withheld request and its answer', () => {
    const answers = (name: string) =>
      messages(port(name))
        .filter((m) => m.msgType === 12 || m.msgType === 13)
        .map((m) => (m.msgType === 12 ? `12 withheld=${m.withheld} bytes=${m.body.length}` : `13 ${u32(m.body)}`));
    const wrong = '12 withheld=true bytes=0';
    assert.deepEqual(answers('wrong_passwords'), [wrong, '13 0', wrong, '13 0', wrong, '13 0']);
    assert.deepEqual(answers('invalid_user'), [wrong, '13 0']);
    assert.deepEqual(answers('password_command_fails'), [wrong, '13 1']);
    const pwnam = messages(port('invalid_user'), 9)[0]!;
    assert.equal(pwnam.body[0], 0, 'ANS_PWNAM says the user is invalid');
  });

  it('shows the publickey verification and the pty', () => {
    const p = port('publickey_pty_session');
    assert.equal(
      messages(p, 25)
        .map((m) => u32(m.body))
        .at(-1),
      0,
      'ANS_KEYVERIFY ok',
    );
    assert.match(cstring(messages(p, 29)[0]!.body.subarray(4)), /^\/dev\/pts\/\d+$/);
    const login = connectionEvents(p).find((e): e is ExecEvent => e.kind === 'exec' && e.argv[0] === '-bash');
    assert.ok(login, 'the login shell exec');
  });

  it('has the command exec with its full argv and its exit code', () => {
    const session = truth('password_command_fails').connections[0]!.sessions[0]!;
    const [shell, child] = session.commands;
    const mine = connectionEvents(port('password_command_fails'));
    for (const want of [shell!, child!]) {
      const exec = mine.find(
        (e): e is ExecEvent => e.kind === 'exec' && JSON.stringify(e.argv) === JSON.stringify(want.argv),
      );
      assert.ok(exec, `exec of ${JSON.stringify(want.argv)}`);
      const exit = mine.find((e): e is ExitEvent => e.kind === 'exit' && e.tgid === exec.tgid);
      assert.equal(exit?.exitCode, want.exit_code, `exit code of ${want.argv.join(' ')}`);
    }
  });

  it('never lets a password into the capture, compressed or decompressed', async () => {
    assert.ok(run.passwords.length >= 3);
    assert.deepEqual(await secretsInCapture(run.capture, run.passwords), []);
  });
});
