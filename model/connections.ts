// Connections: the listener's accepts, the per-connection process's peer, and how a connection ends.
import type {
  InetEndpoint,
  AcceptEvent,
  SocknameEvent,
  ExitEvent,
  BannerEvent,
  WaitEvent,
  MessageDesyncEvent,
} from '../capture/events';
import type { Conn, Proc, State } from './state';
import { preauthExitReasons, versionInBanner } from './versions';
import { generationAtEnd } from './generation';
import { putConn, putProc, dropProc, hold, markIncomplete, newConn } from './update';
import { isoTime } from './time';
import { closeUserProcess } from './sessions';
import { connectionRecord, sessionRecord } from './emit';
import { abandonPending, resolveSuccess } from './authentication';

export function onAccept(s: State, e: AcceptEvent): State {
  if (e.fd < 0) return s;
  const p = s.procs.get(e.tgid);
  if (p === undefined || (p.role !== 'sshd' && p.role !== 'listener')) return s;
  const listener: Proc = p.role === 'listener' ? p : { ...p, role: 'listener' };
  s = refusedIfPending(s, e.tgid, e.ts);
  return putProc({ ...s, accepted: s.accepted.set(e.tgid, { peer: e.peer, ts: e.ts }) }, listener);
}

/** An accepted peer never handed to a per-connection process was refused (MaxStartups, penalties).
 *  With `ts` null the capture ended first: maybe it was about to fork, so the record is incomplete. */
export function refusedIfPending(s: State, listener: number, ts: number | null): State {
  const pending = s.accepted.get(listener);
  if (pending === undefined) return s;
  let c: Conn = {
    ...newConn(`refused@${isoTime(s, pending.ts)}`, listener, pending.ts),
    listener,
    source: pending.peer,
  };
  if (ts === null) c = markIncomplete(c, 'the capture ended right after the listener accepted it');
  // sshd closes a refused socket at once (server_accept_loop): it ended when it was accepted, whenever we learn it.
  const record = connectionRecord(
    s,
    c,
    pending.ts,
    'refused by the listener (MaxStartups or a penalty): closed without a fork',
  );
  return hold({ ...s, accepted: s.accepted.delete(listener) }, { ...record, pids: { ...record.pids, monitor: null } });
}

/** The per-connection process asks for its peer: the kernel's answer is authoritative. */
export function onSockname(s: State, e: SocknameEvent): State {
  if (e.call !== 'getpeername' || e.ret !== 0 || e.addr.family === 'unknown') return s;
  const p = s.procs.get(e.tgid);
  const c = p?.conn == null ? undefined : s.conns.get(p.conn);
  if (p?.role !== 'monitor' || c === undefined || sameEndpoint(c.source, e.addr)) return s;
  return putConn(s, { ...c, source: e.addr });
}

function sameEndpoint(a: InetEndpoint | null, b: InetEndpoint): boolean {
  return a !== null && a.ip === b.ip && a.port === b.port;
}

/** "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3": the server's version, as it told the client. It wins over
 *  the recorder's table of binaries, whose host paths can name another sshd than a chroot's or container's. */
export function onBanner(s: State, e: BannerEvent): State {
  const p = s.procs.get(e.tgid);
  const c = p?.conn == null ? undefined : s.conns.get(p.conn);
  const version = versionInBanner(e.text);
  if (c === undefined || version === null || c.opensshVersion === version) return s;
  return putConn(s, { ...c, opensshVersion: version });
}

export function onDesync(s: State, e: MessageDesyncEvent): State {
  const p = s.procs.get(e.tgid);
  const c = p?.conn == null ? undefined : s.conns.get(p.conn);
  return c === undefined ? s : putConn(s, markIncomplete(c, `monitor framing lost (${e.reason})`));
}

/** A reaped child whose exit was never seen (lost event): close it from its parent's wait. */
export function onWait(s: State, e: WaitEvent): State {
  if (e.reapedPid === null || e.status === null || !s.procs.has(e.reapedPid)) return s;
  const status = e.status;
  const signal = status & 0x7f;
  const exit: ExitEvent = {
    kind: 'exit',
    ts: e.ts,
    tgid: e.reapedPid,
    tid: e.reapedPid,
    truncated: false,
    exitCode: signal === 0 ? (status >> 8) & 0xff : null,
    signal: signal === 0 ? null : signal,
    core: (status & 0x80) !== 0,
    rawStatus: status,
    ppid: e.tgid,
    startBoottime: 0,
    creds: s.procs.get(e.reapedPid)!.creds!,
    comm: '',
  };
  const c = connOfPid(s, e.reapedPid);
  if (c !== undefined) s = putConn(s, markIncomplete(c, 'a process exit was not captured (taken from wait)'));
  return onExit(s, exit);
}

function connOfPid(s: State, pid: number): Conn | undefined {
  const p = s.procs.get(pid);
  return p?.conn == null ? undefined : s.conns.get(p.conn);
}

export function onExit(s: State, e: ExitEvent): State {
  const p = s.procs.get(e.tgid);
  if (p === undefined) return s;
  const c = p.conn === null ? undefined : s.conns.get(p.conn);
  if (c !== undefined) {
    if (p.role === 'session') s = closeUserProcess(s, c, p, e);
    if (p.role === 'monitor' && c.monitor === p.pid) s = endConnection(s, c, e);
  }
  if (p.role === 'preauth' && c !== undefined && e.exitCode === 0) s = preauthDone(s, c, e);
  if (p.role === 'listener') s = refusedIfPending(s, p.pid, e.ts);
  return dropProc(s, p.pid);
}

/** The pre-auth child exits 0 only after exporting its state to the monitor: the login happened. */
function preauthDone(s: State, c: Conn, e: ExitEvent): State {
  const now = s.conns.get(c.id) ?? c;
  return now.pending?.stage === 'account' ? resolveSuccess(s, now, e.ts, null) : s;
}

function endConnection(s: State, c: Conn, e: ExitEvent): State {
  s = abandonPending(s, s.conns.get(c.id) ?? c, e.ts);
  const ended = s.conns.get(c.id) ?? c;
  const record = ended.authenticated
    ? sessionRecord(s, ended, e.ts, sessionEndReason(s, ended, e))
    : connectionRecord(s, ended, e.ts, preauthEndReason({ ...ended, generation: generationAtEnd(s, ended) }, e));
  return hold({ ...s, conns: s.conns.delete(c.id) }, record);
}

function sessionEndReason(s: State, c: Conn, e: ExitEvent): string {
  if (e.signal !== null) return `sshd killed by signal ${e.signal}`;
  if (c.termSeen) return 'connection closed';
  const postauthGone = c.postauth === null || !s.procs.has(c.postauth);
  if (e.exitCode === 255 && postauthGone) return 'client disconnected';
  return `sshd exited with code ${e.exitCode ?? 'unknown'}`;
}

function preauthEndReason(c: Conn, e: ExitEvent): string {
  if (e.signal !== null) return `sshd killed by signal ${e.signal}`;
  const known = preauthExitReasons(c.generation)[e.exitCode ?? -1];
  if (c.attempts > 0 && (e.exitCode === 255 || e.exitCode === 5)) return 'authentication failed';
  if (c.user !== null && c.attempts === 0 && e.exitCode === 255) return 'closed during authentication';
  return known ?? `sshd exited with code ${e.exitCode ?? 'unknown'}`;
}

/** The capture ended with the connection still open: report what is known, marked incomplete. */
export function closeAtEnd(s: State, c: Conn): State {
  let open = markIncomplete(c, 'the capture ended while the connection was open');
  if (c.pending !== null) open = markIncomplete(open, `a ${c.pending.method} attempt was still undecided`);
  const record = open.authenticated
    ? sessionRecord(s, open, null, 'capture ended')
    : connectionRecord(s, open, null, 'capture ended');
  return hold({ ...s, conns: s.conns.delete(c.id) }, record);
}
