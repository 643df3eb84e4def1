// Small persistent-update helpers shared by the reducer's concerns.
import { List } from 'immutable';
import type { Conn, Proc, State } from './state';
import type { OutputRecord } from './records';

export function putProc(s: State, p: Proc): State {
  return { ...s, procs: s.procs.set(p.pid, p) };
}

export function dropProc(s: State, pid: number): State {
  return s.procs.has(pid) ? { ...s, procs: s.procs.delete(pid) } : s;
}

export function putConn(s: State, c: Conn): State {
  return { ...s, conns: s.conns.set(c.id, c) };
}

/** A process and its connection changed by one event: one new state, not two. */
export function putProcConn(s: State, p: Proc, c: Conn): State {
  return { ...s, procs: s.procs.set(p.pid, p), conns: s.conns.set(c.id, c) };
}

export function hold(s: State, ...records: OutputRecord[]): State {
  return records.length === 0 ? s : { ...s, held: s.held.push(...records) };
}

/** Marks a connection incomplete for a reason (once per reason). */
export function markIncomplete(c: Conn, reason: string): Conn {
  return c.incomplete.includes(reason) ? c : { ...c, incomplete: c.incomplete.push(reason) };
}

export function newConn(id: string, monitor: number, startTs: number): Conn {
  return {
    id,
    generation: 'unknown',
    listener: null,
    monitor,
    preauth: null,
    postauth: null,
    source: null,
    startTs,
    user: null,
    uid: null,
    invalidUser: false,
    pam: false,
    pending: null,
    attempts: 0,
    authenticated: false,
    authTs: null,
    method: null,
    termSeen: false,
    channels: List(),
    commands: List(),
    pendingCommand: null,
    pendingTty: null,
    tty: null,
    opensshVersion: null,
    incomplete: List(),
  };
}

export function newProc(pid: number, ppid: number, startTs: number, fields: Partial<Proc> = {}): Proc {
  return {
    pid,
    ppid,
    role: 'other',
    conn: null,
    startTs,
    image: null,
    argv: null,
    creds: null,
    channel: null,
    command: null,
    tty: null,
    fromSnapshot: false,
    ...fields,
  };
}
