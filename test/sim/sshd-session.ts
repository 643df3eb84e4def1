// After authentication (sshd.c main "authenticated:", privsep_postauth, session.c do_exec_pty/do_exec_no_pty/
// do_child, serverloop.c, monitor.c mm_answer_pty/mm_answer_term): the login, channels, the user's programs, and
// the end of the connection. Every exec in the user's tree is reported to `ExecLog`, the oracle's ground truth.
import { type KernelSim, basename, type ProcessEnd } from './kernel';
import { MON, AUDIT, ansPty, cstringBody, empty, filler, u32Body } from './messages';
import { exitMonitor, monitorVisitsUser, proctitle, type SshdConn } from './sshd-connect';
import type { Account } from './world';

/** What the simulated kernel did in the user's tree: each exec, and how each program image ended. */
export interface ExecLog {
  /** `pid` exec'd `path` at boot-clock `ts`, its parent being `ppid`. */
  exec(pid: number, path: string, argv: readonly string[], ppid: number, ts: number): void;
  ended(pid: number, end: ProcessEnd, ts: number): void;
}

/** A program in a command tree: it runs `children` one after another, then execs `then` or ends. */
export interface Program {
  readonly path: string;
  readonly argv: readonly string[];
  readonly exec: boolean; // false: a subshell, a fork that never execs
  readonly children: readonly Program[];
  readonly execs: Program | null; // `exec` builtin / bash's last-command exec in the same pid
  readonly end: ProcessEnd;
}

export type ChannelKind = 'shell-pty' | 'shell' | 'exec' | 'exec-pty' | 'sftp' | 'internal-sftp';

export interface SimChannel {
  readonly pid: number;
  readonly kind: ChannelKind;
  readonly pts: number | null;
}

const MOTD =
  '/usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin run-parts --lsbsysinit /etc/update-motd.d > /run/motd.dynamic.new';

/** KEYEXPORT, the pre-auth child's exit 0, PAM session (pam_motd), then the post-auth child drops to the user. */
export function loginSucceeded(sim: KernelSim, c: SshdConn): void {
  const user = c.user!;
  sim.message(c.preauth!, c.childIno, MON.KEYEXPORT, filler(1500));
  sim.exit(c.preauth!, { code: 0 }, 'parent');
  sim.wait(c.monitor, c.preauth!, { code: 0 }, c.preauth!);
  c.authenticated = true;
  if (c.setup.usePam && c.setup.motd) runMotd(sim, c);
  for (let i = 0; i < 3; i++) {
    sim.setgroups(c.monitor, user.groups);
    sim.setgroups(c.monitor, []);
  }
  if (user.uid === 0 && !c.release.generation.rootPostauthChild) {
    // the monitor serves root's session itself
    proctitle(sim, c.monitor, `${user.name}@notty`);
    return;
  }
  [c.monitorIno, c.childIno] = sim.socketpair(c.monitor);
  const child = sim.fork(c.monitor);
  c.postauth = child;
  setUserContext(sim, child, user);
  proctitle(sim, child, `${user.name}@notty`);
}

/** do_setusercontext: setgid, initgroups, permanently_set_uid (+ its EPERM restoration tests when not root). */
function setUserContext(sim: KernelSim, pid: number, user: Account): void {
  sim.cred(pid, 'setgid', [user.gid]);
  sim.setgroups(pid, user.groups);
  sim.cred(pid, 'setresgid', [user.gid, user.gid, user.gid]);
  sim.cred(pid, 'setresuid', [user.uid, user.uid, user.uid]);
  if (user.uid !== 0) {
    sim.cred(pid, 'setuid', [0], -1);
    sim.cred(pid, 'setresuid', [-1, 0, -1], -1);
  }
}

/** pam_motd: sh -c "env -i … run-parts …" → env → run-parts, which runs 10-uname → uname. All root helpers. */
function runMotd(sim: KernelSim, c: SshdConn): void {
  const sh = sim.fork(c.monitor);
  sim.holdPeer(sh, null); // the socket is close-on-exec
  const dashDash = c.release.generation.debianPam.motdArgvHasDashDash ? ['--'] : [];
  sim.exec(sh, '/bin/sh', ['sh', '-c', ...dashDash, MOTD]);
  sim.exec(sh, '/usr/bin/env', [
    '/usr/bin/env',
    '-i',
    'PATH=/usr/local/bin:/usr/bin:/bin',
    'run-parts',
    '--lsbsysinit',
    '/etc/update-motd.d',
  ]);
  sim.exec(sh, '/bin/run-parts', ['run-parts', '--lsbsysinit', '/etc/update-motd.d']);
  const part = sim.fork(sh);
  sim.exec(part, '/etc/update-motd.d/10-uname', ['/bin/sh', '/etc/update-motd.d/10-uname']);
  const uname = sim.fork(part);
  sim.exec(uname, '/usr/bin/uname', ['uname', '-snrvm']);
  for (const [parent, child] of [
    [part, uname],
    [sh, part],
    [c.monitor, sh],
  ] as const) {
    sim.exit(child, { code: 0 }, 'parent');
    sim.wait(parent, child, { code: 0 }, child);
  }
}

/** The process that serves channels: the post-auth child, or (root up to 9.7) the monitor itself. */
function server(c: SshdConn): number {
  return c.postauth ?? c.monitor;
}

/** A session channel: [pty-req → PTY], [AUDIT_COMMAND], fork, setsid, [TIOCSCTTY], do_child's exec. */
export function openChannel(
  sim: KernelSim,
  c: SshdConn,
  kind: ChannelKind,
  command: string | null,
  log: ExecLog,
): SimChannel {
  const user = c.user!;
  const pty = kind === 'shell-pty' || kind === 'exec-pty';
  const pts = pty ? sim.allocPty() : null;
  const privsep = c.postauth !== null;
  if (pts !== null && privsep) {
    sim.message(c.postauth!, c.childIno, MON.PTY, empty());
    sim.message(c.monitor, c.monitorIno, MON.ANS_PTY, ansPty(`/dev/pts/${pts}`, ''));
    sim.fdpass(c.monitor, c.monitorIno);
    sim.fdpass(c.monitor, c.monitorIno);
  }
  const audited = command ?? (pty ? null : user.shell);
  if (privsep && audited !== null) sim.message(c.postauth!, c.childIno, MON.AUDIT_COMMAND, cstringBody(audited));
  if (pts !== null) proctitle(sim, server(c), `${user.name}@pts/${pts}`); // session_tty_list(), simplified
  const pid = sim.fork(server(c));
  sim.holdPeer(pid, null); // do_child closes the connection's descriptors
  sim.setsid(pid);
  if (pts !== null) sim.setControllingTty(pid, `pts/${pts}`);
  if (kind === 'internal-sftp') proctitle(sim, pid, `${user.name}@internal-sftp-server`);
  if (user.uid === 0) setUserContext(sim, pid, user); // do_child: euid 0 runs do_setusercontext again
  if (kind !== 'internal-sftp') {
    const shell0 = basename(user.shell);
    const argv = command === null ? [`-${shell0}`] : [shell0, '-c', command];
    log.exec(pid, user.shell, argv, sim.proc(pid).ppid, sim.exec(pid, user.shell, argv));
  }
  if (kind === 'sftp') {
    // a single simple command: the shell execs it in place
    log.exec(pid, command!, [command!], sim.proc(pid).ppid, sim.exec(pid, command!, [command!]));
  }
  return { pid, kind, pts };
}

/** A program forked by `parent` (a shell or any user process), run to its end and reaped. */
export function runProgram(sim: KernelSim, parent: number, p: Program, log: ExecLog): void {
  const pid = sim.fork(parent);
  const end = runImage(sim, pid, p, log);
  sim.wait(parent, pid, end, pid);
}

/** Runs one image in `pid` (exec'ing it unless it is a subshell), its children, then its successor or end. */
export function runImage(sim: KernelSim, pid: number, p: Program, log: ExecLog): ProcessEnd {
  if (p.exec) log.exec(pid, p.path, p.argv, sim.proc(pid).ppid, sim.exec(pid, p.path, p.argv));
  for (const child of p.children) runProgram(sim, pid, child, log);
  if (p.execs !== null) return runImage(sim, pid, p.execs, log);
  log.ended(pid, p.end, sim.exit(pid, p.end, 'parent'));
  return p.end;
}

/** The channel's process ends (after exec'ing `last` in place, if given); sshd reaps it and frees the pty. */
export function closeChannel(
  sim: KernelSim,
  c: SshdConn,
  ch: SimChannel,
  last: Program | null,
  end: ProcessEnd,
  log: ExecLog,
): void {
  let final = end;
  if (last !== null) final = runImage(sim, ch.pid, last, log);
  else log.ended(ch.pid, end, sim.exit(ch.pid, end, 'parent'));
  sim.wait(server(c), ch.pid, final);
  if (ch.pts !== null) {
    if (c.postauth !== null) sim.message(c.postauth, c.childIno, MON.PTYCLEANUP, cstringBody(`/dev/pts/${ch.pts}`));
    sim.freePty(ch.pts);
  }
}

/**
 * disconnect: SSH_MSG_DISCONNECT; the post-auth child exits 255 without TERM, the monitor reaps it, runs its
 * PAM/GSSAPI cleanup (uid switches) and exits 255. term: TCP EOF; the child sends AUDIT_EVENT
 * CONNECTION_CLOSE and TERM, exits 0, and the monitor exits with the child's status.
 */
export function endSession(sim: KernelSim, c: SshdConn, how: 'disconnect' | 'term'): void {
  const child = c.postauth;
  if (how === 'term') {
    if (child !== null) {
      sim.message(child, c.childIno, MON.AUDIT_EVENT, u32Body(AUDIT.CONNECTION_CLOSE));
      sim.message(child, c.childIno, MON.TERM, empty());
      sim.exit(child, { code: 0 }, 'parent');
      sim.wait(c.monitor, child, { code: 0 }, child);
    }
    exitMonitor(sim, c, { code: 0 });
    return;
  }
  if (child !== null) {
    sim.exit(child, { code: 255 }, 'parent');
    sim.wait(c.monitor, child, { code: 255 });
  }
  sim.cred(c.monitor, 'setresuid', [-1, c.user!.uid, 0]); // pam_keyinit revoking the session keyring
  sim.cred(c.monitor, 'setresuid', [-1, 0, -1]);
  monitorVisitsUser(sim, c, c.user!);
  exitMonitor(sim, c, { code: 255 });
}
