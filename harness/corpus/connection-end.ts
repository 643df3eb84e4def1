// How a scenario's connection ended, as its ground truth knows it, in the words of the records' end_reason.
// The truth knows who closed the connection and after what: the server at LoginGraceTime when it says
// `server_closed`; otherwise the scenario's own client (ssh, sftp, scp exited, or the raw socket closed)
// after a login, after failed attempts, or before any attempt. Nothing here is taken from a replay.
import type { ExpectedConnection } from '../scenarios/ground-truth';

export interface ExpectedEnd {
  /** What the truth says, for a diff line. */
  readonly describe: string;
  readonly matches: (endReason: string) => boolean;
}

type Truth = Pick<ExpectedConnection, 'attempts' | 'server_closed'>;

export function expectedEnd(conn: Truth): ExpectedEnd {
  if (conn.server_closed === 'login_grace_time') {
    return { describe: 'closed by the server at LoginGraceTime (a "grace" reason)', matches: (r) => /grace/i.test(r) };
  }
  const exactly = (reason: string, why: string): ExpectedEnd => ({
    describe: `${JSON.stringify(reason)} (${why})`,
    matches: (r) => r === reason,
  });
  if (conn.attempts.some((a) => a.success)) return exactly('client disconnected', 'the client ended its session');
  if (conn.attempts.length > 0) return exactly('authentication failed', 'the client gave up after failed attempts');
  return exactly('connection closed before authentication completed', 'the client closed before any attempt');
}
