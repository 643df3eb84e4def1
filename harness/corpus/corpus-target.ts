// Which sshd a `corpus record` run captures: a Debian release (its cached root filesystem, built on
// demand) or any root filesystem given by path; and how its corpus folder is named.
import { readFileSync } from 'node:fs';
import { releaseFromBinary, detectSshdVersion } from '../fixture/version';
import { buildDirName, versionOfBanner } from './corpus-layout';
import { ensureRootfs, opensshVersionIn } from '../rootfs/ensure-rootfs';
import { resolveInRoot, validateRoot, type ValidRoot } from '../rootfs/validate-root';
import type { CapturedBuild } from './expected-file';

export interface CorpusTarget {
  readonly root: string;
  /** sshd's path inside the root. */
  readonly sshdPath: string;
  readonly build: CapturedBuild;
  /** Corpus folder name, e.g. "10.0p2-trixie". */
  readonly dirName: string;
  /** How the root was chosen, for the README: "--release trixie" or "--root /path". */
  readonly origin: string;
}

/** The cached tree of a Debian release (debootstrap on first use: several minutes). */
export async function targetForRelease(release: string, progress: (line: string) => void): Promise<CorpusTarget> {
  const info = await ensureRootfs(release, { progress });
  return describeRoot(info.valid, release, `--release ${release}`, info.opensshVersion);
}

/** Any root filesystem with an sshd; the distro comes from --distro, else its /etc/os-release. */
export async function targetForRoot(root: string, distro: string | undefined): Promise<CorpusTarget> {
  const valid = validateRoot(root);
  const pkg = await opensshVersionIn(valid.root).catch(() => null);
  return describeRoot(valid, distro ?? distroOf(valid.root), `--root ${valid.root}`, pkg);
}

function describeRoot(valid: ValidRoot, distro: string, origin: string, pkg: string | null): CorpusTarget {
  // 9.8+ announces itself from sshd-session; its string carries the distribution suffix too.
  const session = valid.sshdSession === null ? null : releaseFromBinary(resolveInRoot(valid.root, valid.sshdSession));
  const banner = session ?? detectSshdVersion(valid.root, valid.sshd, resolveInRoot(valid.root, valid.sshd));
  const build: CapturedBuild = { banner, version: versionOfBanner(banner), distro, package: pkg };
  return { root: valid.root, sshdPath: valid.sshd, build, dirName: buildDirName(banner, distro), origin };
}

/** Debian sid calls itself "forky/sid" with the next release's codename: name it sid. */
export function distroFromOsRelease(text: string): string {
  const field = (name: string) => new RegExp(`^${name}="?([^"\\n]*)"?$`, 'm').exec(text)?.[1]?.trim() ?? '';
  if (/\/sid\b/.test(field('PRETTY_NAME'))) return 'sid';
  return field('VERSION_CODENAME') || field('ID') || 'custom';
}

function distroOf(root: string): string {
  for (const candidate of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      return distroFromOsRelease(readFileSync(resolveInRoot(root, candidate), 'utf8'));
    } catch {
      /* try the next one */
    }
  }
  return 'custom';
}
