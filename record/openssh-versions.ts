// The OpenSSH version compiled into each family binary ("OpenSSH_9.2p1"), read from its bytes:
// replay's version table needs it and the banner event only shows what the server announced.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SnapshotProcess } from '../capture/events';
import { INSTALL_PATHS, VERSION_IN_BINARY } from '../model/versions';
import { isFamilyImage } from './proc-snapshot';

export function versionInBinary(bytes: Buffer): string | null {
  // latin1 maps every byte to one char, so the regex runs over the raw bytes.
  return VERSION_IN_BINARY.exec(bytes.toString('latin1'))?.[0] ?? null;
}

/**
 * exe path → version, for every family binary the snapshot runs (read through /proc/PID/exe so a
 * binary replaced on disk since it started still shows the running version) and the install paths.
 */
export function opensshVersions(
  snapshot: readonly SnapshotProcess[],
  familyNames: readonly string[],
  procRoot = '/proc',
  known = INSTALL_PATHS,
): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const p of snapshot) {
    if (versions[p.exe] || !isFamilyImage(p.exe, familyNames)) continue;
    const version = readVersion(join(procRoot, String(p.pid), 'exe'));
    if (version) versions[p.exe] = version;
  }
  for (const path of known) {
    if (versions[path]) continue;
    const version = readVersion(path);
    if (version) versions[path] = version;
  }
  return versions;
}

function readVersion(path: string): string | null {
  try {
    return versionInBinary(readFileSync(path));
  } catch {
    return null;
  }
}
