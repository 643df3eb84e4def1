// Authentication as the monitor protocol shows it (auth2.c, auth2-pubkey.c, auth2-chall.c, auth-pam.c,
// monitor.c in 9.2p1), with Debian's UsePAM yes: the "none" probe, password, publickey (query first), PAM
// keyboard-interactive through the PAM "thread" process, the PAM account check, and the post-auth child.
import type { KernelSim } from './kernel';
import {
  MON,
  AUDIT,
  PAM_MSG,
  ansAuthPassword,
  ansKeyAllowed,
  ansKeyVerify,
  ansPamQuery,
  ansPwnam,
  cstringBody,
  empty,
  filler,
  keyAllowed,
  pamRespond,
  u32Body,
  Buf,
} from './messages';
import { exitMonitor, monitorVisitsUser, preauthExitCode, proctitle, type SshdConn } from './sshd-connect';
import { account, pwnamFormat } from './world';

/** The first userauth request ("none"): PWNAM, AUDIT_EVENT for an unknown user, PAM_START, AUTHSERV. */
export function noneProbe(sim: KernelSim, c: SshdConn, userName: string): void {
  const child = c.preauth!;
  c.userName = userName;
  c.user = account(userName);
  sim.message(child, c.childIno, MON.PWNAM, cstringBody(userName));
  sim.message(
    c.monitor,
    c.monitorIno,
    MON.ANS_PWNAM,
    ansPwnam(c.user, pwnamFormat(c.release), c.release.pwnamOptionsLen),
  );
  proctitle(sim, c.monitor, `${c.user === null ? 'unknown' : userName} [priv]`);
  if (c.user === null) sim.message(child, c.childIno, MON.AUDIT_EVENT, u32Body(AUDIT.INVALID_USER));
  if (c.setup.usePam) sim.message(child, c.childIno, MON.PAM_START, empty());
  sim.message(child, c.childIno, MON.AUTHSERV, new Buf().string('ssh-connection').string('').bytes());
  proctitle(sim, child, `${c.user === null ? 'unknown' : userName} [net]`);
}

/** Linux-PAM 1.7's pam_unix execs unix_chkpwd from the process running PAM (exit 7: wrong password). */
function unixChkpwd(sim: KernelSim, c: SshdConn, parent: number, mode: 'nonull' | 'chkexpiry', ok: boolean): void {
  if (!c.release.generation.debianPam.execsUnixChkpwd || !c.setup.usePam || c.user === null) return;
  const helper = sim.fork(parent);
  sim.holdPeer(helper, null); // pam_unix's helper child closes every other descriptor
  sim.exec(helper, '/usr/sbin/unix_chkpwd', ['/usr/sbin/unix_chkpwd', c.user.name, mode]);
  const end = { code: ok ? 0 : 7 };
  sim.exit(helper, end, 'parent');
  sim.wait(parent, helper, end, helper);
}

/** Returns when the attempt was decided: the monitor's ANS_AUTHPASSWORD. */
export function passwordAttempt(sim: KernelSim, c: SshdConn, ok: boolean): number {
  sim.message(c.preauth!, c.childIno, MON.AUTHPASSWORD, cstringBody('not-a-real-password-xx'));
  unixChkpwd(sim, c, c.monitor, 'nonull', ok);
  const decided = sim.message(c.monitor, c.monitorIno, MON.ANS_AUTHPASSWORD, ansAuthPassword(ok));
  c.attempted = true;
  if (!ok) c.failures += 1;
  return decided;
}

export type PublickeyVariant =
  | 'refused' // query refused: a failed attempt, logged by the monitor at once
  | 'refused-signed' // signed request without a query, refused
  | 'query-only' // query allowed, then the client gives up on that key: no attempt
  | 'bad-signature' // query allowed, signature does not verify
  | 'accepted' // query allowed, signed request allowed and verified
  | 'accepted-unqueried';

/** One KEYALLOWED exchange; the monitor reads authorized_keys as the user (valid users only). Returns the time
 *  of the monitor's answer. */
function keyAllowedExchange(sim: KernelSim, c: SshdConn, blob: Uint8Array, signed: boolean, allowed: boolean): number {
  sim.message(c.preauth!, c.childIno, MON.KEYALLOWED, keyAllowed(blob, signed));
  if (c.user !== null) monitorVisitsUser(sim, c, c.user);
  return sim.message(c.monitor, c.monitorIno, MON.ANS_KEYALLOWED, ansKeyAllowed(allowed));
}

/** Returns when the attempt was decided (a refused key at ANS_KEYALLOWED, a signature at ANS_KEYVERIFY), or
 *  null when nothing was decided (a query the client never followed up). */
export function publickeyAttempt(sim: KernelSim, c: SshdConn, blob: Uint8Array, v: PublickeyVariant): number | null {
  const queried = v !== 'refused-signed' && v !== 'accepted-unqueried';
  const answered = queried ? keyAllowedExchange(sim, c, blob, false, v !== 'refused') : null;
  c.attempted = true;
  if (v === 'refused') {
    c.failures += 1;
    return answered;
  }
  if (v === 'query-only') return null;
  const refused = keyAllowedExchange(sim, c, blob, true, v !== 'refused-signed');
  if (v === 'refused-signed') {
    c.failures += 1;
    return refused;
  }
  sim.message(c.preauth!, c.childIno, MON.KEYVERIFY, filler(180));
  const verified = sim.message(c.monitor, c.monitorIno, MON.ANS_KEYVERIFY, ansKeyVerify(v !== 'bad-signature'));
  if (v === 'bad-signature') c.failures += 1;
  return verified;
}

export type KbdintVariant = 'right' | 'wrong' | 'wrong-with-message';

/**
 * PAM keyboard-interactive (auth2-chall.c + auth-pam.c): INIT_CTX forks the PAM thread; the first RESPOND
 * carries the password and answers 1 ("more"); the second QUERY learns the thread's verdict; the decision is
 * made at PAM_FREE_CTX (MON_AUTHDECIDE). Returns when the outcome was decided: the ANS_PAM_RESPOND that carries
 * PAM's verdict (0 or -1) when there is one, else ('wrong': the query failed) the PAM_FREE_CTX where sshd decides.
 */
export function kbdintAttempt(sim: KernelSim, c: SshdConn, v: KbdintVariant): number {
  const child = c.preauth!;
  const { thread, pamMonitorEnd, pamThreadEnd } = pamPrompt(sim, c);
  sim.message(child, c.childIno, MON.PAM_RESPOND, pamRespond(['not-a-real-password-xx']));
  sim.message(c.monitor, pamMonitorEnd, PAM_MSG.AUTHTOK, cstringBody('not-a-real-password-xx'));
  sim.message(c.monitor, c.monitorIno, MON.ANS_PAM_RESPOND, u32Body(1));
  unixChkpwd(sim, c, thread, 'nonull', v === 'right');
  const verdict = v === 'right' ? PAM_MSG.SUCCESS : PAM_MSG.AUTH_ERR;
  if (v === 'wrong-with-message') sim.message(thread, pamThreadEnd, 3, cstringBody('Account locked'));
  sim.message(thread, pamThreadEnd, verdict, cstringBody(v === 'right' ? 'Success' : 'Authentication failure'));
  sim.exit(thread, { code: 0 }, 'parent');
  sim.wait(c.monitor, thread, { code: 0 }, thread);
  sim.message(child, c.childIno, MON.PAM_QUERY, empty());
  let answered: number | null = null;
  if (v === 'wrong') {
    sim.message(c.monitor, c.monitorIno, MON.ANS_PAM_QUERY, ansPamQuery(0xffffffff, null));
  } else {
    sim.message(
      c.monitor,
      c.monitorIno,
      MON.ANS_PAM_QUERY,
      ansPamQuery(0, null, v === 'right' ? '' : 'Account locked\n'),
    );
    sim.message(child, c.childIno, MON.PAM_RESPOND, pamRespond([]));
    answered = sim.message(c.monitor, c.monitorIno, MON.ANS_PAM_RESPOND, u32Body(v === 'right' ? 0 : 0xffffffff));
  }
  const decide = sim.message(child, c.childIno, MON.PAM_FREE_CTX, empty());
  sim.message(c.monitor, c.monitorIno, MON.ANS_PAM_FREE_CTX, empty());
  c.attempted = true;
  if (v !== 'right') c.failures += 1;
  return answered ?? decide;
}

/** PAM_INIT_CTX forks the PAM thread, whose first message is the password prompt the client is shown. */
function pamPrompt(sim: KernelSim, c: SshdConn): { thread: number; pamMonitorEnd: number; pamThreadEnd: number } {
  const child = c.preauth!;
  const [pamMonitorEnd, pamThreadEnd] = sim.socketpair(c.monitor, [7, 8]);
  sim.message(child, c.childIno, MON.PAM_INIT_CTX, empty());
  const thread = sim.fork(c.monitor);
  sim.message(c.monitor, c.monitorIno, MON.ANS_PAM_INIT_CTX, u32Body(1));
  sim.message(child, c.childIno, MON.PAM_QUERY, empty());
  sim.message(thread, pamThreadEnd, PAM_MSG.PROMPT_ECHO_OFF, cstringBody('Password: '));
  sim.message(c.monitor, c.monitorIno, MON.ANS_PAM_QUERY, ansPamQuery(0, 'Password: '));
  return { thread, pamMonitorEnd, pamThreadEnd };
}

/** The client closes at the PAM password prompt: nothing was decided; the monitor's cleanup cancels the thread. */
export function dropAtPamPrompt(sim: KernelSim, c: SshdConn): void {
  const { thread } = pamPrompt(sim, c);
  sim.exit(c.preauth!, { code: 255 }, 'init');
  sim.exit(thread, { signal: 15 }, 'parent');
  sim.wait(c.monitor, thread, { signal: 15 }, thread);
  exitMonitor(sim, c, { code: preauthExitCode(c, 'drop') });
}

/** userauth_finish → PRIVSEP(do_pam_account()), answered before the monitor logs "Accepted" (PAM only).
 *  Returns the time of ANS_PAM_ACCOUNT (null without PAM). */
export function pamAccount(sim: KernelSim, c: SshdConn, ok = true): number | null {
  if (!c.setup.usePam) return null;
  sim.message(c.preauth!, c.childIno, MON.PAM_ACCOUNT, empty());
  unixChkpwd(sim, c, c.monitor, 'chkexpiry', ok);
  const loginmsg = ok ? '' : 'Your account has expired; please contact your system administrator.\n';
  const answered = sim.message(
    c.monitor,
    c.monitorIno,
    MON.ANS_PAM_ACCOUNT,
    new Buf()
      .u32(ok ? 1 : 0)
      .string(loginmsg)
      .bytes(),
  );
  if (!ok) c.failures += 1;
  return answered;
}

/** PermitRootLogin no: the key verifies, then auth_root_allowed() says no; the child reports ROOT_DENIED (the
 *  first sign of the refusal on the wire: returns its time). */
export function rootDenied(sim: KernelSim, c: SshdConn): number {
  const denied = sim.message(c.preauth!, c.childIno, MON.AUDIT_EVENT, u32Body(AUDIT.ROOT_DENIED));
  c.failures += 1;
  return denied;
}
