// The human-readable form of records, streamed: one line per attempt or connection, a block per session
// with its commands indented. Plain text (no colour codes), stable column widths.
import type {
  OutputRecord,
  AuthRecord,
  SessionRecord,
  ConnectionRecord,
  AnomalyRecord,
  CommandRecord,
  Endpoint,
} from '../model/records';

function when(iso: string | null): string {
  return iso === null ? '(open)'.padEnd(26) : iso.replace('T', ' ').replace('Z', '');
}

function from(src: Endpoint | null): string {
  if (src === null) return '?';
  return src.ip.includes(':') ? `[${src.ip}]:${src.port}` : `${src.ip}:${src.port}`;
}

function seconds(ms: number | null): string {
  if (ms === null) return 'running';
  return ms < 1000 ? `${ms.toFixed(1)}ms` : `${(ms / 1000).toFixed(2)}s`;
}

function outcome(c: CommandRecord): string {
  if (c.end === null) return 'running';
  if (c.replaced_by_exec) return 'exec';
  if (c.signal !== null) return `sig ${c.signal}`;
  return c.exit_code === null ? '?' : `exit ${c.exit_code}`;
}

function flags(r: { incomplete: boolean }): string {
  return r.incomplete ? '  [incomplete]' : '';
}

function auth(r: AuthRecord): string {
  const who = `${r.invalid_user ? 'invalid user ' : ''}${r.user}`;
  const key = r.key === null ? '' : ` ${r.key.type} ${r.key.fingerprint}`;
  const note = r.note === null ? '' : ` (${r.note})`;
  return (
    `${when(r.time)}  AUTH     ${r.success ? 'ACCEPTED' : 'FAILED  '} ${r.method} for ${who} ` +
    `from ${from(r.source)}${key}${note}${flags(r)}`
  );
}

function session(r: SessionRecord): string {
  const tty = r.tty === null ? 'no tty' : r.tty;
  const head =
    `${when(r.start)}  SESSION  ${r.user} from ${from(r.source)}, ${tty}, until ${when(r.end).trim()}` +
    ` (${r.end_reason})${flags(r)}`;
  const lines = r.commands.map((c) => {
    const ch = c.channel === null ? ' ' : String(c.channel);
    return (
      `    ${when(c.start).slice(11)}  ch${ch}  ${seconds(c.duration_ms).padStart(9)}  ` +
      `${outcome(c).padEnd(7)} [${c.pid}] ${c.argv.join(' ')}`
    );
  });
  const why = r.incomplete ? [`    incomplete: ${r.incomplete_reasons.join('; ')}`] : [];
  return [head, ...lines, ...why].join('\n');
}

function connection(r: ConnectionRecord): string {
  const user = r.user === null ? '' : ` as ${r.invalid_user ? 'invalid user ' : ''}${r.user}`;
  return (
    `${when(r.start)}  CONNECT  from ${from(r.source)}${user}, ${r.attempts} attempt(s), ` +
    `${r.end_reason}${flags(r)}`
  );
}

function anomaly(r: AnomalyRecord): string {
  return `${when(r.time)}  ANOMALY  ${r.what}: ${r.detail}${r.pid === null ? '' : ` (pid ${r.pid})`}`;
}

export function formatTable(r: OutputRecord): string {
  switch (r.type) {
    case 'auth':
      return auth(r);
    case 'session':
      return session(r);
    case 'connection':
      return connection(r);
    case 'anomaly':
      return anomaly(r);
    case 'session_start':
      return `${when(r.start)}  LOGIN    ${r.user} from ${from(r.source)} (session ${r.connection})`;
  }
}
