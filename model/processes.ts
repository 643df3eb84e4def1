// The process tree: who forks and execs whom, and what role each process plays for sshd, learned from
// lineage and behaviour (accept, fork order, chroot, setuid, setsid, exec), never from proctitles.
import type { ForkEvent, ExecEvent, CredEvent, SetsidEvent } from '../capture/events';
import type { Conn, Proc, State } from './state';
import { generationOnMonitorExec, generationOnPreauthExec } from './generation';
import { putConn, putProc, putProcConn, hold, newConn, newProc, markIncomplete } from './update';
import { addCommand, openChannel } from './sessions';
import { resolveSuccess } from './authentication';
import { anomaly } from './emit';
import { isoTime } from './time';

export function connId(s: State, monitor: number, ts: number): string {
  return `${monitor}@${isoTime(s, ts)}`;
}

export function onFork(s: State, e: ForkEvent): State {
  if (e.thread) return s;
  let parent = s.procs.get(e.tgid);
  if (s.procs.has(e.childTgid)) {
    s = hold(
      s,
      anomaly(
        s,
        e.ts,
        'pid reused',
        `pid ${e.childTgid} forked again before its exit was seen`,
        e.childTgid,
        s.procs.get(e.childTgid)!.conn,
      ),
    );
  }
  if (parent === undefined) parent = newProc(e.tgid, 0, e.ts, { creds: e.creds });
  const child = newProc(e.childTgid, e.tgid, e.ts, {
    creds: e.creds,
    image: parent.image,
    argv: parent.argv,
    tty: parent.tty,
  });
  return forkByRole(s, parent, child, e.ts);
}

function forkByRole(s: State, parent: Proc, child: Proc, ts: number): State {
  const conn = parent.conn === null ? undefined : s.conns.get(parent.conn);
  switch (parent.role) {
    case 'listener':
      return newConnection(s, parent, child, ts);
    case 'monitor':
      return conn === undefined ? putProc(s, child) : monitorChild(s, conn, child, ts);
    case 'postauth':
      return conn === undefined ? putProc(s, child) : openChannel(s, conn, child, ts);
    case 'undecided':
      return conn === undefined ? putProc(s, child) : undecidedForks(s, conn, parent, child, ts);
    case 'session':
      return putProc(s, { ...child, role: 'session', conn: parent.conn, channel: parent.channel, command: null });
    case 'preauth':
    case 'helper':
      return putProc(s, { ...child, role: 'helper', conn: parent.conn });
    case 'sshd':
    case 'other':
      return putProc(s, { ...child, role: 'other', conn: parent.conn });
  }
}

/** The listener forks the per-connection process: it hands over the peer it accepted last. */
function newConnection(s: State, listener: Proc, child: Proc, ts: number): State {
  const source = s.accepted.get(listener.pid)?.peer ?? null;
  const id = connId(s, child.pid, ts);
  const conn: Conn = { ...newConn(id, child.pid, ts), listener: listener.pid, source };
  s = { ...s, accepted: s.accepted.delete(listener.pid) };
  return putProcConn(s, { ...child, role: 'monitor', conn: id }, conn);
}

/** Before authentication the first child is the pre-auth child; later ones are helpers (PAM thread,
 *  AuthorizedKeysCommand). After it, a child is undecided until it execs (helper) or changes uid (post-auth). */
function monitorChild(s: State, c: Conn, child: Proc, ts: number): State {
  if (!c.authenticated) {
    if (c.preauth === null) {
      return putProcConn(s, { ...child, role: 'preauth', conn: c.id }, { ...c, preauth: child.pid });
    }
    return putProc(s, { ...child, role: 'helper', conn: c.id });
  }
  return putProc(s, { ...child, role: 'undecided', conn: c.id, startTs: ts });
}

/** An undecided child that forks without having exec'd is the post-auth child serving channels. */
function undecidedForks(s: State, c: Conn, parent: Proc, child: Proc, ts: number): State {
  s = becomePostauth(s, c, parent, ts);
  return openChannel(s, s.conns.get(c.id)!, child, ts);
}

function becomePostauth(s: State, c: Conn, p: Proc, ts: number): State {
  if (p.role === 'postauth') return s;
  let conn: Conn = { ...c, postauth: p.pid };
  if (conn.uid === null && p.creds !== null && p.creds.uid !== 0) conn = { ...conn, uid: p.creds.uid };
  s = putProcConn(s, { ...p, role: 'postauth' }, conn);
  return conn.authenticated ? s : resolveSuccess(s, conn, ts, 'post-auth child started');
}

export function onExec(s: State, e: ExecEvent): State {
  const known = s.procs.get(e.tgid);
  const p: Proc = known ?? newProc(e.tgid, e.ppid, e.ts);
  const next: Proc = { ...p, image: e.filename, argv: e.argv, creds: e.creds, tty: e.tty !== '' ? e.tty : p.tty };
  if (e.familyRoot && !e.wasTracked) {
    return putProc(s, { ...next, role: 'sshd', conn: null, channel: null, command: null });
  }
  const conn = p.conn === null ? undefined : s.conns.get(p.conn);
  if (conn !== undefined) return execByRole(s, conn, next, e);
  const parent = s.procs.get(p.ppid);
  if (e.familyRoot && p.role === 'other' && parent?.role === 'sshd') return acceptUnseen(s, parent, next, e);
  return putProc(s, next);
}

/** A family root that never accepted in the capture forks a child that execs sshd (-R, sshd-session): the
 *  first accept fell while no recorder ran (a restart), and this child is the connection it handed over. */
function acceptUnseen(s: State, sshd: Proc, child: Proc, e: ExecEvent): State {
  const listener: Proc = { ...sshd, role: 'listener' };
  s = newConnection(putProc(s, listener), listener, child, child.startTs);
  const id = s.procs.get(child.pid)!.conn!;
  s = putConn(s, markIncomplete(s.conns.get(id)!, "the listener's accept was not captured"));
  return execByRole(s, s.conns.get(id)!, s.procs.get(child.pid)!, e);
}

function execByRole(s: State, c: Conn, p: Proc, e: ExecEvent): State {
  switch (p.role) {
    case 'monitor': {
      const listenerImage = c.listener === null ? null : (s.procs.get(c.listener)?.image ?? null);
      const generation = generationOnMonitorExec(e.filename, e.argv, listenerImage);
      const version = s.opensshVersions.get(e.filename) ?? c.opensshVersion;
      return putProcConn(s, p, { ...c, generation, opensshVersion: version });
    }
    case 'preauth':
      return putProcConn(s, p, { ...c, generation: generationOnPreauthExec() });
    case 'undecided': // a root channel up to 9.7 calls setsid first (onSetsid), so an exec here is a helper
      return putProc(s, { ...p, role: 'helper' });
    case 'session':
      return addCommand(s, c, p, e);
    case 'postauth':
      return putProcConn(s, p, markIncomplete(c, "the post-auth child exec'd (unexpected)"));
    case 'listener':
    case 'sshd':
    case 'helper':
    case 'other':
      return putProc(s, p);
  }
}

/** Only a monitor child whose role is still open learns something from a uid change (it is the post-auth
 *  child); sshd's other uid switches (the sandbox, EPERM probes, temporarily_use_uid) change nothing. */
export function onCred(s: State, e: CredEvent): State {
  const p = s.procs.get(e.tgid);
  if (p !== undefined && p.role === 'postauth' && e.ret === 0) return postauthUid(s, p, e);
  if (p === undefined || p.role !== 'undecided' || e.ret !== 0) return s;
  const c = p.conn === null ? undefined : s.conns.get(p.conn);
  const updated: Proc = { ...p, creds: e.creds };
  return c === undefined ? putProc(s, updated) : becomePostauth(putProc(s, updated), c, updated, e.ts);
}

/** The post-auth child's setgid made it post-auth; its later setresuid names the user. That matters when the
 *  capture missed PWNAM (it started mid-login): the uid, and the name the capture header gives it, are all there is. */
function postauthUid(s: State, p: Proc, e: CredEvent): State {
  const c = p.conn === null ? undefined : s.conns.get(p.conn);
  const uid = e.creds.uid;
  if (c === undefined || c.postauth !== p.pid || c.uid !== null || uid === 0) return s;
  return putProcConn(
    s,
    { ...p, creds: e.creds },
    { ...c, uid, user: c.user || (s.userNames.get(uid) ?? `uid ${uid}`) },
  );
}

/** sshd's channel processes call setsid; for a root login up to 9.7 (no post-auth child: the monitor forks
 *  the channels) that is how a channel shows itself. Any other setsid changes nothing the model follows. */
export function onSetsid(s: State, e: SetsidEvent): State {
  const p = s.procs.get(e.tgid);
  if (p === undefined || e.ret < 0 || p.role !== 'undecided') return s;
  const c = p.conn === null ? undefined : s.conns.get(p.conn);
  return c !== undefined && c.uid === 0 && c.postauth === null ? openChannel(s, c, p, e.ts) : s;
}
