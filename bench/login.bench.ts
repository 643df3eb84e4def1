// Benchmark 1, login overhead: N sequential password logins running one command against a private sshd,
// with no tracer, with `sshtrace record`, and with the bpftrace baseline (bench/sshd-events.bt), interleaved
// round by round. Reports wall time per login and CPU per login (the sshd tree's, from the listener's
// reaped children, plus the tracer's own threads), as ratios to the untraced run of the same round.
// node dist/bench/login.bench.js [--logins N] [--rounds R]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argNumber, heading } from './lib/args';
import { BPFTRACE_SCRIPT } from './lib/bpftrace-script';
import { bpfRunTime, enableBpfStats } from './lib/bpf-stats';
import { machineBusySeconds, statCpuSeconds, threadsByName } from './lib/cpu';
import { startBenchServer, type BenchServer } from './lib/sshd';
import { formatSummary, interleave, roundRatios, sleep, summarise } from './lib/stats';
import { bpftraceAvailable, NO_TRACER, startBpftrace, startSshtrace, type RunningTracer } from './lib/tracers';

const VARIANTS = ['none', 'sshtrace', 'bpftrace'] as const;
type Variant = (typeof VARIANTS)[number];
const COMMAND = 'id -un';

interface Sample {
  wallS: number;
  sshdCpuS: number;
  clientCpuS: number;
  tracerCpuS: number;
  busyS: number;
  jsMs: number;
  drainMs: number;
  drainWakeups: number; // sshtrace's main (JS) and drain threads
}

function startTracer(variant: Variant, dir: string, round: number): Promise<RunningTracer> {
  if (variant === 'sshtrace') return startSshtrace(join(dir, `r${round}.sshtrace`));
  if (variant === 'bpftrace') return startBpftrace(BPFTRACE_SCRIPT, join(dir, `r${round}.txt`));
  return Promise.resolve(NO_TRACER);
}

async function measure(server: BenchServer, tracer: RunningTracer, logins: number): Promise<Sample> {
  await server.login(COMMAND); // warm-up: page cache, the tracer's first batch
  await sleep(200);
  const sshd0 = statCpuSeconds(server.fixture.pid).children;
  const client0 = statCpuSeconds(process.pid).children;
  const tracer0 = tracer.cpuSeconds();
  const busy0 = machineBusySeconds();
  const threads0 = tracer.pid === null ? {} : threadsByName(tracer.pid);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < logins; i++) await server.login(COMMAND);
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  await sleep(300); // the recorder's last batch of the round is drained and written
  const threads = tracer.pid === null ? {} : threadsByName(tracer.pid);
  const delta = (name: string, key: 'ms' | 'wakeups') => (threads[name]?.[key] ?? 0) - (threads0[name]?.[key] ?? 0);
  return {
    jsMs: delta('node', 'ms'),
    drainMs: delta('sshtrace-drain', 'ms'),
    drainWakeups: delta('sshtrace-drain', 'wakeups'),
    wallS,
    sshdCpuS: statCpuSeconds(server.fixture.pid).children - sshd0,
    clientCpuS: statCpuSeconds(process.pid).children - client0,
    tracerCpuS: tracer.cpuSeconds() - tracer0,
    busyS: machineBusySeconds() - busy0,
  };
}

export async function loginBench(argv: readonly string[]): Promise<void> {
  const logins = argNumber(argv, '--logins', 30);
  const rounds = argNumber(argv, '--rounds', 7);
  const dir = mkdtempSync(join(tmpdir(), 'sshtr-bench-login-'));
  const server = await startBenchServer();
  const samples: Record<Variant, Sample[]> = { none: [], sshtrace: [], bpftrace: [] };
  const variants = VARIANTS.filter((v) => v !== 'bpftrace' || bpftraceAvailable());
  if (variants.length < VARIANTS.length)
    console.log('bpftrace not found (apt-get install bpftrace): its baseline is skipped');
  try {
    heading(
      `login overhead: ${logins} sequential password logins running \`${COMMAND}\`, ${rounds} interleaved rounds`,
    );
    await interleave(variants, rounds, async (variant, round) => {
      const tracer = await startTracer(variant, dir, round);
      try {
        samples[variant].push(await measure(server, tracer, logins));
      } finally {
        await tracer.stop();
      }
      return 0;
    });
    for (const variant of variants) if (variant !== 'none') await inKernelTime(server, variant, dir, logins);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  report(samples, logins);
}

/** The tracer's BPF programs' own run time per login: the part of the overhead that sits inside sshd. */
async function inKernelTime(server: BenchServer, variant: Variant, dir: string, logins: number): Promise<void> {
  const tracer = await startTracer(variant, dir, 99);
  const restore = enableBpfStats();
  try {
    await server.login(COMMAND);
    const before = bpfRunTime(tracer.pid!);
    for (let i = 0; i < logins; i++) await server.login(COMMAND);
    const after = bpfRunTime(tracer.pid!);
    const runs = (after.runs - before.runs) / logins;
    const us = (after.ns - before.ns) / logins / 1000;
    console.log(
      `${variant.padEnd(8)} in-kernel BPF time per login: ${us.toFixed(1)} us over ${runs.toFixed(0)} program runs ` +
        `(${((us * 1000) / Math.max(runs, 1)).toFixed(0)} ns per run, bpf_stats on; other sshds' runs included)`,
    );
  } finally {
    restore();
    await tracer.stop();
  }
}

function report(samples: Record<Variant, Sample[]>, logins: number): void {
  const base = samples.none;
  const wall = (s: Sample[]) => s.map((x) => x.wallS);
  const cpu = (s: Sample[]) => s.map((x) => x.sshdCpuS + x.tracerCpuS);
  for (const variant of VARIANTS) {
    const s = samples[variant];
    if (s.length === 0) continue;
    const ms = (values: number[]) => formatSummary(summarise(values.map((v) => (v / logins) * 1000)), 2);
    console.log(
      `${variant.padEnd(8)} wall/login ms ${ms(wall(s))}; sshd CPU/login ms ${ms(s.map((x) => x.sshdCpuS))}; ` +
        `tracer CPU/login ms ${ms(s.map((x) => x.tracerCpuS))}; client CPU/login ms ${ms(s.map((x) => x.clientCpuS))}; ` +
        `machine busy/login ms ${ms(s.map((x) => x.busyS))}`,
    );
    if (variant === 'none') continue;
    if (variant === 'sshtrace') {
      console.log(
        `${''.padEnd(8)} per login: JS thread ms ${ms(s.map((x) => x.jsMs / 1000))}; drain thread ms ` +
          `${ms(s.map((x) => x.drainMs / 1000))}; drain wake-ups ${formatSummary(summarise(s.map((x) => x.drainWakeups / logins)), 1)}`,
      );
    }
    console.log(
      `${''.padEnd(8)} ratio to none: wall ${formatSummary(summarise(roundRatios(wall(s), wall(base))))}; ` +
        `sshd+tracer CPU ${formatSummary(summarise(roundRatios(cpu(s), cpu(base))))}`,
    );
  }
}

if (require.main === module)
  void loginBench(process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
