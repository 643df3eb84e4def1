// The fixed world the privsep scenarios run in: the simulated OpenSSH builds (what differs between versions comes
// from model/versions.ts; only what differs between builds is here), the accounts on the machine, and the
// scenario set-up.
import {
  GENERATIONS,
  SSHD,
  generationOfVersion,
  hasFeature,
  type Generation,
  type KnownGenerationName,
} from '../../model/versions';
import type { Passwd } from './messages';

/** One simulated build of sshd: its version (which names its row of the versions table) and its own details. */
export interface Release {
  readonly version: string;
  /** The versions table's row for this version: every way it behaves differently from the others. */
  readonly generation: Generation;
  readonly banner: string;
  readonly privsepUid: number;
  readonly pwnamOptionsLen: number; // ANS_PWNAM's trailing ServerOptions blob
  readonly ansStateLen: number; // 10.x ANS_STATE's body (10.4+ serialises the options); 0 before 10.0
}

function release(
  version: string,
  banner: string,
  privsepUid: number,
  pwnamOptionsLen: number,
  ansStateLen = 0,
): Release {
  const name = generationOfVersion(version);
  if (name === null) throw new Error(`OpenSSH ${version} is older than model/versions.ts covers`);
  return { version, generation: GENERATIONS[name], banner, privsepUid, pwnamOptionsLen, ansStateLen };
}

export const RELEASES: readonly Release[] = [
  release('8.4p1', 'SSH-2.0-OpenSSH_8.4p1 Debian-5+deb11u3', 101, 9060),
  release('9.2p1', 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10', 100, 9020),
  release('9.9p1', 'SSH-2.0-OpenSSH_9.9p1 Ubuntu-3', 106, 3000),
  release('10.0p2', 'SSH-2.0-OpenSSH_10.0p2 Debian-7+deb13u4', 997, 3070, 624),
  release('10.6p1', 'SSH-2.0-OpenSSH_10.6p1 Debian-1', 995, 3360, 3490),
];

export function releasesOf(generation: KnownGenerationName): Release[] {
  return RELEASES.filter((r) => r.generation.name === generation);
}

/** The listener's binary (Debian's path), which up to 9.7 every per-connection process re-execs. */
export const LISTENER_BINARY = SSHD.debianPath;

/** What the per-connection process execs: the listener's own binary, or the table's (Debian's path). */
export function perConnectionBinary(r: Release): string {
  const exec = r.generation.perConnectionExec;
  return exec === 'listener' ? LISTENER_BINARY : exec.debianPath;
}

/** What the pre-auth child execs (Debian's path), or null: a plain fork. */
export function preauthBinary(r: Release): string | null {
  return r.generation.preauthExec?.debianPath ?? null;
}

/** 10.3+: sshd-auth writes the banner after its sandbox and sends SETCOMPAT. */
export function bannerBySshdAuth(r: Release): boolean {
  return hasFeature(r.version, 'bannerBySshdAuth');
}

/** 8.4 sends a raw struct passwd in ANS_PWNAM; 8.5+ sends the fields. */
export function pwnamFormat(r: Release): 'struct' | 'fields' {
  return hasFeature(r.version, 'pwnamFields') ? 'fields' : 'struct';
}

export interface Account extends Passwd {
  readonly groups: readonly number[];
}

export const ACCOUNTS: readonly Account[] = [
  { name: 'root', uid: 0, gid: 0, gecos: 'root', dir: '/root', shell: '/bin/bash', groups: [0] },
  {
    name: 'sshtr_alice',
    uid: 1001,
    gid: 1001,
    gecos: 'Alice,,,',
    dir: '/home/sshtr_alice',
    shell: '/bin/bash',
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
  readonly usePam: boolean; // Debian's default; without it there is no PAM account check and no kbd-int
  readonly permitRootLogin: 'prohibit-password' | 'no';
  readonly motd: boolean; // pam_motd runs run-parts from the monitor at session open (PAM only)
  readonly pidPoolSize: number;
  readonly gapsNs: readonly number[];
}

export const LISTENER_PID = 100;
export const PID_BASE = 300;
export const BOOT_NS = 5_000_000_000;
/** Realtime minus boottime: the capture's clock event (2026-01-01T00:00:00Z at boot). */
export const REALTIME_OFFSET_NS = 1_767_225_600_000_000_000;

export function listenerArgv(setup: Setup): string[] {
  return [LISTENER_BINARY, ...setup.listenerArgs];
}
