// Pure parsers for the /proc and /etc files the recorder reads (proc(5), passwd(5), group(5)).
import type { InetEndpoint } from '../capture/events';
import type { GroupEntry, PasswdEntry } from '../capture/format';
import { formatIpv4, formatIpv6 } from '../capture/event-view';

export interface ProcStat {
  readonly pid: number;
  readonly comm: string;
  readonly ppid: number;
  readonly ttyNr: number;
  readonly sid: number; // field 6: session id
  readonly startTicks: number; // field 22: start time after boot, in clock ticks
}

/** /proc/PID/stat; comm may hold spaces and parentheses, so split after the last ')'. */
export function parseStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const rest = text.slice(close + 2).split(' '); // rest[0] is field 3 (state)
  const field = (n: number) => Number(rest[n - 3]);
  const stat = {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    ppid: field(4),
    sid: field(6),
    ttyNr: field(7),
    startTicks: field(22),
  };
  return Number.isFinite(stat.ppid) && Number.isFinite(stat.startTicks) ? stat : null;
}

/** The four ids (real, effective, saved, fs) of a "Uid:" or "Gid:" line of /proc/PID/status. */
export function parseStatusIds(text: string, key: 'Uid' | 'Gid'): [number, number, number, number] | null {
  const line = text.split('\n').find((l) => l.startsWith(`${key}:`));
  const ids = line
    ?.slice(key.length + 1)
    .trim()
    .split(/\s+/)
    .map(Number);
  return ids && ids.length === 4 && ids.every(Number.isFinite) ? [ids[0]!, ids[1]!, ids[2]!, ids[3]!] : null;
}

/** /proc/PID/cmdline: NUL-separated, with setproctitle padding (trailing NULs) dropped. */
export function parseCmdline(bytes: Buffer): string[] {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return end === 0 ? [] : bytes.toString('utf8', 0, end).split('\0');
}

/** tty_nr (field 7 of stat) → the kernel's tty name: pts/N, ttyN, ttySN, or "" when none. */
export function ttyName(ttyNr: number): string {
  if (ttyNr === 0) return '';
  const major = (ttyNr >> 8) & 0xfff;
  const minor = (ttyNr & 0xff) | ((ttyNr >> 12) & 0xfff00);
  if (major >= 136 && major <= 143) return `pts/${(major - 136) * 256 + minor}`;
  if (major === 4) return minor < 64 ? `tty${minor}` : `ttyS${minor - 64}`;
  return `tty(${major}:${minor})`;
}

export interface TcpSocket {
  readonly local: InetEndpoint;
  readonly remote: InetEndpoint;
  readonly listening: boolean;
}

/** /proc/net/tcp or tcp6 → sockets by inode. */
export function parseProcNetTcp(text: string, family: 'ipv4' | 'ipv6'): Map<number, TcpSocket> {
  const sockets = new Map<number, TcpSocket>();
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const inode = Number(f[9]);
    const local = parseHexEndpoint(f[1]!, family);
    const remote = parseHexEndpoint(f[2]!, family);
    if (inode > 0 && local && remote) sockets.set(inode, { local, remote, listening: f[3] === '0A' });
  }
  return sockets;
}

/** "0100007F:0016" → 127.0.0.1:22. The address is printed as 32-bit words in host (little-endian) order. */
export function parseHexEndpoint(text: string, family: 'ipv4' | 'ipv6'): InetEndpoint | null {
  const [hexAddr, hexPort] = text.split(':');
  const bytesLength = family === 'ipv4' ? 4 : 16;
  if (!hexAddr || !hexPort || hexAddr.length !== bytesLength * 2) return null;
  const addr = new Uint8Array(bytesLength);
  for (let word = 0; word < bytesLength / 4; word++) {
    const value = parseInt(hexAddr.slice(word * 8, word * 8 + 8), 16);
    new DataView(addr.buffer).setUint32(word * 4, value, true);
  }
  const ip = family === 'ipv4' ? formatIpv4(addr) : formatIpv6(addr);
  return { family, ip, port: parseInt(hexPort, 16) };
}

export function parsePasswd(text: string): PasswdEntry[] {
  return lines(text)
    .map((f) => [f[0]!, Number(f[2]), Number(f[3]), f[5] ?? '', f[6] ?? ''] as const)
    .filter((e) => Number.isFinite(e[1]) && Number.isFinite(e[2]));
}

export function parseGroup(text: string): GroupEntry[] {
  return lines(text)
    .map((f) => [f[0]!, Number(f[2]), f[3] ? f[3].split(',').filter(Boolean) : []] as const)
    .filter((e) => Number.isFinite(e[1]));
}

function lines(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('+') && !l.startsWith('-'))
    .map((l) => l.split(':'));
}
