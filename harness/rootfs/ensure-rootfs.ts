// Builds (once) and caches a minimal Debian root filesystem with OpenSSH installed, for a named release.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mountRuntimeFilesystems, unmountAllUnder } from './mounts';
import { DEFAULT_CACHE_DIR, SSH_PACKAGES, findRelease } from './releases';
import { type Progress, haveCommand, run, stderrProgress } from './run';
import { pickMirror } from './mirror';
import { type ValidRoot, validateRoot } from './validate-root';

/** Written last: its presence means the tree is complete. */
export const MARKER_FILE = '.sshtrace-rootfs.json';

export interface EnsureOptions {
  readonly cacheDir?: string; // default /var/cache/sshtrace/rootfs
  readonly mirror?: string; // overrides the release's mirror list
  readonly progress?: Progress; // default: prefixed lines on stderr
  readonly rebuild?: boolean; // ignore a complete cached tree
}

export interface RootfsInfo {
  readonly release: string;
  readonly path: string;
  readonly opensshVersion: string; // dpkg version of openssh-server in the tree, e.g. "1:8.4p1-5+deb11u3"
  readonly mirror: string;
  readonly builtAt: string; // ISO time the marker was written
  readonly buildSeconds: number;
  readonly valid: ValidRoot;
}

type Marker = Omit<RootfsInfo, 'valid' | 'path'>;

// Plain C locale and no dialogs: maintainer scripts inside the tree must never wait for input.
const CHROOT_ENV: NodeJS.ProcessEnv = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  DEBIAN_FRONTEND: 'noninteractive',
  DEBCONF_NONINTERACTIVE_SEEN: 'true',
  LC_ALL: 'C',
  LANG: 'C',
  HOME: '/root',
};

/** Reads the marker of a complete tree, or null when the tree is absent or half-built. */
export function readMarker(path: string): Marker | null {
  try {
    return JSON.parse(readFileSync(join(path, MARKER_FILE), 'utf8')) as Marker;
  } catch {
    return null;
  }
}

/** The OpenSSH server version installed in a root filesystem, from its dpkg database. */
export async function opensshVersionIn(root: string): Promise<string> {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own field syntax, not a template
  const out = await run(['chroot', root, 'dpkg-query', '-W', '-f=${Version}', 'openssh-server'], {
    captureStdout: true,
    env: CHROOT_ENV,
  });
  if (out.trim() === '') throw new Error(`openssh-server is not installed in ${root}; rebuild it with rebuild: true`);
  return out.trim();
}

async function ensureDebootstrap(progress: Progress): Promise<void> {
  if (await haveCommand('debootstrap')) return;
  progress('debootstrap not found: installing it with apt-get');
  try {
    await run(['apt-get', 'install', '-y', '--no-install-recommends', 'debootstrap'], { progress, env: CHROOT_ENV });
  } catch (err) {
    throw new Error(
      `debootstrap is missing and could not be installed (${(err as Error).message}); run "apt-get update && apt-get install debootstrap"`,
    );
  }
}

/** Removes a half-built tree, never through a mount point that a crashed run left behind. */
async function removeTree(path: string, progress: Progress): Promise<void> {
  if (!existsSync(path)) return;
  progress(`removing incomplete tree ${path}`);
  await unmountAllUnder(path);
  await run(['rm', '-rf', '--one-file-system', path]);
}

async function debootstrap(
  release: string,
  path: string,
  mirror: string,
  cacheDir: string,
  progress: Progress,
): Promise<void> {
  const debCache = join(cacheDir, '.debs', release);
  mkdirSync(debCache, { recursive: true });
  progress(`debootstrap --variant=minbase ${release} from ${mirror} (several minutes)`);
  await run(['debootstrap', '--variant=minbase', `--cache-dir=${debCache}`, release, path, mirror], {
    progress,
    env: CHROOT_ENV,
  });
}

/** Installs the SSH packages with services kept from starting (policy-rc.d answers 101 to every invoke-rc.d). */
async function installSshPackages(path: string, progress: Progress): Promise<void> {
  const policy = join(path, 'usr/sbin/policy-rc.d');
  writeFileSync(policy, '#!/bin/sh\n# sshtrace: never start services inside this tree\nexit 101\n');
  chmodSync(policy, 0o755);
  await mountRuntimeFilesystems(path);
  try {
    progress(`apt-get install ${SSH_PACKAGES.join(' ')}`);
    // Snapshot and archive mirrors serve Release files past their Valid-Until date (sid's expires within a week).
    await run(['chroot', path, 'apt-get', '-o', 'Acquire::Check-Valid-Until=false', 'update'], {
      progress,
      env: CHROOT_ENV,
    });
    await run(['chroot', path, 'apt-get', 'install', '-y', '--no-install-recommends', ...SSH_PACKAGES], {
      progress,
      env: CHROOT_ENV,
    });
    await run(['chroot', path, 'apt-get', 'clean'], { progress, env: CHROOT_ENV });
  } finally {
    await unmountAllUnder(path);
  }
}

/** Builds the tree from scratch and writes the marker last. */
async function build(release: string, path: string, opts: EnsureOptions, progress: Progress): Promise<RootfsInfo> {
  const started = Date.now();
  const cacheDir = opts.cacheDir ?? DEFAULT_CACHE_DIR;
  await ensureDebootstrap(progress);
  const mirror = await pickMirror(
    release,
    opts.mirror === undefined ? findRelease(release).mirrors : [opts.mirror],
    progress,
  );
  await removeTree(path, progress);
  await debootstrap(release, path, mirror, cacheDir, progress);
  await installSshPackages(path, progress);
  const valid = validateRoot(path);
  const opensshVersion = await opensshVersionIn(path);
  const marker: Marker = {
    release,
    opensshVersion,
    mirror,
    builtAt: new Date().toISOString(),
    buildSeconds: Math.round((Date.now() - started) / 1000),
  };
  writeFileSync(join(path, MARKER_FILE), `${JSON.stringify(marker, null, 2)}\n`);
  progress(`done: ${path} has openssh-server ${opensshVersion} (${marker.buildSeconds} s)`);
  return { ...marker, path, valid };
}

/** Returns the path of a complete root filesystem for release, building it under the cache dir if needed. */
export async function ensureRootfs(release: string, opts: EnsureOptions = {}): Promise<RootfsInfo> {
  findRelease(release);
  if (process.getuid?.() !== 0)
    throw new Error('building a root filesystem needs root (debootstrap, chroot, mount): run as root');
  const path = join(opts.cacheDir ?? DEFAULT_CACHE_DIR, release);
  const progress = opts.progress ?? stderrProgress(`[rootfs ${release}]`);
  const marker = opts.rebuild === true ? null : readMarker(path);
  if (marker !== null) {
    progress(`reusing ${path} (openssh-server ${marker.opensshVersion}, built ${marker.builtAt})`);
    return { ...marker, path, valid: validateRoot(path) };
  }
  if (existsSync(path))
    progress(opts.rebuild === true ? 'rebuild requested' : 'found a half-built tree (no marker): rebuilding');
  mkdirSync(opts.cacheDir ?? DEFAULT_CACHE_DIR, { recursive: true });
  return build(release, path, opts, progress);
}
