// Records → OCSF 1.8.0 events: an authentication attempt is an Authentication Logon (success or failure),
// a session's end is an Authentication Logoff, every command of a session a Process Activity Launch.
// Connections that never logged in, anomalies and session_start have no event here (docs/ocsf.md says why).
import type { AuthRecord, OutputRecord, SessionRecord } from '../model/records';
import {
  AUTHENTICATION,
  classified,
  device,
  endpoint,
  metadata,
  ocsfUser,
  sshdProcess,
  status,
  type OcsfEvent,
} from './ocsf-common';
import { commandEvents } from './ocsf-process';
import { compact, epochMs, fromText, spanMs, type SiemContext } from './siem-context';

export type { OcsfEvent } from './ocsf-common';

export function toOcsf(r: OutputRecord, ctx: SiemContext): OcsfEvent[] {
  switch (r.type) {
    case 'auth':
      return [logon(r, ctx)];
    case 'session':
      return [...commandEvents(r, ctx), ...(r.end === null ? [] : [logoff(r, r.end, ctx)])];
    case 'connection':
    case 'anomaly':
    case 'session_start':
      return [];
  }
}

/** One JSON line per event; an empty string for a record without events. */
export function formatOcsf(r: OutputRecord, ctx: SiemContext): string {
  return toOcsf(r, ctx)
    .map((e) => `${JSON.stringify(e)}\n`)
    .join('');
}

// OCSF lists no SSH method: 99 (Other) with sshd's method name, as its Authentication notes advise.
function protocol(method: string | null): OcsfEvent {
  return method === null
    ? { auth_protocol_id: 0, auth_protocol: 'Unknown' }
    : { auth_protocol_id: 99, auth_protocol: method };
}

function factors(method: string): OcsfEvent[] | undefined {
  if (method === 'password') return [{ factor_type_id: 11, factor_type: 'Password' }];
  if (method === 'publickey') return [{ factor_type_id: 99, factor_type: 'Public Key' }];
  return undefined;
}

function failureDetail(r: AuthRecord): string | undefined {
  if (r.success) return undefined;
  return r.invalid_user ? 'USER_DOES_NOT_EXIST' : 'INVALID_CREDENTIALS';
}

function logon(r: AuthRecord, ctx: SiemContext): OcsfEvent {
  const verb = r.success ? 'Accepted' : 'Failed';
  const who = r.invalid_user ? `invalid user ${r.user}` : r.user;
  return compact({
    ...classified(AUTHENTICATION, 1, 'Logon'),
    ...status(r.success),
    status_detail: failureDetail(r),
    time: epochMs(r.time),
    message: `${verb} ${r.method} for ${who} ${fromText(r.source)}`,
    metadata: metadata(ctx, r.connection),
    user: ocsfUser(r.user, null),
    ...protocol(r.method),
    auth_factors: factors(r.method),
    // An attempt comes before any channel, so it cannot say whether a terminal follows: Network.
    logon_type_id: 3,
    logon_type: 'Network',
    is_remote: true,
    is_cleartext: false,
    src_endpoint: endpoint(r.source),
    service: compact({ name: 'sshd', version: r.openssh_version ?? undefined }),
    device: device(ctx),
    logon_process: sshdProcess(r.pids.monitor),
    session: r.success ? { uid: r.connection, is_remote: true } : undefined,
    unmapped: {
      sshtrace: compact({
        connection: r.connection,
        invalid_user: r.invalid_user,
        key: r.key ?? undefined,
        note: r.note ?? undefined,
        incomplete: r.incomplete,
        pids: r.pids,
      }),
    },
  });
}

function logoff(r: SessionRecord, end: string, ctx: SiemContext): OcsfEvent {
  const interactive = r.tty !== null;
  return compact({
    ...classified(AUTHENTICATION, 2, 'Logoff'),
    ...status(true),
    status_detail: r.end_reason,
    time: epochMs(end),
    start_time: epochMs(r.start),
    end_time: epochMs(end),
    duration: spanMs(r.start, end),
    message: `Session of ${r.user} ${fromText(r.source)} ended (${r.end_reason}) after ${r.commands.length} command(s)`,
    metadata: metadata(ctx, r.connection),
    user: ocsfUser(r.user, r.uid),
    ...protocol(r.method),
    logon_type_id: interactive ? 10 : 3,
    logon_type: interactive ? 'Remote Interactive' : 'Network',
    is_remote: true,
    is_cleartext: false,
    src_endpoint: endpoint(r.source),
    service: compact({ name: 'sshd', version: r.openssh_version ?? undefined }),
    device: device(ctx),
    logon_process: sshdProcess(r.pids.monitor),
    session: compact({
      uid: r.connection,
      created_time: epochMs(r.start),
      terminal: r.tty ?? undefined,
      is_remote: true,
    }),
    unmapped: {
      sshtrace: compact({
        connection: r.connection,
        incomplete: r.incomplete,
        incomplete_reasons: r.incomplete ? r.incomplete_reasons : undefined,
        channels: r.channels.length,
        pids: r.pids,
      }),
    },
  });
}
