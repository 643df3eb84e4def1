// What sshd does, syscall by syscall, from accept() to the sandboxed pre-auth child, and how a connection ends
// before authentication (sshd.c server_accept_loop / main / privsep_preauth in 9.2p1; sshd-session.c and
// sshd-auth.c for 9.8+; docs/openssh-versions.md §2–§4 and §7).
import type { InetEndpoint } from '../../capture/events';
import { type KernelSim, ROOT_CREDS, basename } from './kernel';
import { MON, AUDIT, empty, filler, u32Body } from './messages';
import {
  BOOT_NS,
  LISTENER_BINARY,
  LISTENER_PID,
  bannerBySshdAuth,
  listenerArgv,
  perConnectionBinary,
  preauthBinary,
  type Account,
  type Release,
  type Setup,
} from './world';

/** Everything the simulator must remember about one connection's sshd processes. */
export interface SshdConn {
  readonly setup: Setup;
  readonly release: Release;
  readonly peer: InetEndpoint;
  readonly monitor: number;
  preauth: number | null;
  postauth: number | null;
  /** The monitor's and the current child's ends of the monitor socketpair (messages are tagged by writer end). */
  monitorIno: number;
  childIno: number;
  user: Account | null;
  userName: string | null;
  attempted: boolean;
  failures: number; // the pre-auth child's count, for MaxAuthTries
  authenticated: boolean;
}

const LOCAL: InetEndpoint = { family: 'ipv4', ip: '127.0.0.1', port: 2222 };
export const MAX_AUTH_TRIES = 6;

/** The capture's opening: the listener is either in the /proc snapshot or exec'd just after. */
export function startListener(sim: KernelSim, setup: Setup): void {
  const sid = setup.listenerTty === '' ? LISTENER_PID : LISTENER_SID_ON_TTY;
  if (setup.listenerStart === 'exec') {
    // Forked by the init system (or an admin's shell) a microsecond before its exec; sshd from then on.
    sim.adopt(LISTENER_PID, 1, 'sshd', setup.listenerTty, {
      exe: '/usr/lib/systemd/systemd',
      cmdline: ['/usr/lib/systemd/systemd'],
      startNs: sim.current(),
      sid,
    });
    const execTs = sim.exec(LISTENER_PID, LISTENER_BINARY, listenerArgv(setup), {
      familyRoot: true,
      wasTracked: false,
    });
    sim.proc(LISTENER_PID).startNs = execTs - 1_000;
    sim.note(LISTENER_PID);
  } else {
    sim.adopt(LISTENER_PID, 1, 'sshd', setup.listenerTty, {
      exe: LISTENER_BINARY,
      cmdline: listenerArgv(setup),
      startNs: LISTENER_START_NS,
      sid,
    });
  }
  sim.title(LISTENER_PID, `sshd: ${listenerArgv(setup).join(' ')} [listener] 0 of 10-100 startups`);
}

/** The listener that runs before the capture: started a second before it (openCapture's snapshot says so too). */
export const LISTENER_START_NS = BOOT_NS - 1_000_000_000;
/** The session of the admin's shell that ran `sshd -D` on pts/0. */
export const LISTENER_SID_ON_TTY = 50;

/** sshd's setproctitle: "sshd: alice [priv]", "sshd-session: alice@pts/0" (the program's name, then the text). */
export function proctitle(sim: KernelSim, pid: number, text: string): void {
  sim.title(pid, `${basename(sim.proc(pid).exe)}: ${text}`);
}

/** MaxStartups / PerSourcePenalties: accept, log the peer, write a refusal, close. No fork. */
export function refuseConnection(sim: KernelSim, peer: InetEndpoint): void {
  const ino = sim.accept(LISTENER_PID, 4, LOCAL, peer);
  sim.sockname(LISTENER_PID, 'getsockname', 4, LOCAL, ino);
  sim.sockname(LISTENER_PID, 'getpeername', 4, peer, ino);
  sim.holdPeer(LISTENER_PID, null); // close(newsock)
}

export function acceptConnection(sim: KernelSim, setup: Setup, peer: InetEndpoint): SshdConn {
  const r = setup.release;
  const sockIno = sim.accept(LISTENER_PID, r.generation.seenInTraces.acceptedFd, LOCAL, peer);
  const [configIno] = sim.socketpair(LISTENER_PID);
  if (r.generation.listenerNamesSocket) {
    // on fd 7 as 10.x's traces show (no 9.8-9.9 build was traced)
    sim.sockname(LISTENER_PID, 'getpeername', 7, peer, sockIno);
    sim.sockname(LISTENER_PID, 'getsockname', 7, LOCAL, sockIno);
  }
  const monitor = sim.fork(LISTENER_PID);
  proctitle(sim, monitor, '[accepted]');
  sim.message(LISTENER_PID, configIno, 0, filler(460)); // the rexec config: type 0, withheld by the policy
  sim.holdPeer(LISTENER_PID, null); // the listener closes its copy of the socket
  sim.setsid(monitor);
  if (!r.generation.reexecCanBeOff || setup.rexec) {
    const binary = perConnectionBinary(r);
    sim.exec(monitor, binary, [binary, ...listenerArgv(setup).slice(1), '-R'], { familyRoot: true });
    proctitle(sim, monitor, '[accepted]');
  }
  sim.sockname(monitor, 'getpeername', 0, peer, sockIno);
  const conn: SshdConn = {
    setup,
    release: r,
    peer,
    monitor,
    preauth: null,
    postauth: null,
    monitorIno: 0,
    childIno: 0,
    user: null,
    userName: null,
    attempted: false,
    failures: 0,
    authenticated: false,
  };
  if (!bannerBySshdAuth(r)) sim.banner(monitor, sockIno, `${r.banner}\r\n`);
  startPreauthChild(sim, conn, sockIno);
  return conn;
}

/** monitor_init + fork; the child (or sshd-auth after its exec) chroots, drops to the privsep user, sandboxes. */
function startPreauthChild(sim: KernelSim, c: SshdConn, sockIno: number): void {
  const r = c.release;
  [c.monitorIno, c.childIno] = sim.socketpair(c.monitor);
  const child = sim.fork(c.monitor);
  c.preauth = child;
  const binary = preauthBinary(r);
  if (binary !== null) {
    sim.exec(child, binary, [binary, ...listenerArgv(c.setup).slice(1), '-R'], { familyRoot: true });
    sim.message(child, c.childIno, MON.STATE, empty());
    sim.message(c.monitor, c.monitorIno, MON.ANS_STATE, filler(r.ansStateLen));
  }
  sim.chroot(child, '/run/sshd');
  sim.setgroups(child, [65534]);
  sim.cred(child, 'setresgid', [65534, 65534, 65534]);
  sim.cred(child, 'setresuid', [r.privsepUid, r.privsepUid, r.privsepUid]);
  sim.cred(child, 'setgid', [0], -1);
  sim.cred(child, 'setresgid', [-1, 0, -1], -1);
  sim.cred(child, 'setuid', [0], -1);
  sim.cred(child, 'setresuid', [-1, 0, -1], -1);
  sim.prctl(child, 'no_new_privs');
  sim.prctl(child, 'seccomp');
  proctitle(sim, child, '[net]');
  if (bannerBySshdAuth(r)) {
    sim.banner(child, sockIno, `${r.banner}\r\n`);
    sim.message(child, c.childIno, MON.SETCOMPAT, u32Body(0x04000000));
  }
  sim.message(child, c.childIno, MON.SIGN, filler(r.generation.seenInTraces.signRequestBodyLen));
  sim.message(c.monitor, c.monitorIno, MON.ANS_SIGN, filler(87));
}

/** The monitor's exit status before authentication, by the versions table's codes. */
export function preauthExitCode(c: SshdConn, how: PreauthEnd): number {
  const codes = c.release.generation.preauthExit;
  if (how === 'grace') return codes.graceTimeExpired;
  if (how === 'crash' && codes.crashed !== null) return codes.crashed;
  if (c.attempted && codes.authAttempted !== null) return codes.authAttempted;
  return codes.closed;
}

export type PreauthEnd = 'drop' | 'grace' | 'maxtries' | 'crash';

/**
 * drop: the client closes; the pre-auth child exits 255 and the monitor follows on EOF, without reaping it.
 * maxtries: the same after the child's "Too many authentication failures" (AUDIT_EVENT MAXTRIES first).
 * grace: LoginGraceTime; the monitor's alarm handler kill(0, SIGTERM)s its children, then exits.
 * crash: the sandboxed child dies of a signal (SIGSYS from seccomp, SIGSEGV); the monitor reaps it and exits.
 */
export function endPreauth(sim: KernelSim, c: SshdConn, how: PreauthEnd): void {
  const child = c.preauth!;
  if (how === 'maxtries') sim.message(child, c.childIno, MON.AUDIT_EVENT, u32Body(AUDIT.MAXTRIES));
  if (how === 'crash' && c.release.generation.preauthExit.crashed !== null) {
    sim.exit(child, { signal: 31 }, 'parent'); // a monitor with a crash code reaps the child to tell a crash from a close
    sim.wait(c.monitor, child, { signal: 31 }, child);
  } else if (how === 'crash') {
    sim.exit(child, { signal: 31 }, 'init'); // without one it just sees EOF and exits as for a close
  } else {
    sim.exit(child, how === 'grace' ? { signal: 15 } : { code: 255 }, 'init');
  }
  exitMonitor(sim, c, { code: preauthExitCode(c, how) });
}

/** systemd's ExecReload / ExecStartPre: `sshd -t` started by init, a family root that never listens. */
export function configTest(sim: KernelSim): void {
  const pid = sim.spawnUntracked(1, 'sshd');
  const execTs = sim.exec(pid, LISTENER_BINARY, [LISTENER_BINARY, '-t'], { familyRoot: true, wasTracked: false });
  sim.proc(pid).startNs = execTs - 1_000; // forked by the init system just before
  sim.note(pid);
  sim.exit(pid, { code: 0 }, 'init');
}

/** The monitor exits; the listener's SIGCHLD handler reaps it with wait4(-1, WNOHANG). */
export function exitMonitor(sim: KernelSim, c: SshdConn, end: { code: number }): void {
  sim.exit(c.monitor, end, 'parent');
  sim.wait(LISTENER_PID, c.monitor, end);
}

/** temporarily_use_uid / restore_uid in the monitor (authorized_keys reading, GSSAPI cleanup at exit). */
export function monitorVisitsUser(sim: KernelSim, c: SshdConn, a: Account): void {
  sim.setgroups(c.monitor, a.groups);
  sim.setgroups(c.monitor, a.groups);
  sim.cred(c.monitor, 'setresgid', [-1, a.gid, -1]);
  sim.cred(c.monitor, 'setresuid', [-1, a.uid, -1]);
  sim.cred(c.monitor, 'setresuid', [-1, ROOT_CREDS.euid, -1]);
  sim.cred(c.monitor, 'setresgid', [-1, ROOT_CREDS.egid, -1]);
  sim.setgroups(c.monitor, []);
}
