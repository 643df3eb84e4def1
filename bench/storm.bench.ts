// Benchmark 3, event storm. (a) One ssh session running N short commands (fork/exec/exit/wait each) as
// fast as bash runs them, recorded at the default settings: losses (must be none), events, the recorder's
// CPU per 1,000 events, and whether replay lists all N commands. (b) A rate ladder: a followed process
// making getsockname calls at steady rates, to find the highest event rate recorded with zero drops.
// node dist/bench/storm.bench.js [--commands N] [--ladder 50000,100000,...] [--step-s S]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { replayFiles } from '../replay/pipeline';
import { argNumber, argString, heading } from './lib/args';
import { captureStats, readBatchFrames } from './lib/capture-stats';
import { startBenchServer } from './lib/sshd';
import { sleep } from './lib/stats';
import { startSshtrace } from './lib/tracers';

const STORM_SOURCE = resolve(__dirname, '../../bench/c/event-storm.c');
const STORM_NAME = 'sshtr-storm'; // a family name for the ladder's recorder, so the load is followed

export async function stormBench(argv: readonly string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sshtr-bench-storm-'));
  try {
    await shellStorm(dir, argNumber(argv, '--commands', 20_000));
    const ladder = (argString(argv, '--ladder') ?? '50000,100000,200000,400000,800000,1600000,0')
      .split(',')
      .map(Number);
    await rateLadder(dir, ladder, argNumber(argv, '--step-s', 5));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function shellStorm(dir: string, commands: number): Promise<void> {
  heading(`event storm: one ssh session running ${commands} x /bin/true, default record settings`);
  const server = await startBenchServer();
  const capture = join(dir, 'storm.sshtrace');
  try {
    const tracer = await startSshtrace(capture);
    const cpu0 = tracer.cpuSeconds();
    const t0 = process.hrtime.bigint();
    await server.login(`for i in $(seq ${commands}); do /bin/true; done`, 0, 600_000);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    await sleep(500);
    const cpu = tracer.cpuSeconds() - cpu0;
    const stderr = await tracer.stop();
    const stats = captureStats(readBatchFrames(capture, server.fixture.pid));
    const all = captureStats(readBatchFrames(capture));
    console.log(
      `session: ${seconds.toFixed(1)} s, ${stats.events} events of this sshd (${(stats.events / seconds).toFixed(0)} events/s), ` +
        `${all.events} in the capture; recorder CPU ${cpu.toFixed(2)} s = ${((cpu / all.events) * 1e6).toFixed(1)} ms per 1,000 events`,
    );
    console.log(`recorder: ${lastLine(stderr)}`);
    console.log(`capture: ${all.fileBytes} B, ${(all.fileBytes / all.events).toFixed(1)} B per event`);
    const t1 = process.hrtime.bigint();
    const records = await replayFiles([capture]);
    const replayS = Number(process.hrtime.bigint() - t1) / 1e9;
    const sessions = records.filter((r) => r.type === 'session' && r.user === server.user.name);
    const listed = sessions
      .flatMap((s) => (s.type === 'session' ? s.commands : []))
      .filter((c) => c.argv[0] === '/bin/true').length;
    console.log(
      `replay: ${listed} of ${commands} /bin/true commands listed in ${sessions.length} session(s); ` +
        `${records.filter((r) => r.type === 'anomaly').length} anomalies; replayed in ${replayS.toFixed(1)} s`,
    );
  } finally {
    await server.stop();
  }
}

async function rateLadder(dir: string, rates: readonly number[], stepS: number): Promise<void> {
  heading(`rate ladder: a followed process making getsockname calls (64-byte events), ${stepS} s per step`);
  const binary = join(dir, STORM_NAME);
  execFileSync('cc', ['-O2', '-o', binary, STORM_SOURCE]);
  for (const rate of rates) {
    const capture = join(dir, `ladder-${rate}.sshtrace`);
    const tracer = await startSshtrace(capture, ['--family-names', `sshd,sshd-session,sshd-auth,${STORM_NAME}`]);
    const cpu0 = tracer.cpuSeconds();
    const [calls, seconds] = execFileSync(binary, [String(rate), String(stepS)], { encoding: 'utf8' })
      .trim()
      .split(' ')
      .map(Number);
    await sleep(500);
    const cpu = tracer.cpuSeconds() - cpu0;
    const stderr = await tracer.stop();
    const recorded = captureStats(readBatchFrames(capture)).byType.sockname?.count ?? 0;
    const target = rate === 0 ? 'unthrottled' : `target ${rate}/s`;
    console.log(
      `${target.padEnd(18)} offered ${(calls! / seconds!).toFixed(0)} events/s: ${recorded} of ${calls} recorded; ` +
        `recorder CPU ${((cpu / seconds!) * 100).toFixed(0)}% of a core, ${((cpu / Math.max(recorded, 1)) * 1e6).toFixed(2)} ms per 1,000; ${losses(stderr)}`,
    );
    rmSync(capture, { force: true });
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

function losses(stderr: string): string {
  const summary = lastLine(stderr);
  return summary.slice(summary.lastIndexOf(';') + 2);
}

if (require.main === module)
  void stormBench(process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
