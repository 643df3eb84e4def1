// Facts about the host that replay needs without access to it: names for uids and gids, the host
// and kernel, and the boot id that ties boot-clock timestamps to one boot.
import { readFileSync } from 'node:fs';
import { hostname, release } from 'node:os';
import type { GroupEntry, PasswdEntry } from '../capture/format';
import { parseGroup, parsePasswd } from './proc-parse';

export interface HostInfo {
  readonly hostname: string;
  readonly kernelRelease: string;
  readonly bootId: string;
  readonly passwd: readonly PasswdEntry[];
  readonly group: readonly GroupEntry[];
}

export interface HostPaths {
  readonly passwd: string;
  readonly group: string;
  readonly bootId: string;
}

const SYSTEM_PATHS: HostPaths = {
  passwd: '/etc/passwd',
  group: '/etc/group',
  bootId: '/proc/sys/kernel/random/boot_id',
};

export function readHostInfo(paths: HostPaths = SYSTEM_PATHS): HostInfo {
  return {
    hostname: hostname(),
    kernelRelease: release(),
    bootId: readOr(paths.bootId, '').trim(),
    // Only /etc/passwd and /etc/group: NSS sources (LDAP, sssd) are not consulted, by design (no
    // network lookups while recording). Password hashes are never in /etc/passwd on shadow systems.
    passwd: parsePasswd(readOr(paths.passwd, '')),
    group: parseGroup(readOr(paths.group, '')),
  };
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}
