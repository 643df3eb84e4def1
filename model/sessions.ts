// The user's side of a connection: channels (one per process sshd forks for a shell/exec/subsystem
// request) and commands (every successful execve in that process tree, in order).
import type { ExecEvent, ExitEvent } from '../capture/events';
import type { Channel, Command, Conn, Proc, State } from './state';
import { putConn, putProcConn } from './update';

/** A process sshd forked to serve a channel: number it, attach the pending AUDIT_COMMAND / pty. */
export function openChannel(s: State, c: Conn, child: Proc, ts: number): State {
  const channel: Channel = {
    pid: child.pid,
    command: c.pendingCommand,
    tty: c.pendingTty,
    kind: 'unknown',
    startTs: ts,
    endTs: null,
  };
  const conn: Conn = { ...c, channels: c.channels.push(channel), pendingCommand: null, pendingTty: null };
  const proc: Proc = { ...child, role: 'session', conn: c.id, channel: c.channels.size, tty: channel.tty };
  return putProcConn(s, proc, conn);
}

function channelKind(argv: readonly string[], command: string | null): Channel['kind'] {
  if (argv[0]?.startsWith('-')) return 'shell';
  if (command !== null && /sftp-server|internal-sftp/.test(command)) return 'subsystem';
  if (argv.length >= 3 && argv[1] === '-c') return 'exec';
  return 'unknown';
}

/** An exec in the user's tree: a new command; the process's previous image (if any) was replaced. */
export function addCommand(s: State, c: Conn, p: Proc, e: ExecEvent): State {
  let commands = c.commands;
  if (p.command !== null) {
    const prev = commands.get(p.command);
    if (prev !== undefined) commands = commands.set(p.command, { ...prev, endTs: e.ts, replaced: true });
  }
  const tty = e.tty !== '' ? e.tty : p.tty;
  const cmd: Command = {
    argv: e.argv,
    path: e.filename,
    pid: e.tgid,
    ppid: e.ppid,
    startTs: e.ts,
    endTs: null,
    exitCode: null,
    signal: null,
    replaced: false,
    channel: p.channel,
    tty,
    fromSnapshot: false,
  };
  let channels = c.channels;
  const ch = p.channel === null ? undefined : channels.get(p.channel);
  if (ch !== undefined && ch.pid === p.pid && ch.kind === 'unknown') {
    channels = channels.set(p.channel!, { ...ch, kind: channelKind(e.argv, ch.command), tty: ch.tty ?? tty });
  }
  const conn: Conn = { ...c, commands: commands.push(cmd), channels, tty: c.tty ?? (tty || null) };
  return putProcConn(s, { ...p, command: commands.size, tty }, conn);
}

/** A user process ended: close its current command and, for a channel's process, the channel. */
export function closeUserProcess(s: State, c: Conn, p: Proc, e: ExitEvent): State {
  let conn = c;
  if (p.command !== null) {
    const cmd = conn.commands.get(p.command);
    if (cmd !== undefined && cmd.endTs === null) {
      conn = {
        ...conn,
        commands: conn.commands.set(p.command, {
          ...cmd,
          endTs: e.ts,
          exitCode: e.exitCode,
          signal: e.signal,
        }),
      };
    }
  }
  const ch = p.channel === null ? undefined : conn.channels.get(p.channel);
  if (ch !== undefined && ch.pid === p.pid && ch.endTs === null) {
    conn = { ...conn, channels: conn.channels.set(p.channel!, { ...ch, endTs: e.ts }) };
  }
  return conn === c ? s : putConn(s, conn);
}

/** A process found running by the /proc snapshot: its exec was not seen, so it has no start of its own. */
export function commandFromSnapshot(
  pid: number,
  ppid: number,
  argv: readonly string[],
  exe: string,
  startTs: number,
  channel: number | null,
  tty: string | null,
): Command {
  return {
    argv,
    path: exe,
    pid,
    ppid,
    startTs,
    endTs: null,
    exitCode: null,
    signal: null,
    replaced: false,
    channel,
    tty,
    fromSnapshot: true,
  };
}
