// Records → Elastic Common Schema documents (nested objects, one JSON line each). Field names follow ECS 9.4.0
// (checked against @elastic/ecs in test/unit/ecs.test.ts); what ECS has no field for goes under `sshtrace.*`.
// Authentication attempts use event.action ssh_login like Filebeat's system module, so its rules apply.
import type {
  AnomalyRecord,
  AuthRecord,
  CommandRecord,
  ConnectionRecord,
  Endpoint,
  OutputRecord,
  SessionRecord,
  SessionStartRecord,
} from '../model/records';
import { basename, compact, fromText, spanNs, type SiemContext } from './siem-context';

export const ECS_VERSION = '9.4.0';

export type EcsDocument = Record<string, unknown>;

export function toEcs(r: OutputRecord, ctx: SiemContext): EcsDocument[] {
  switch (r.type) {
    case 'auth':
      return [auth(r, ctx)];
    case 'session_start':
      return [sessionStart(r, ctx)];
    case 'session':
      return [...r.commands.map((c) => command(r, c, ctx)), ...(r.end === null ? [] : [sessionEnd(r, r.end, ctx)])];
    case 'connection':
      return [connection(r, ctx)];
    case 'anomaly':
      return [anomaly(r, ctx)];
  }
}

export function formatEcs(r: OutputRecord, ctx: SiemContext): string {
  return toEcs(r, ctx)
    .map((d) => `${JSON.stringify(d)}\n`)
    .join('');
}

function base(ctx: SiemContext, time: string, message: string, event: EcsDocument): EcsDocument {
  return {
    '@timestamp': time,
    message,
    ecs: { version: ECS_VERSION },
    event: { kind: 'event', module: 'sshtrace', ...event },
    host: compact({ hostname: ctx.hostname ?? undefined, name: ctx.hostname ?? undefined, os: { type: 'linux' } }),
    agent: { type: 'sshtrace', version: ctx.toolVersion },
    service: { name: 'sshd' },
  };
}

function source(s: Endpoint | null): EcsDocument | undefined {
  return s === null ? undefined : { ip: s.ip, port: s.port, address: s.ip };
}

function related(user: string | null, s: Endpoint | null): EcsDocument {
  return compact({ user: user === null ? undefined : [user], ip: s === null ? undefined : [s.ip] });
}

function ecsUser(name: string | null, uid: number | null): EcsDocument | undefined {
  return name === null ? undefined : compact({ name, id: uid === null ? undefined : String(uid) });
}

function auth(r: AuthRecord, ctx: SiemContext): EcsDocument {
  const who = r.invalid_user ? `invalid user ${r.user}` : r.user;
  return compact({
    ...base(
      ctx,
      r.time,
      `${r.success ? 'Accepted' : 'Failed'} ${r.method} for ${who} ${fromText(r.source)}`,
      compact({
        category: ['authentication'],
        type: ['info'],
        action: 'ssh_login',
        outcome: r.success ? 'success' : 'failure',
        dataset: 'sshtrace.auth',
        reason: r.note ?? undefined,
      }),
    ),
    user: ecsUser(r.user, null),
    source: source(r.source),
    related: related(r.user, r.source),
    process: r.pids.monitor === null ? undefined : { pid: r.pids.monitor, name: 'sshd' },
    sshtrace: compact({
      connection: r.connection,
      method: r.method,
      invalid_user: r.invalid_user,
      key: r.key ?? undefined,
      openssh_version: r.openssh_version ?? undefined,
      incomplete: r.incomplete,
    }),
  });
}

function sessionStart(r: SessionStartRecord, ctx: SiemContext): EcsDocument {
  return compact({
    ...base(ctx, r.start, `Session of ${r.user} ${fromText(r.source)} started`, {
      category: ['session'],
      type: ['start'],
      action: 'ssh_session_start',
      outcome: 'success',
      dataset: 'sshtrace.session',
      start: r.start,
    }),
    user: ecsUser(r.user, r.uid),
    source: source(r.source),
    related: related(r.user, r.source),
    sshtrace: { connection: r.connection },
  });
}

function sessionEnd(r: SessionRecord, end: string, ctx: SiemContext): EcsDocument {
  return compact({
    ...base(
      ctx,
      end,
      `Session of ${r.user} ${fromText(r.source)} ended (${r.end_reason}) after ${r.commands.length} command(s)`,
      {
        category: ['session'],
        type: ['end'],
        action: 'ssh_session_end',
        outcome: 'success',
        dataset: 'sshtrace.session',
        start: r.start,
        end,
        duration: spanNs(r.start, end),
        reason: r.end_reason,
      },
    ),
    user: ecsUser(r.user, r.uid),
    source: source(r.source),
    related: related(r.user, r.source),
    sshtrace: compact({
      connection: r.connection,
      method: r.method ?? undefined,
      tty: r.tty ?? undefined,
      channels: r.channels.length,
      commands: r.commands.length,
      incomplete: r.incomplete,
      incomplete_reasons: r.incomplete ? r.incomplete_reasons : undefined,
    }),
  });
}

function commandProcess(r: SessionRecord, c: CommandRecord): EcsDocument {
  const path = c.path || c.argv[0] || '';
  return compact({
    pid: c.pid,
    name: path === '' ? undefined : basename(path),
    executable: path === '' ? undefined : path,
    args: [...c.argv],
    args_count: c.argv.length,
    command_line: c.argv.join(' '),
    start: c.start,
    end: c.end ?? undefined,
    exit_code: c.exit_code ?? undefined,
    parent: { pid: c.ppid },
    interactive: (c.tty ?? r.tty) !== null,
    user: ecsUser(r.user, r.uid),
  });
}

function command(r: SessionRecord, c: CommandRecord, ctx: SiemContext): EcsDocument {
  const ended = c.end !== null;
  return compact({
    ...base(
      ctx,
      c.start,
      `${r.user} ran ${c.argv.join(' ')}`,
      compact({
        category: ['process'],
        type: [ended ? 'end' : 'start'],
        action: 'exec',
        dataset: 'sshtrace.command',
        start: c.start,
        end: c.end ?? undefined,
        duration: c.end === null ? undefined : spanNs(c.start, c.end),
      }),
    ),
    process: commandProcess(r, c),
    user: ecsUser(r.user, r.uid),
    source: source(r.source),
    related: related(r.user, r.source),
    sshtrace: compact({
      connection: r.connection,
      channel: c.channel ?? undefined,
      tty: c.tty ?? r.tty ?? undefined,
      signal: c.signal ?? undefined,
      replaced_by_exec: c.replaced_by_exec,
      from_snapshot: c.from_snapshot,
    }),
  });
}

function connection(r: ConnectionRecord, ctx: SiemContext): EcsDocument {
  const as = r.user === null ? '' : ` as ${r.invalid_user ? 'invalid user ' : ''}${r.user}`;
  return compact({
    ...base(
      ctx,
      r.start,
      `Connection ${fromText(r.source)}${as} never logged in: ${r.end_reason}`,
      compact({
        category: ['network'],
        type: ['connection', 'end'],
        action: 'ssh_connection_closed',
        outcome: 'failure',
        dataset: 'sshtrace.connection',
        start: r.start,
        end: r.end ?? undefined,
        duration: r.end === null ? undefined : spanNs(r.start, r.end),
        reason: r.end_reason,
      }),
    ),
    user: ecsUser(r.user, null),
    source: source(r.source),
    related: related(r.user, r.source),
    process: r.pids.monitor === null ? undefined : { pid: r.pids.monitor, name: 'sshd' },
    sshtrace: compact({
      connection: r.connection,
      attempts: r.attempts,
      invalid_user: r.invalid_user,
      incomplete: r.incomplete,
      incomplete_reasons: r.incomplete ? r.incomplete_reasons : undefined,
    }),
  });
}

function anomaly(r: AnomalyRecord, ctx: SiemContext): EcsDocument {
  // An anomaly without a time of its own (none in practice) is stamped with the epoch rather than dropped.
  return compact({
    ...base(ctx, r.time ?? new Date(0).toISOString(), `${r.what}: ${r.detail}`, {
      category: ['host'],
      type: ['info'],
      action: 'sshtrace_anomaly',
      dataset: 'sshtrace.anomaly',
    }),
    process: r.pid === null ? undefined : { pid: r.pid },
    sshtrace: compact({ anomaly: r.what, connection: r.connection ?? undefined }),
  });
}
