// The Debian releases whose OpenSSH builds the corpus studies, and where to fetch them from.

export const DEFAULT_CACHE_DIR = '/var/cache/sshtrace/rootfs';
const DEFAULT_MIRROR = 'http://deb.debian.org/debian';

export interface ReleaseInfo {
  readonly name: string;
  /** OpenSSH upstream version expected when this table was written (the chroot's dpkg-query is the truth). */
  readonly expectedOpenssh: string;
  /** Mirrors tried in order; the first that serves dists/<name>/InRelease is used. */
  readonly mirrors: readonly string[];
}

// bullseye left deb.debian.org for archive.debian.org once LTS ended, so it keeps a fallback.
export const RELEASES: readonly ReleaseInfo[] = [
  { name: 'bullseye', expectedOpenssh: '8.4p1', mirrors: [DEFAULT_MIRROR, 'http://archive.debian.org/debian'] },
  { name: 'bookworm', expectedOpenssh: '9.2p1', mirrors: [DEFAULT_MIRROR] },
  { name: 'trixie', expectedOpenssh: '10.0p1 (banner says 10.0p2)', mirrors: [DEFAULT_MIRROR] },
  { name: 'sid', expectedOpenssh: '10.6p1', mirrors: [DEFAULT_MIRROR] },
];

/** Packages installed into the tree after debootstrap: the server, its sftp helper, a client, PAM and login tools. */
export const SSH_PACKAGES: readonly string[] = [
  'openssh-server',
  'openssh-sftp-server',
  'openssh-client',
  'libpam-modules',
  'libpam-runtime',
  'login',
  'passwd',
  'procps',
];

export function findRelease(name: string): ReleaseInfo {
  const release = RELEASES.find((r) => r.name === name);
  if (release === undefined) {
    const known = RELEASES.map((r) => r.name).join(', ');
    throw new Error(`unknown Debian release "${name}": use one of ${known}`);
  }
  return release;
}
