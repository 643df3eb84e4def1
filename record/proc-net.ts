// The TCP peer of a process's connection, from its fds and its network namespace's /proc/net/tcp{,6}.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { InetEndpoint } from '../capture/events';
import { parseProcNetTcp, type TcpSocket } from './proc-parse';

/** Caches one socket table per network namespace for the duration of a scan. */
export class TcpTables {
  private readonly byNamespace = new Map<string, Map<number, TcpSocket>>();

  constructor(private readonly procRoot: string) {}

  socketsOf(pid: number): Map<number, TcpSocket> {
    const namespace = readLink(join(this.procRoot, String(pid), 'ns', 'net')) ?? 'unknown';
    let table = this.byNamespace.get(namespace);
    if (!table) {
      table = new Map([...this.read(pid, 'tcp', 'ipv4'), ...this.read(pid, 'tcp6', 'ipv6')]);
      this.byNamespace.set(namespace, table);
    }
    return table;
  }

  private read(pid: number, file: string, family: 'ipv4' | 'ipv6'): Map<number, TcpSocket> {
    try {
      return parseProcNetTcp(readFileSync(join(this.procRoot, String(pid), 'net', file), 'utf8'), family);
    } catch {
      return new Map();
    }
  }
}

/**
 * The remote end of fd 0 when it is a connected TCP socket; otherwise of the lowest-numbered connected
 * TCP socket (the monitor moves /dev/null onto fd 0 once it has allocated a pty).
 */
export function tcpPeer(procRoot: string, pid: number, tables: TcpTables): InetEndpoint | null {
  const fdDir = join(procRoot, String(pid), 'fd');
  let fds: number[];
  try {
    fds = readdirSync(fdDir)
      .map(Number)
      .filter(Number.isInteger)
      .sort((a, b) => a - b);
  } catch {
    return null;
  }
  const sockets = tables.socketsOf(pid);
  for (const fd of fds) {
    const inode = /^socket:\[(\d+)\]$/.exec(readLink(join(fdDir, String(fd))) ?? '')?.[1];
    const socket = inode ? sockets.get(Number(inode)) : undefined;
    if (socket && !socket.listening) return socket.remote;
  }
  return null;
}

export function readLink(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}
