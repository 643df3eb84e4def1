// The fixed world the privsep scenarios run in: OpenSSH releases per generation (facts from
// docs/openssh-versions.md and the 9.2p1 source), the accounts on the machine, and the scenario set-up.
import type { Passwd } from './frames';

export type GenerationName = '8.4-9.7' | '9.8-9.9' | '10.0+';
export const GENERATION_NAMES: readonly GenerationName[] = ['8.4-9.7', '9.8-9.9', '10.0+'];

export interface Release {
  readonly generation: GenerationName;
  readonly version: string;
  readonly banner: string;
  /** Binary the per-connection process execs (the listener's own binary up to 9.7). */
  readonly sessionBinary: string;
  /** Binary the pre-auth child execs (10.0+), or null: a plain fork. */
  readonly authBinary: string | null;
  readonly pwnamFormat: 'struct' | 'fields';  // 8.4 sends a raw struct passwd
  readonly pwnamOptionsLen: number;           // ANS_PWNAM's trailing ServerOptions blob
  readonly privsepUid: number;
  readonly setcompat: boolean;                // 10.3+: SETCOMPAT, banner written by sshd-auth
  readonly unixChkpwd: boolean;               // Linux-PAM 1.7: pam_unix execs unix_chkpwd from the monitor
  /** Whether a root login gets a post-auth child (from 9.8). */
  readonly rootPostauth: boolean;
}

const SSHD = '/usr/sbin/sshd';

export const RELEASES: readonly Release[] = [
  {
    generation: '8.4-9.7', version: '8.4p1', banner: 'SSH-2.0-OpenSSH_8.4p1 Debian-5+deb11u3', sessionBinary: SSHD,
    authBinary: null, pwnamFormat: 'struct', pwnamOptionsLen: 9060, privsepUid: 101, setcompat: false,
    unixChkpwd: false, rootPostauth: false,
  },
  {
    generation: '8.4-9.7', version: '9.2p1', banner: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10', sessionBinary: SSHD,
    authBinary: null, pwnamFormat: 'fields', pwnamOptionsLen: 9020, privsepUid: 100, setcompat: false,
    unixChkpwd: false, rootPostauth: false,
  },
  {
    generation: '9.8-9.9', version: '9.9p1', banner: 'SSH-2.0-OpenSSH_9.9p1 Ubuntu-3',
    sessionBinary: '/usr/lib/openssh/sshd-session', authBinary: null, pwnamFormat: 'fields', pwnamOptionsLen: 3000,
    privsepUid: 106, setcompat: false, unixChkpwd: false, rootPostauth: true,
  },
  {
    generation: '10.0+', version: '10.0p2', banner: 'SSH-2.0-OpenSSH_10.0p2 Debian-7+deb13u4',
    sessionBinary: '/usr/lib/openssh/sshd-session', authBinary: '/usr/lib/openssh/sshd-auth', pwnamFormat: 'fields',
    pwnamOptionsLen: 3070, privsepUid: 997, setcompat: false, unixChkpwd: true, rootPostauth: true,
  },
  {
    generation: '10.0+', version: '10.6p1', banner: 'SSH-2.0-OpenSSH_10.6p1 Debian-1',
    sessionBinary: '/usr/lib/openssh/sshd-session', authBinary: '/usr/lib/openssh/sshd-auth', pwnamFormat: 'fields',
    pwnamOptionsLen: 3360, privsepUid: 995, setcompat: true, unixChkpwd: true, rootPostauth: true,
  },
];

export interface Account extends Passwd { readonly groups: readonly number[] }

export const ACCOUNTS: readonly Account[] = [
  { name: 'root', uid: 0, gid: 0, gecos: 'root', dir: '/root', shell: '/bin/bash', groups: [0] },
  {
    name: 'sshtr_alice', uid: 1001, gid: 1001, gecos: 'Alice,,,', dir: '/home/sshtr_alice', shell: '/bin/bash',
    groups: [1001, 27],
  },
  { name: 'sshtr_bob', uid: 1002, gid: 1002, gecos: '', dir: '/home/sshtr_bob', shell: '/bin/sh', groups: [1002] },
];

/** Names a client may try that have no account. */
export const UNKNOWN_NAMES: readonly string[] = ['sshtr_nosuch', 'admin'];


export function account(name: string): Account | null {
  return ACCOUNTS.find((a) => a.name === name) ?? null;
}

export interface Setup {
  readonly release: Release;
  /** How the capture learns of the listener: from the /proc snapshot, or from its exec after the start. */
  readonly listenerStart: 'snapshot' | 'exec';
  /** The listener's controlling tty: "" under an init system, "pts/0" when an admin ran `sshd -D` in a terminal. */
  readonly listenerTty: string;
  readonly listenerArgs: readonly string[];
  /** Up to 9.7 only: false models `sshd -r` (no re-exec of the per-connection process). */
  readonly rexec: boolean;
  readonly usePam: boolean;         // Debian's default; without it there is no PAM account check and no kbd-int
  readonly permitRootLogin: 'prohibit-password' | 'no';
  readonly motd: boolean;           // pam_motd runs run-parts from the monitor at session open (PAM only)
  readonly pidPoolSize: number;
  readonly gapsNs: readonly number[];
}

export const LISTENER_PID = 100;
export const PID_BASE = 300;
export const BOOT_NS = 5_000_000_000;
/** Realtime minus boottime: the capture's clock record (2026-01-01T00:00:00Z at boot). */
export const REALTIME_OFFSET_NS = 1_767_225_600_000_000_000;

export function listenerArgv(setup: Setup): string[] {
  return ['/usr/sbin/sshd', ...setup.listenerArgs];
}
