// How soon `sshtrace watch` prints what happened: for N publickey logins against a private sshd on 127.0.0.1,
// the delay from sshd's decision (the record's own time) to the auth and LOGIN lines, and from the client seeing
// its session end to the session line. Latencies, not ratios: nothing here is compared with another variant.
// node dist/bench/watch-latency.bench.js [--logins N] [--gap-ms MS]   (as root)
import { spawn } from 'node:child_process';
import { startPrivateSshd } from '../harness/fixture';
import { CLI } from '../harness/record-scenarios';
import { runClient } from '../harness/scenarios/client';
import { keyOptions, onlyMethod, target } from '../harness/scenarios/expect';
import { withWorkspace } from '../harness/scenarios/workspace';
import type { OutputRecord } from '../model/records';
import { argNumber, heading } from './lib/args';
import { formatSummary, summarise } from './lib/stats';

interface Seen {
  readonly at: number;
  readonly r: OutputRecord;
}

export async function watchLatencyBench(argv: readonly string[]): Promise<void> {
  const logins = argNumber(argv, '--logins', 8);
  const gapMs = argNumber(argv, '--gap-ms', 1500);
  heading(`watch latency: ${logins} publickey logins, ${gapMs} ms apart`);
  const child = spawn(process.execPath, [CLI, 'watch'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const seen: Seen[] = [];
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) seen.push({ at: Date.now(), r: JSON.parse(line) as OutputRecord });
  });
  let stderr = '';
  await new Promise<void>((ready, fail) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/^sshtrace: watching /m.test(stderr)) ready();
    });
    child.once('exit', (code) => fail(new Error(`watch exited with ${code}:\n${stderr}`)));
  });
  const fixture = await startPrivateSshd();
  const ended: number[] = [];
  let user = '';
  try {
    const alice = await fixture.createUser({ key: true });
    user = alice.name;
    for (let i = 0; i < logins; i++) {
      await withWorkspace('watch-latency', (ws) =>
        runClient(fixture, ws, {
          program: 'ssh',
          args: [
            ...onlyMethod('publickey'),
            ...keyOptions(alice.key!.privateKeyPath),
            target(fixture, alice.name),
            'true',
          ],
        }),
      );
      ended.push(Date.now());
      await new Promise((r) => setTimeout(r, gapMs));
    }
    await new Promise((r) => setTimeout(r, 2000));
  } finally {
    child.kill('SIGINT');
    await fixture.stop();
  }
  const mine = seen.filter((s) => 'user' in s.r && s.r.user === user);
  const after = (type: OutputRecord['type'], field: 'time' | 'start') =>
    mine
      .filter((s) => s.r.type === type)
      .map((s) => (s.at - Date.parse((s.r as unknown as Record<string, string>)[field]!)) / 1000);
  const sessions = mine.filter((s) => s.r.type === 'session').map((s, i) => (s.at - ended[i]!) / 1000);
  console.log(`auth line after sshd decided, s: ${formatSummary(summarise(after('auth', 'time')), 2)}`);
  console.log(`LOGIN line after the login, s: ${formatSummary(summarise(after('session_start', 'start')), 2)}`);
  console.log(`session line after the client saw the end, s: ${formatSummary(summarise(sessions), 2)}`);
}

if (require.main === module)
  void watchLatencyBench(process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
