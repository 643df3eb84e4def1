// Records for the OCSF and ECS mapping tests, written by hand from what each situation is: a password accepted,
// an invalid user refused, a pty session with a command that failed and one killed by a signal, a connection
// that timed out before logging in, an anomaly.
import type {
  AnomalyRecord,
  AuthRecord,
  ConnectionRecord,
  SessionRecord,
  SessionStartRecord,
  SshdPids,
} from '../../model/records';

const PIDS: SshdPids = { listener: 700, monitor: 4242, preauth: 4243, postauth: 4250 };

export const ACCEPTED: AuthRecord = {
  type: 'auth',
  time: '2026-11-28T12:20:07.748329Z',
  user: 'alice',
  invalid_user: false,
  success: true,
  method: 'publickey',
  source: { ip: '203.0.113.5', port: 52311 },
  key: { type: 'ssh-ed25519', fingerprint: 'SHA256:/fj/z+9Dm2u053fXavCvgOg5XNaONUh4FlUwoLbxe5I' },
  openssh_version: '9.2p1',
  pids: PIDS,
  connection: '4242@2026-11-28T12:20:07.700000Z',
  note: null,
  incomplete: false,
};

export const INVALID_USER: AuthRecord = {
  ...ACCEPTED,
  time: '2026-11-28T12:21:00.000001Z',
  user: 'admin',
  invalid_user: true,
  success: false,
  method: 'password',
  source: { ip: '2001:db8::7', port: 40000 },
  key: null,
  connection: '5000@2026-11-28T12:20:59.000000Z',
  pids: { listener: 700, monitor: 5000, preauth: 5001, postauth: null },
};

export const SESSION: SessionRecord = {
  type: 'session',
  connection: ACCEPTED.connection,
  user: 'alice',
  uid: 1001,
  source: ACCEPTED.source,
  start: '2026-11-28T12:20:07.748329Z',
  end: '2026-11-28T12:20:17.321262Z',
  end_reason: 'client disconnected',
  tty: 'pts/0',
  method: 'publickey',
  openssh_version: '9.2p1',
  pids: PIDS,
  incomplete: false,
  incomplete_reasons: [],
  channels: [
    {
      channel: 0,
      pid: 4251,
      kind: 'shell',
      command: null,
      tty: 'pts/0',
      start: '2026-11-28T12:20:07.800000Z',
      end: '2026-11-28T12:20:17.300000Z',
    },
  ],
  commands: [
    {
      argv: ['-bash'],
      path: '/bin/bash',
      pid: 4251,
      ppid: 4250,
      start: '2026-11-28T12:20:07.810168Z',
      end: '2026-11-28T12:20:17.300000Z',
      duration_ms: 9489.832,
      exit_code: 0,
      signal: null,
      replaced_by_exec: false,
      channel: 0,
      tty: 'pts/0',
      from_snapshot: false,
    },
    {
      argv: ['ls', '/sshtr-missing-path'],
      path: '/usr/bin/ls',
      pid: 4260,
      ppid: 4251,
      start: '2026-11-28T12:20:10.317277Z',
      end: '2026-11-28T12:20:10.318177Z',
      duration_ms: 0.9,
      exit_code: 2,
      signal: null,
      replaced_by_exec: false,
      channel: 0,
      tty: 'pts/0',
      from_snapshot: false,
    },
    {
      argv: ['sleep', '100'],
      path: '/usr/bin/sleep',
      pid: 4261,
      ppid: 4251,
      start: '2026-11-28T12:20:11.000000Z',
      end: '2026-11-28T12:20:12.500000Z',
      duration_ms: 1500,
      exit_code: null,
      signal: 9,
      replaced_by_exec: false,
      channel: 0,
      tty: 'pts/0',
      from_snapshot: false,
    },
  ],
};

/** The same session while it is still open when the capture ends: its last command still runs. */
export const OPEN_SESSION: SessionRecord = {
  ...SESSION,
  end: null,
  end_reason: 'still open when the capture ended',
  incomplete: true,
  incomplete_reasons: ['the capture ended during the connection'],
  commands: [{ ...SESSION.commands[2]!, end: null, duration_ms: null, signal: null }],
};

export const SESSION_START: SessionStartRecord = {
  type: 'session_start',
  connection: ACCEPTED.connection,
  user: 'alice',
  uid: 1001,
  source: ACCEPTED.source,
  start: ACCEPTED.time,
  pids: PIDS,
};

export const TIMED_OUT: ConnectionRecord = {
  type: 'connection',
  connection: '6000@2026-11-28T12:22:00.000000Z',
  source: { ip: '198.51.100.9', port: 61000 },
  start: '2026-11-28T12:22:00.000000Z',
  end: '2026-11-28T12:22:30.000000Z',
  end_reason: 'login grace time expired',
  user: null,
  invalid_user: false,
  attempts: 0,
  pids: { listener: 700, monitor: 6000, preauth: 6001, postauth: null },
  incomplete: false,
  incomplete_reasons: [],
};

export const ANOMALY: AnomalyRecord = {
  type: 'anomaly',
  time: '2026-11-28T12:23:00.000000Z',
  what: 'events lost',
  pid: null,
  connection: null,
  detail: 'events were lost (3 records: ring buffer full or queue overflow)',
};

export const CONTEXT = { hostname: 'bastion', toolVersion: '0.1.0' };
