// Every OpenSSH version difference the code uses, as data, in one table: the model detects generations from it
// (generation.ts), the recorder finds binaries and reads versions with it, and the simulator (test/sim) plays
// each release by it. Facts are from docs/openssh-versions.md (traces of Debian's 8.4p1, 9.2p1, 10.0p1, 10.6p1)
// and /work/shared/openssh-model.md (the upstream source); the traces win where the two disagree.

// ---- The binaries of the sshd family ----------------------------------------------------------------------

export interface FamilyBinary {
  /** The exe's basename: what --family-names takes and what the kernel puts in comm. */
  readonly name: string;
  readonly debianPath: string;
  /** Upstream's default (--prefix=/usr), or null where it is Debian's path. */
  readonly upstreamPath: string | null;
}

/** The listener; up to 9.7 also every per-connection process and child (one binary for everything). */
export const SSHD: FamilyBinary = { name: 'sshd', debianPath: '/usr/sbin/sshd', upstreamPath: null };
/** From 9.8: the per-connection process (later the monitor) and its post-auth child. */
const SSHD_SESSION: FamilyBinary = {
  name: 'sshd-session',
  debianPath: '/usr/lib/openssh/sshd-session',
  upstreamPath: '/usr/libexec/sshd-session',
};
/** From 10.0: the pre-auth child. */
const SSHD_AUTH: FamilyBinary = {
  name: 'sshd-auth',
  debianPath: '/usr/lib/openssh/sshd-auth',
  upstreamPath: '/usr/libexec/sshd-auth',
};

const FAMILY_BINARIES: readonly FamilyBinary[] = [SSHD, SSHD_SESSION, SSHD_AUTH];

/** The canonical family names, for --family-names' default and BPF's (joined with commas). */
export const FAMILY_NAMES: readonly string[] = FAMILY_BINARIES.map((b) => b.name);

/** Where the family is installed, checked even when nothing runs a binary yet: Debian's paths, then upstream's. */
export const INSTALL_PATHS: readonly string[] = [
  ...FAMILY_BINARIES.map((b) => b.debianPath),
  ...FAMILY_BINARIES.flatMap((b) => (b.upstreamPath === null ? [] : [b.upstreamPath])),
];

// ---- Version strings ----------------------------------------------------------------------------------------

/** "OpenSSH_9.2p1", as compiled into every family binary (the recorder reads it from the bytes). */
export const VERSION_IN_BINARY = /OpenSSH_[0-9.]+p[0-9]+/;

/** "OpenSSH_9.2p1" (the capture header's form) → "9.2p1" (the records' form). */
export function bareVersion(version: string): string {
  return version.replace(/^OpenSSH_/, '');
}

/** "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3" → "9.2p1": the version the server announced to the client. */
export function versionInBanner(banner: string): string | null {
  return /^SSH-[\d.]+-OpenSSH_(\S+)/.exec(banner)?.[1] ?? null;
}

/** "10.0p2" ≥ "10.0"? Compares major and minor; a version that does not parse is never at least anything. */
export function versionAtLeast(version: string, first: string): boolean {
  const [have, want] = [majorMinor(version), majorMinor(first)];
  if (have === null || want === null) return false;
  return have[0] !== want[0] ? have[0] > want[0] : have[1] >= want[1];
}

function majorMinor(version: string): [number, number] | null {
  const m = /^(\d+)\.(\d*)/.exec(version); // "10.p1" reads as 10.0, as OpenSSH never writes it
  return m === null ? null : [Number(m[1]), Number(m[2] || 0)];
}

// ---- Generations: ranges of versions whose process tree looks the same ------------------------------------

export type KnownGenerationName = '8.4-9.7' | '9.8-9.9' | '10.0+';
export type GenerationName = KnownGenerationName | 'unknown';
export const KNOWN_GENERATION_NAMES: readonly KnownGenerationName[] = ['8.4-9.7', '9.8-9.9', '10.0+'];

/** How the per-connection process exits before authentication (srclimit.h from 9.8; sigdie/fatal before). */
export interface PreauthExitCodes {
  readonly closed: number; // fatal()/cleanup_exit: the client went away, or anything else
  readonly graceTimeExpired: number; // LoginGraceTime
  readonly closedCleanly: number | null;
  readonly crashed: number | null; // null: the monitor does not reap its child, a crash exits as `closed`
  readonly authAttempted: number | null; // any authentication request was made (10.0 and 10.6 invalid users too)
  readonly refusedByConfig: number | null; // RefuseConnection
  readonly invalidUser: number | null;
}

export interface Generation {
  readonly name: KnownGenerationName;
  readonly firstVersion: string;
  /** What the listener's forked child execs, argv ending in "-R": 'listener' is the listener's own binary. */
  readonly perConnectionExec: 'listener' | FamilyBinary;
  /** `sshd -r` skips that exec: the per-connection process serves the connection as a copy of the listener. */
  readonly reexecCanBeOff: boolean;
  /** What the pre-auth child execs (argv ending in "-R"), or null: it stays a plain fork of the monitor. */
  readonly preauthExec: FamilyBinary | null;
  /** Root gets a post-auth child; without one the monitor forks root's channels itself. */
  readonly rootPostauthChild: boolean;
  /** The listener calls getpeername and getsockname on the accepted socket before it forks. */
  readonly listenerNamesSocket: boolean;
  readonly preauthExit: PreauthExitCodes;
  /** Debian's PAM in these builds (Linux-PAM 1.7 from trixie): not OpenSSH's doing, but seen with it. */
  readonly debianPam: {
    readonly execsUnixChkpwd: boolean; // pam_unix execs unix_chkpwd from the monitor for each password check
    readonly motdArgvHasDashDash: boolean; // pam_motd posix_spawns `sh -c -- …` instead of forking `sh -c …`
  };
  /** Details of the traces the simulator copies (docs/openssh-versions.md §3, §5). */
  readonly seenInTraces: {
    readonly acceptedFd: number;
    readonly signRequestBodyLen: number; // ≤9.x signs by key index; 10.x sends the key (9.2p1's and 10.x's lengths)
  };
}

const CLOSED = 255;

export const GENERATIONS: Readonly<Record<KnownGenerationName, Generation>> = {
  '8.4-9.7': {
    name: '8.4-9.7',
    firstVersion: '8.4',
    perConnectionExec: 'listener',
    reexecCanBeOff: true,
    preauthExec: null,
    rootPostauthChild: false,
    listenerNamesSocket: false,
    preauthExit: {
      closed: CLOSED,
      graceTimeExpired: 1,
      closedCleanly: null,
      crashed: null,
      authAttempted: null,
      refusedByConfig: null,
      invalidUser: null,
    },
    debianPam: { execsUnixChkpwd: false, motdArgvHasDashDash: false },
    seenInTraces: { acceptedFd: 4, signRequestBodyLen: 91 },
  },
  '9.8-9.9': {
    name: '9.8-9.9',
    firstVersion: '9.8',
    perConnectionExec: SSHD_SESSION,
    reexecCanBeOff: false,
    preauthExec: null,
    rootPostauthChild: true,
    listenerNamesSocket: true,
    preauthExit: {
      closed: CLOSED,
      graceTimeExpired: 3,
      closedCleanly: 0,
      crashed: 4,
      authAttempted: 5,
      refusedByConfig: 6,
      invalidUser: null,
    },
    debianPam: { execsUnixChkpwd: false, motdArgvHasDashDash: false },
    seenInTraces: { acceptedFd: 4, signRequestBodyLen: 91 },
  },
  '10.0+': {
    name: '10.0+',
    firstVersion: '10.0',
    perConnectionExec: SSHD_SESSION,
    reexecCanBeOff: false,
    preauthExec: SSHD_AUTH,
    rootPostauthChild: true,
    listenerNamesSocket: true,
    preauthExit: {
      closed: CLOSED,
      graceTimeExpired: 3,
      closedCleanly: 0,
      crashed: 4,
      authAttempted: 5,
      refusedByConfig: 6,
      invalidUser: 7, // srclimit.h from 10.3; 10.6 was seen exiting 5 for an invalid user
    },
    debianPam: { execsUnixChkpwd: true, motdArgvHasDashDash: true },
    seenInTraces: { acceptedFd: 7, signRequestBodyLen: 142 },
  },
};

/** The generation a version belongs to (null before 8.4, which the table does not cover). */
export function generationOfVersion(version: string): KnownGenerationName | null {
  const newestFirst = [...KNOWN_GENERATION_NAMES].reverse();
  return newestFirst.find((g) => versionAtLeast(version, GENERATIONS[g].firstVersion)) ?? null;
}

// ---- Differences that start inside a generation -----------------------------------------------------------

/** The first version that has each. */
export const INTRODUCED_IN = {
  /** ANS_PWNAM sends uid and gid as fields; 8.4 sends a raw struct passwd (the model tells them by shape). */
  pwnamFields: '8.5',
  /** sshd-auth writes the banner after its sandbox, then sends MONITOR_REQ_SETCOMPAT; before, the per-connection
   *  process writes it before forking the pre-auth child. */
  bannerBySshdAuth: '10.3',
} as const;

export function hasFeature(version: string, feature: keyof typeof INTRODUCED_IN): boolean {
  return versionAtLeast(version, INTRODUCED_IN[feature]);
}

// ---- What a pre-auth exit code means, as the records say it ----------------------------------------------

const EXIT_MEANINGS: Readonly<Record<keyof PreauthExitCodes, string>> = {
  closed: 'connection closed before authentication completed',
  graceTimeExpired: 'login grace time expired',
  closedCleanly: 'connection closed',
  crashed: 'pre-auth child crashed',
  authAttempted: 'authentication failed',
  refusedByConfig: 'connection refused by configuration',
  invalidUser: 'invalid user',
};

/** Exit code → meaning, for a generation; an unknown one knows only the code every version shares. */
export function preauthExitReasons(generation: GenerationName): Readonly<Record<number, string>> {
  if (generation === 'unknown') return { [CLOSED]: EXIT_MEANINGS.closed };
  const reasons: Record<number, string> = {};
  const codes = GENERATIONS[generation].preauthExit;
  for (const meaning of Object.keys(EXIT_MEANINGS) as (keyof PreauthExitCodes)[]) {
    const code = codes[meaning];
    if (code !== null) reasons[code] = EXIT_MEANINGS[meaning];
  }
  return reasons;
}
