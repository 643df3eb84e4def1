// Checks that a root filesystem can run a traced sshd: an sshd binary, ssh-keygen, and the privsep user.
import { accessSync, constants, lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { isAbsolute, join, posix, resolve } from 'node:path';

export interface PrivsepUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

export interface ValidRoot {
  readonly root: string;
  readonly sshd: string; // path inside the root, e.g. "/usr/sbin/sshd"
  readonly sshKeygen: string;
  readonly privsepUser: PrivsepUser;
  /** 9.8+: the per-connection binary; 10.0+: the pre-auth binary (paths inside the root), when present. */
  readonly sshdSession: string | null;
  readonly sshdAuth: string | null;
}

const SSHD_PATHS = ['/usr/sbin/sshd', '/sbin/sshd', '/usr/local/sbin/sshd'];
const KEYGEN_PATHS = ['/usr/bin/ssh-keygen', '/bin/ssh-keygen', '/usr/local/bin/ssh-keygen'];
const SESSION_PATHS = [
  '/usr/lib/openssh/sshd-session',
  '/usr/libexec/sshd-session',
  '/usr/libexec/openssh/sshd-session',
];
const AUTH_PATHS = ['/usr/lib/openssh/sshd-auth', '/usr/libexec/sshd-auth', '/usr/libexec/openssh/sshd-auth'];
// Debian and upstream name the privsep user "sshd"; some distributions use "_sshd" or "sshd-priv".
const PRIVSEP_NAMES = ['sshd', '_sshd'];

/** Resolves a path inside root, following symlinks as if root were "/" (absolute links must not escape to the host). */
export function resolveInRoot(root: string, inside: string): string {
  let pending = inside.split('/').filter((p) => p !== '');
  let current = '/';
  for (let hops = 0; pending.length > 0; ) {
    const part = pending.shift() ?? '';
    const next = posix.join(current, part);
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(join(root, next));
    } catch {
      current = next;
      continue;
    }
    if (!st.isSymbolicLink()) {
      current = next;
      continue;
    }
    if (++hops > 32) throw new Error(`too many symlinks resolving ${inside} under ${root}`);
    const target = readlinkSync(join(root, next));
    pending = [...target.split('/').filter((p) => p !== ''), ...pending];
    if (isAbsolute(target)) current = '/';
  }
  return join(root, current);
}

/** The first of the candidate paths that is an executable regular file inside root, or null. */
function findExecutable(root: string, candidates: readonly string[]): string | null {
  for (const inside of candidates) {
    try {
      const host = resolveInRoot(root, inside);
      if (statSync(host).isFile()) {
        accessSync(host, constants.X_OK);
        return inside;
      }
    } catch {
      /* not here: try the next candidate */
    }
  }
  return null;
}

/** Parses the root's /etc/passwd for the privsep user. */
export function findPrivsepUser(passwdText: string, names: readonly string[] = PRIVSEP_NAMES): PrivsepUser | null {
  for (const line of passwdText.split('\n')) {
    const fields = line.split(':');
    if (fields.length < 7 || !names.includes(fields[0] ?? '')) continue;
    return { name: fields[0] ?? '', uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5] ?? '' };
  }
  return null;
}

/** Validates a root filesystem given by --root; throws one clear line naming what is missing and what to do. */
export function validateRoot(rootArg: string): ValidRoot {
  const root = resolve(rootArg);
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    /* reported below */
  }
  if (!isDir)
    throw new Error(
      `--root ${rootArg}: not a directory; build one with "sudo npx sshtrace corpus rootfs build <release>"`,
    );
  const sshd = findExecutable(root, SSHD_PATHS);
  if (sshd === null)
    throw new Error(`--root ${root}: no sshd binary (${SSHD_PATHS.join(', ')}); install openssh-server inside it`);
  const sshKeygen = findExecutable(root, KEYGEN_PATHS);
  if (sshKeygen === null) throw new Error(`--root ${root}: no ssh-keygen; install openssh-client inside it`);
  let passwd = '';
  try {
    passwd = readFileSync(resolveInRoot(root, '/etc/passwd'), 'utf8');
  } catch {
    /* reported below */
  }
  const privsepUser = findPrivsepUser(passwd);
  if (privsepUser === null) {
    throw new Error(
      `--root ${root}: no privsep user (${PRIVSEP_NAMES.join(' or ')}) in /etc/passwd; reinstall openssh-server inside it`,
    );
  }
  return {
    root,
    sshd,
    sshKeygen,
    privsepUser,
    sshdSession: findExecutable(root, SESSION_PATHS),
    sshdAuth: findExecutable(root, AUTH_PATHS),
  };
}
