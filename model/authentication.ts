// Authentication attempts, decided from the monitor protocol's answers (auth2*.c, monitor.c):
// ANS_AUTHPASSWORD, ANS_KEYALLOWED (a refused key is a failed attempt), ANS_KEYVERIFY, ANS_PAM_RESPOND, then
// the PAM account check (ANS_PAM_ACCOUNT) when PAM is in use. The client's "none" probe never reaches the
// monitor, so it is never reported.
import type { MonitorMessageEvent } from '../capture/events';
import type { Conn, Pending, State } from './state';
import {
  Msg,
  KNOWN_TYPES,
  parseAnsPwnam,
  parseKeyAllowed,
  parsePwnam,
  parseU32,
  parseAnsPty,
  parseCstring,
  ttyName,
} from './monitor-messages';
import { putConn, hold, markIncomplete } from './update';

const AUDIT_ROOT_DENIED = 1; // ssh_audit_event_t SSH_LOGIN_ROOT_DENIED
import { anomaly, authRecord, sessionStartRecord } from './emit';

export function onMonitorMessage(s: State, e: MonitorMessageEvent): State {
  const writer = s.procs.get(e.tgid);
  const c = writer?.conn == null ? undefined : s.conns.get(writer.conn);
  if (writer === undefined || c === undefined) return s;
  if (writer.role !== 'preauth' && writer.role !== 'monitor' && writer.role !== 'postauth') return s;
  if (!KNOWN_TYPES.has(e.msgType)) {
    return hold(s, anomaly(s, e.ts, 'unknown monitor message', `type ${e.msgType} (len ${e.len})`, e.tgid, c.id));
  }
  return writer.role === 'monitor' ? fromMonitor(s, c, e) : fromChild(s, c, e);
}

/** Requests: the pre-auth child asks, the post-auth child reports session events. */
function fromChild(s: State, c: Conn, e: MonitorMessageEvent): State {
  switch (e.msgType) {
    case Msg.PWNAM:
      return putConn(s, { ...c, user: parsePwnam(e.body) ?? c.user });
    case Msg.PAM_START:
      return putConn(s, { ...c, pam: true });
    case Msg.AUTHPASSWORD:
      return startAttempt(s, c, { method: 'password', key: null, stage: 'answer', signed: null, ts: e.ts });
    case Msg.KEYALLOWED: {
      const req = parseKeyAllowed(e.body);
      const method = req?.keyType === 'host' ? 'hostbased' : 'publickey';
      const signed = req?.withSignature ?? null;
      return startAttempt(s, c, { method, key: req?.key ?? null, stage: 'answer', signed, ts: e.ts });
    }
    case Msg.PAM_INIT_CTX:
      return startAttempt(s, c, { method: 'keyboard-interactive', key: null, stage: 'kbdint', signed: null, ts: e.ts });
    case Msg.KEYEXPORT:
      return resolveSuccess(s, c, e.ts, 'key state exported');
    case Msg.PAM_FREE_CTX: // where the monitor decides keyboard-interactive (MON_AUTHDECIDE)
      return c.pending?.stage === 'kbdint' ? fail(s, c, e.ts, c.pending, null) : s;
    case Msg.AUDIT_EVENT:
      return parseU32(e.body) === AUDIT_ROOT_DENIED && c.pending !== null
        ? fail(s, c, e.ts, c.pending, 'root login refused by PermitRootLogin')
        : s;
    case Msg.AUDIT_COMMAND:
      return putConn(s, { ...c, pendingCommand: parseCstring(e.body) });
    case Msg.TERM:
      return putConn(s, { ...c, termSeen: true });
    default:
      return s;
  }
}

/** Answers from the monitor decide attempts; ANS_PTY announces a channel's tty. */
function fromMonitor(s: State, c: Conn, e: MonitorMessageEvent): State {
  switch (e.msgType) {
    case Msg.ANS_PWNAM: {
      const ans = parseAnsPwnam(e.body);
      return ans === null ? s : putConn(s, { ...c, invalidUser: !ans.valid, uid: ans.uid ?? c.uid });
    }
    case Msg.ANS_AUTHPASSWORD:
      return decide(s, c, e, 'password', (parseU32(e.body) ?? 0) !== 0);
    case Msg.ANS_KEYALLOWED:
      return onKeyAllowed(s, c, e);
    case Msg.ANS_KEYVERIFY:
      return c.pending?.stage === 'keyverify' ? decide(s, c, e, 'publickey', parseU32(e.body) === 0) : s;
    case Msg.ANS_PAM_RESPOND: {
      const ret = parseU32(e.body); // 0: authenticated, 1: more prompts, -1: failed
      if (c.pending?.stage !== 'kbdint' || ret === null || ret === 1) return s;
      return decide(s, c, e, 'keyboard-interactive', ret === 0);
    }
    case Msg.ANS_PAM_ACCOUNT: {
      if (c.pending?.stage !== 'account') return s;
      const ok = (parseU32(e.body) ?? 0) !== 0;
      return ok ? s : fail(s, c, e.ts, c.pending, 'refused by the PAM account check');
    }
    case Msg.ANS_PTY: {
      const ans = parseAnsPty(e.body);
      const tty = ans?.ok && ans.tty !== null ? ttyName(ans.tty) : null;
      return tty === null ? s : putConn(s, { ...c, pendingTty: tty, tty: c.tty ?? tty });
    }
    default:
      return s;
  }
}

/** A new request supersedes an attempt whose accepted answer was never followed by a login. */
function startAttempt(s: State, c: Conn, p: Pending): State {
  if (c.pending?.stage === 'account') {
    s = fail(s, c, p.ts, c.pending, 'accepted, but no login followed (partial success or root login denied)');
    c = s.conns.get(c.id)!;
  }
  return putConn(s, { ...c, pending: p });
}

function onKeyAllowed(s: State, c: Conn, e: MonitorMessageEvent): State {
  const pending = c.pending;
  if (pending === null || pending.stage !== 'answer') return s;
  const allowed = (parseU32(e.body) ?? 0) !== 0;
  if (!allowed) return fail(s, c, e.ts, pending, null);
  if (pending.signed === false) return putConn(s, { ...c, pending: null }); // a query: the client signs next
  return putConn(s, { ...c, pending: { ...pending, stage: 'keyverify' } });
}

/** An answer decided the attempt: a failure is final, a success may still wait for PAM's account check. */
/** An answer decided the attempt: a failure is final; a success waits for the login itself (KEYEXPORT,
 *  the pre-auth child's exit 0, the post-auth child), because the monitor may still refuse it afterwards
 *  (PermitRootLogin, the PAM account check, partial success). */
function decide(s: State, c: Conn, e: MonitorMessageEvent, method: string, ok: boolean): State {
  const pending: Pending = c.pending ?? { method, key: null, stage: 'answer', signed: null, ts: e.ts };
  if (!ok) return fail(s, c, e.ts, pending, null);
  return putConn(s, { ...c, pending: { ...pending, stage: 'account', ts: e.ts } });
}

/** The connection ended with an attempt accepted by its check but never followed by a login. */
export function abandonPending(s: State, c: Conn, ts: number): State {
  if (c.pending === null || c.authenticated) return s;
  // A request the client walked away from (a prompt left unanswered) was never decided: no attempt.
  if (c.pending.stage !== 'account') return putConn(s, { ...c, pending: null });
  return fail(s, c, ts, c.pending, 'accepted by its check, but no login followed (refused afterwards)');
}

function fail(s: State, c: Conn, ts: number, p: Pending, note: string | null): State {
  const next: Conn = { ...c, pending: null, attempts: c.attempts + 1 };
  return hold(putConn(s, next), authRecord(s, next, ts, false, p.method, p.key, note));
}

/** The login happened: emit the successful attempt and the session's start. */
export function resolveSuccess(s: State, c: Conn, ts: number, note: string | null): State {
  if (c.authenticated) return s;
  const p = c.pending?.stage === 'account' ? c.pending : null;
  const method = p?.method ?? 'unknown';
  let next: Conn = { ...c, pending: null, attempts: c.attempts + 1, authenticated: true, authTs: p?.ts ?? ts, method };
  if (p === null) next = markIncomplete(next, 'the authentication decision was not captured');
  const decidedAt = p?.ts ?? ts;
  const auth = authRecord(s, next, decidedAt, true, method, p?.key ?? null, p === null ? note : null);
  return hold(putConn(s, next), auth, sessionStartRecord(s, next, decidedAt));
}
