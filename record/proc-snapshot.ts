// The /proc scan that seeds tracking: processes whose exe basename is a family name, and all their
// descendants, minus the recorder and its own descendants. Processes that vanish mid-scan are skipped.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { SnapshotProcess } from '../capture/events';
import { TRACK } from '../capture/layout';
import { tcpPeer, readLink, TcpTables } from './proc-net';
import { parseCmdline, parseStat, parseStatusIds, type ProcStat, ttyName } from './proc-parse';

export interface ScanOptions {
  readonly familyNames: readonly string[];
  readonly selfPid: number;
  readonly procRoot?: string;
  /** USER_HZ: stat times are in these ticks (sysconf(_SC_CLK_TCK), 100 on every Linux ABI we run on). */
  readonly clockTicks?: number;
}

interface Candidate {
  readonly pid: number;
  readonly stat: ProcStat;
  readonly exe: string;
}

const UNSET_ID = 4294967295;

export function scanFamily(options: ScanOptions): SnapshotProcess[] {
  const procRoot = options.procRoot ?? '/proc';
  const candidates = listProcesses(procRoot);
  const members = familyMembers(candidates, options);
  const tables = new TcpTables(procRoot);
  const byPid = new Map(candidates.map((c) => [c.pid, c]));
  return members.flatMap((c) => {
    const parent = byPid.get(c.stat.ppid);
    const parentIsSshd = parent !== undefined && isFamilyImage(parent.exe, options.familyNames);
    const process = describe(procRoot, c, options, tables, parentIsSshd);
    return process ? [process] : [];
  });
}

function listProcesses(procRoot: string): Candidate[] {
  const candidates: Candidate[] = [];
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    const stat = parseStat(readText(join(procRoot, name, 'stat')) ?? '');
    if (!stat) continue; // exited since readdir
    const exe = (readLink(join(procRoot, name, 'exe')) ?? '').replace(/ \(deleted\)$/, '');
    candidates.push({ pid: Number(name), stat, exe });
  }
  return candidates;
}

/** Family roots and their descendants, in pid order, without the recorder's own subtree. */
function familyMembers(candidates: readonly Candidate[], options: ScanOptions): Candidate[] {
  const children = new Map<number, Candidate[]>();
  for (const c of candidates) {
    const siblings = children.get(c.stat.ppid);
    if (siblings) siblings.push(c);
    else children.set(c.stat.ppid, [c]);
  }
  const excluded = new Set(subtree([options.selfPid], children));
  const roots = candidates.filter((c) => isFamilyImage(c.exe, options.familyNames)).map((c) => c.pid);
  const members = new Set(subtree(roots, children).filter((pid) => !excluded.has(pid)));
  return candidates.filter((c) => members.has(c.pid)).sort((a, b) => a.pid - b.pid);
}

function subtree(roots: readonly number[], children: Map<number, Candidate[]>): number[] {
  const seen = new Set<number>();
  const queue = [...roots];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    for (const child of children.get(pid) ?? []) queue.push(child.pid);
  }
  return [...seen];
}

export function isFamilyImage(exe: string, familyNames: readonly string[]): boolean {
  return exe !== '' && familyNames.includes(basename(exe));
}

function describe(
  procRoot: string,
  c: Candidate,
  options: ScanOptions,
  tables: TcpTables,
  parentIsSshd: boolean,
): SnapshotProcess | null {
  const dir = join(procRoot, String(c.pid));
  const status = readText(join(dir, 'status'));
  const cmdline = readBytes(join(dir, 'cmdline'));
  if (status === null || cmdline === null) return null; // exited mid-scan
  const root = readLink(join(dir, 'root')) ?? '';
  const sshdImage = isFamilyImage(c.exe, options.familyNames);
  // "Has chrooted" (the pre-auth child) means a root other than its sshd parent's. A whole sshd run inside a
  // container or rootfs never called chroot: marking its listener would mark every descendant, and the
  // --file-writes pipe hook would then read the monitor's pipe to unix_chkpwd, which carries the password.
  const parentRoot = readLink(join(procRoot, String(c.stat.ppid), 'root')) ?? '/';
  const chrooted = sshdImage && parentIsSshd && root !== '' && root !== parentRoot;
  // Seccomp mode 2 is a filter: the pre-auth sandbox (bpf/file_write.bpf.h reads pipes of chrooted + sandboxed only).
  const sandboxed = sshdImage && /^Seccomp:\s*2$/m.test(status);
  const flags =
    TRACK.FOLLOWED |
    (sshdImage ? TRACK.SSHD_IMAGE : 0) |
    (chrooted ? TRACK.CHROOTED : 0) |
    (sandboxed ? TRACK.SANDBOXED : 0);
  return {
    pid: c.pid,
    ppid: c.stat.ppid,
    exe: c.exe,
    argv: parseCmdline(cmdline),
    comm: c.stat.comm,
    uid: parseStatusIds(status, 'Uid') ?? [UNSET_ID, UNSET_ID, UNSET_ID, UNSET_ID],
    gid: parseStatusIds(status, 'Gid') ?? [UNSET_ID, UNSET_ID, UNSET_ID, UNSET_ID],
    auid: readNumber(join(dir, 'loginuid')),
    sessionid: readNumber(join(dir, 'sessionid')),
    startBoottime: Math.round((c.stat.startTicks * 1e9) / (options.clockTicks ?? 100)),
    tty: ttyName(c.stat.ttyNr),
    root,
    flags,
    peer: tcpPeer(procRoot, c.pid, tables),
    sid: c.stat.sid,
  };
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function readBytes(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}

function readNumber(path: string): number {
  const value = Number(readText(path)?.trim());
  return Number.isFinite(value) ? value : UNSET_ID;
}
