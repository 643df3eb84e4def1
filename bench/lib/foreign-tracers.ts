// Other BPF tracers on the machine (other recorders, tests): any syscall tracepoint attached anywhere sets
// the kernel's syscall-tracepoint work flag on every task, so an "untraced" baseline is only one when no
// such program is attached. bpftool lists them with the pid that holds them.
import { execFileSync } from 'node:child_process';
import { sleep } from './stats';

interface PerfEntry {
  readonly pid: number;
  readonly tracepoint?: string;
  readonly fd_type?: string;
}

/** Pids other than `own` that hold a syscall tracepoint (or raw_syscalls) program. */
export function foreignSyscallTracers(own: readonly number[] = []): number[] {
  let entries: PerfEntry[];
  try {
    entries = JSON.parse(execFileSync('bpftool', ['perf', 'list', '-j'], { encoding: 'utf8' }) || '[]') as PerfEntry[];
  } catch {
    return []; // no bpftool: cannot tell, say nothing
  }
  const pids = entries
    .filter((e) => /^sys_(enter|exit)/.test(e.tracepoint ?? '') && !own.includes(e.pid))
    .map((e) => e.pid);
  return [...new Set(pids)];
}

/** Waits up to `maxMs` for the other tracers to go; returns the pids still there (empty when quiet). */
export async function waitForQuiet(maxMs: number, own: readonly number[] = []): Promise<number[]> {
  const until = Date.now() + maxMs;
  for (;;) {
    const pids = foreignSyscallTracers(own);
    if (pids.length === 0 || Date.now() >= until) return pids;
    await sleep(500);
  }
}
