// Turning connection state into output records. Records go through State.held so that a later counters
// event showing loss can still mark them incomplete (see step.ts).
import type { Conn, State, Command, Channel } from './state';
import type {
  AuthRecord,
  SessionRecord,
  ConnectionRecord,
  AnomalyRecord,
  SessionStartRecord,
  SshdPids,
  Endpoint,
  CommandRecord,
  ChannelRecord,
} from './records';
import type { InetEndpoint } from '../capture/events';
import { durationMs, isoTime } from './time';

function endpoint(e: InetEndpoint | null): Endpoint | null {
  return e === null || e.family === 'unknown' ? null : { ip: e.ip, port: e.port };
}

function pids(c: Conn): SshdPids {
  return { listener: c.listener, monitor: c.monitor, preauth: c.preauth, postauth: c.postauth };
}

export function authRecord(
  s: State,
  c: Conn,
  ts: number,
  success: boolean,
  method: string,
  key: AuthRecord['key'],
  note: string | null = null,
): AuthRecord {
  return {
    type: 'auth',
    time: isoTime(s, ts),
    user: c.user ?? '',
    invalid_user: c.invalidUser,
    success,
    method,
    source: endpoint(c.source),
    key,
    openssh_version: c.opensshVersion,
    pids: pids(c),
    connection: c.id,
    note,
    incomplete: c.incomplete.size > 0,
  };
}

export function sessionStartRecord(s: State, c: Conn, ts: number): SessionStartRecord {
  return {
    type: 'session_start',
    connection: c.id,
    user: c.user ?? '',
    uid: c.uid,
    source: endpoint(c.source),
    start: isoTime(s, ts),
    pids: pids(c),
  };
}

function commandRecord(s: State, cmd: Command): CommandRecord {
  return {
    argv: cmd.argv,
    path: cmd.path,
    pid: cmd.pid,
    ppid: cmd.ppid,
    start: isoTime(s, cmd.startTs),
    end: cmd.endTs === null ? null : isoTime(s, cmd.endTs),
    duration_ms: cmd.endTs === null ? null : durationMs(cmd.startTs, cmd.endTs),
    exit_code: cmd.exitCode,
    signal: cmd.signal,
    replaced_by_exec: cmd.replaced,
    channel: cmd.channel,
    tty: cmd.tty,
    from_snapshot: cmd.fromSnapshot,
  };
}

function channelRecord(s: State, ch: Channel, index: number): ChannelRecord {
  return {
    channel: index,
    pid: ch.pid,
    kind: ch.kind,
    command: ch.command,
    tty: ch.tty,
    start: isoTime(s, ch.startTs),
    end: ch.endTs === null ? null : isoTime(s, ch.endTs),
  };
}

export function sessionRecord(s: State, c: Conn, endTs: number | null, endReason: string): SessionRecord {
  return {
    type: 'session',
    connection: c.id,
    user: c.user ?? '',
    uid: c.uid,
    source: endpoint(c.source),
    start: isoTime(s, c.authTs ?? c.startTs),
    end: endTs === null ? null : isoTime(s, endTs),
    end_reason: endReason,
    tty: c.tty,
    method: c.method,
    openssh_version: c.opensshVersion,
    pids: pids(c),
    incomplete: c.incomplete.size > 0,
    incomplete_reasons: c.incomplete.toArray(),
    channels: c.channels.toArray().map((ch, i) => channelRecord(s, ch, i)),
    commands: c.commands.toArray().map((cmd) => commandRecord(s, cmd)),
  };
}

export function connectionRecord(s: State, c: Conn, endTs: number | null, endReason: string): ConnectionRecord {
  return {
    type: 'connection',
    connection: c.id,
    source: endpoint(c.source),
    start: isoTime(s, c.startTs),
    end: endTs === null ? null : isoTime(s, endTs),
    end_reason: endReason,
    user: c.user,
    invalid_user: c.invalidUser,
    attempts: c.attempts,
    pids: pids(c),
    incomplete: c.incomplete.size > 0,
    incomplete_reasons: c.incomplete.toArray(),
  };
}

export function anomaly(
  s: State,
  ts: number | null,
  what: string,
  detail: string,
  pid: number | null = null,
  conn: string | null = null,
): AnomalyRecord {
  return { type: 'anomaly', time: ts === null ? null : isoTime(s, ts), what, pid, connection: conn, detail };
}
