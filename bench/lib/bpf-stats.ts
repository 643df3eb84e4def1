// In-kernel run time of one tracer's BPF programs (kernel.bpf_stats_enabled: the kernel times every program
// run while it is on, at a cost of a few ns per run, so it is switched on only for this measurement).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const STATS_SWITCH = '/proc/sys/kernel/bpf_stats_enabled';

interface PerfEntry {
  readonly pid: number;
  readonly prog_id: number;
}
interface ProgEntry {
  readonly id: number;
  readonly run_time_ns?: number;
  readonly run_cnt?: number;
}

/** Turns run-time statistics on; the returned function puts the switch back as it was. */
export function enableBpfStats(): () => void {
  const before = readFileSync(STATS_SWITCH, 'utf8').trim();
  writeFileSync(STATS_SWITCH, '1');
  return () => writeFileSync(STATS_SWITCH, before);
}

/** Total run time (ns) and runs of the BPF programs attached by `pid`. */
export function bpfRunTime(pid: number): { ns: number; runs: number } {
  const perf = JSON.parse(execFileSync('bpftool', ['perf', 'list', '-j'], { encoding: 'utf8' }) || '[]') as PerfEntry[];
  const ids = new Set(perf.filter((e) => e.pid === pid).map((e) => e.prog_id));
  const progs = JSON.parse(
    execFileSync('bpftool', ['prog', 'show', '-j'], { encoding: 'utf8' }) || '[]',
  ) as ProgEntry[];
  let ns = 0;
  let runs = 0;
  for (const p of progs) {
    if (!ids.has(p.id)) continue;
    ns += p.run_time_ns ?? 0;
    runs += p.run_cnt ?? 0;
  }
  return { ns, runs };
}
