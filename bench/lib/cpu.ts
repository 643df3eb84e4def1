// CPU time of processes from /proc, in seconds: per-thread schedstat (ns resolution) for a live process,
// and /proc/PID/stat's cutime+cstime (clock ticks) for its reaped descendants.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on every Linux ABI

/** On-CPU time of every live thread of `pid` (its own work, not its children's). */
export function threadsCpuSeconds(pid: number): number {
  let ns = 0;
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return NaN;
  }
  for (const tid of tasks) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended between the listing and the read: its time is in the process's stat now.
    }
  }
  return ns / 1e9;
}

/** utime+stime of `pid` itself and cutime+cstime of its reaped children, in seconds. */
export function statCpuSeconds(pid: number): { self: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after "(comm)": state is index 0, so utime (field 14) is at 11.
  const n = (i: number) => Number(fields[i]) / TICKS_PER_SECOND;
  return { self: n(11) + n(12), children: n(13) + n(14) };
}

/** Busy CPU seconds of the whole machine (all CPUs, from /proc/stat), to show how loaded it was. */
export function machineBusySeconds(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3]! + cpu[4]!;
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - idle) / TICKS_PER_SECOND;
}

/** On-CPU ms and voluntary context switches (wake-ups) of `pid`'s threads, summed by thread name. */
export function threadsByName(pid: number): Record<string, { ms: number; wakeups: number }> {
  const out: Record<string, { ms: number; wakeups: number }> = {};
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      const dir = `/proc/${pid}/task/${tid}`;
      const name = readFileSync(`${dir}/comm`, 'utf8').trim();
      const ns = Number(readFileSync(`${dir}/schedstat`, 'utf8').split(' ')[0]);
      const switches = Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`${dir}/status`, 'utf8'))?.[1] ?? 0);
      const entry = (out[name] ??= { ms: 0, wakeups: 0 });
      entry.ms += ns / 1e6;
      entry.wakeups += switches;
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}
