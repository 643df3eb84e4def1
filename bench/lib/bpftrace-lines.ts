// The bpftrace baseline's output restricted to one process tree (other sshds on the machine print too).
import { readFileSync } from 'node:fs';

/** Bytes of the lines printed by `rootPid` and its descendants (followed through "fork" lines). */
export function treeTextBytes(path: string, rootPid: number): { bytes: number; lines: number } {
  const tree = new Set([rootPid]);
  let bytes = 0,
    lines = 0;
  let argvOf: number | null = null;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    // join() prints the argv on the line after "execve pid=N argv="
    const pid: number = argvOf ?? Number(/ pid=(\d+)/.exec(line)?.[1]);
    argvOf = / execve pid=(\d+) argv=$/.test(line) ? pid : null;
    if (!tree.has(pid)) continue;
    const child = / fork pid=\d+ child=(\d+)/.exec(line);
    if (child) tree.add(Number(child[1]));
    bytes += line.length + 1;
    lines++;
  }
  return { bytes, lines };
}
