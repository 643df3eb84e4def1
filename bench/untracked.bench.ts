// Benchmark 2, overhead on untracked processes: a C loop of cheap syscalls (getpid, 64-byte write to
// /dev/null), pinned to one CPU, with no tracer, with only the syscall-tracepoint work flag set (bpftrace on
// one rare syscall exit: the floor of any syscall hook), with `sshtrace record`, with --file-writes, and with
// --send-hook syscalls (what a kernel without sock_send_length gets: write/writev/sendto/sendmsg exits hooked).
// node dist/bench/untracked.bench.js [--iterations N] [--rounds R] [--repeats K]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { argNumber, heading } from './lib/args';
import { foreignSyscallTracers, waitForQuiet } from './lib/foreign-tracers';
import { formatSummary, interleave, roundRatios, summarise } from './lib/stats';
import { bpftraceAvailable, NO_TRACER, startBpftrace, startSshtrace, type RunningTracer } from './lib/tracers';

const VARIANTS = ['none', 'flag only', 'sshtrace', 'sshtrace --file-writes', 'sshtrace --send-hook syscalls'] as const;
type Variant = (typeof VARIANTS)[number];
const LOOPS = ['getpid', 'write'] as const;
type Loop = (typeof LOOPS)[number];
const SOURCE = resolve(__dirname, '../../bench/c/syscall-loop.c');
const FLAG_ONLY_SCRIPT = 'BEGIN { printf("ready\\n"); }\ntracepoint:syscalls:sys_exit_setsid { @n = count(); }\n';
const PIN_CPU = '1';

function startTracer(variant: Variant, dir: string, round: number): Promise<RunningTracer> {
  const capture = join(dir, `r${round}.sshtrace`);
  switch (variant) {
    case 'none':
      return Promise.resolve(NO_TRACER);
    case 'flag only':
      return startBpftrace(join(dir, 'flag-only.bt'), join(dir, `r${round}.txt`));
    case 'sshtrace':
      return startSshtrace(capture);
    case 'sshtrace --file-writes':
      return startSshtrace(capture, ['--file-writes']);
    case 'sshtrace --send-hook syscalls':
      return startSshtrace(capture, ['--send-hook', 'syscalls']);
  }
}

/**
 * A measurement taken while no other process holds a syscall tracepoint (checked before and after): another
 * recorder or test would set the work flag for the untraced run, or tax write() with its own hooks. Null
 * when the machine never went quiet for it.
 */
async function cleanMeasure(measure: () => number, quietWaitMs: number, ownPid: number | null): Promise<number | null> {
  const own = ownPid === null ? [] : [ownPid];
  for (let attempt = 0; attempt < 3; attempt++) {
    if ((await waitForQuiet(quietWaitMs, own)).length > 0) continue;
    const value = measure();
    if (foreignSyscallTracers(own).length === 0) return value;
  }
  return null;
}

/** Best of `repeats` runs, in ns per call: the least disturbed run is the closest to the true cost. */
function nsPerCall(binary: string, loop: Loop, iterations: number, repeats: number): number {
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const out = execFileSync('taskset', ['-c', PIN_CPU, binary, loop, String(iterations)], { encoding: 'utf8' });
    best = Math.min(best, Number(out.trim()));
  }
  return best;
}

export async function untrackedBench(argv: readonly string[]): Promise<void> {
  const iterations = argNumber(argv, '--iterations', 1_000_000);
  const rounds = argNumber(argv, '--rounds', 7);
  const repeats = argNumber(argv, '--repeats', 7);
  const quietWaitMs = argNumber(argv, '--quiet-wait-s', 30) * 1000;
  const discarded: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'sshtr-bench-untracked-'));
  const samples = Object.fromEntries(
    LOOPS.map((l) => [l, Object.fromEntries(VARIANTS.map((v) => [v, [] as number[]]))]),
  ) as Record<Loop, Record<Variant, number[]>>;
  try {
    const binary = join(dir, 'syscall-loop');
    execFileSync('cc', ['-O2', '-o', binary, SOURCE]);
    writeFileSync(join(dir, 'flag-only.bt'), FLAG_ONLY_SCRIPT);
    heading(
      `untracked overhead: ${iterations} calls per loop pinned to CPU ${PIN_CPU}, best of ${repeats}, ${rounds} interleaved rounds`,
    );
    const variants = VARIANTS.filter((v) => v !== 'flag only' || bpftraceAvailable());
    if (variants.length < VARIANTS.length) console.log('bpftrace not found: the flag-only floor is not measured');
    await interleave(variants, rounds, async (variant, round) => {
      const tracer = await startTracer(variant, dir, round);
      try {
        for (const loop of LOOPS) {
          const ns = await cleanMeasure(() => nsPerCall(binary, loop, iterations, repeats), quietWaitMs, tracer.pid);
          if (ns === null) discarded.push(`round ${round} ${variant} ${loop}`);
          samples[loop][variant].push(ns ?? NaN); // NaN keeps rounds aligned for the per-round ratios
        }
      } finally {
        await tracer.stop();
      }
      return 0;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const loop of LOOPS) report(loop, samples[loop]);
  if (discarded.length > 0)
    console.log(`discarded (another process held syscall tracepoints throughout): ${discarded.join('; ')}`);
}

function report(loop: Loop, s: Record<Variant, number[]>): void {
  for (const variant of VARIANTS) {
    if (s[variant].length === 0) continue;
    const ns = formatSummary(summarise(s[variant]), 1);
    const ratio =
      variant === 'none' ? '' : `; ratio to none ${formatSummary(summarise(roundRatios(s[variant], s.none)))}`;
    const delta =
      variant === 'none' ? '' : `; +${(summarise(s[variant]).median - summarise(s.none).median).toFixed(1)} ns`;
    console.log(`${loop.padEnd(6)} ${variant.padEnd(22)} ns/call ${ns}${ratio}${delta}`);
  }
}

if (require.main === module)
  void untrackedBench(process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
