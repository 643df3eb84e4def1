// A session's commands → OCSF 1.8.0 Process Activity Launch events (one per successful execve).
import type { CommandRecord, SessionRecord } from '../model/records';
import { classified, device, metadata, ocsfUser, PROCESS_ACTIVITY, status, type OcsfEvent } from './ocsf-common';
import { basename, compact, epochMs, spanMs, type SiemContext } from './siem-context';

export function commandEvents(s: SessionRecord, ctx: SiemContext): OcsfEvent[] {
  return s.commands.map((c) => launch(s, c, ctx));
}

function outcome(c: CommandRecord): string {
  if (c.end === null) return 'still running';
  if (c.replaced_by_exec) return 'replaced by exec';
  if (c.signal !== null) return `killed by signal ${c.signal}`;
  return c.exit_code === null ? 'ended' : `exit ${c.exit_code}`;
}

function sessionOf(s: SessionRecord, c: CommandRecord): OcsfEvent {
  return compact({
    uid: s.connection,
    created_time: epochMs(s.start),
    terminal: c.tty ?? s.tty ?? undefined,
    is_remote: true,
  });
}

function processOf(s: SessionRecord, c: CommandRecord): OcsfEvent {
  const path = c.path || c.argv[0] || '';
  return compact({
    pid: c.pid,
    name: path === '' ? undefined : basename(path),
    cmd_line: c.argv.join(' '),
    // type_id 1 Regular File: the image execve loaded.
    file: path === '' ? undefined : { name: basename(path), path, type_id: 1, type: 'Regular File' },
    created_time: epochMs(c.start),
    terminated_time: c.end === null ? undefined : epochMs(c.end),
    parent_process: { pid: c.ppid },
    user: ocsfUser(s.user, s.uid),
    session: sessionOf(s, c),
  });
}

function launch(s: SessionRecord, c: CommandRecord, ctx: SiemContext): OcsfEvent {
  return compact({
    ...classified(PROCESS_ACTIVITY, 1, 'Launch'),
    // Only execve calls that succeeded become commands, so every Launch succeeded.
    ...status(true),
    launch_type_id: 3,
    launch_type: 'Exec',
    time: epochMs(c.start),
    start_time: epochMs(c.start),
    end_time: c.end === null ? undefined : epochMs(c.end),
    duration: c.end === null ? undefined : spanMs(c.start, c.end),
    exit_code: c.exit_code ?? undefined,
    message: `${s.user} ran ${c.argv.join(' ')} (${outcome(c)})`,
    metadata: metadata(ctx, s.connection),
    actor: { user: ocsfUser(s.user, s.uid), session: sessionOf(s, c), process: { pid: c.ppid } },
    device: device(ctx),
    process: processOf(s, c),
    unmapped: {
      sshtrace: compact({
        connection: s.connection,
        channel: c.channel ?? undefined,
        signal: c.signal ?? undefined,
        replaced_by_exec: c.replaced_by_exec,
        from_snapshot: c.from_snapshot,
      }),
    },
  });
}
