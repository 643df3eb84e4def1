// Mounts inside a root filesystem: /proc, /dev and /dev/pts for running sshd there, and a safe way to undo them.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run } from './run';

/** Octal escapes in /proc/self/mounts (space, tab, newline, backslash) back to characters. */
function unescapeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Mount points at or below root, deepest first so they can be unmounted in order. */
function mountsUnder(root: string): string[] {
  const base = resolve(root);
  const text = readFileSync('/proc/self/mounts', 'utf8');
  const points = text
    .split('\n')
    .map((l) => l.split(' ')[1])
    .filter((f): f is string => f !== undefined && f !== '')
    .map(unescapeMountPath)
    .filter((p) => p === base || p.startsWith(`${base}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Unmounts everything below root; throws if anything is still mounted so callers never delete through a mount. */
export async function unmountAllUnder(root: string): Promise<void> {
  for (const point of mountsUnder(root)) {
    try {
      await run(['umount', point]);
    } catch {
      await run(['umount', '-l', point]);
    }
  }
  const left = mountsUnder(root);
  if (left.length > 0)
    throw new Error(`still mounted under ${root}: ${left.join(', ')}; unmount them by hand before retrying`);
}

/** Bind-mounts the host's /dev and /dev/pts and a fresh /proc into root (what sshd needs for ptys and /proc/self). */
export async function mountRuntimeFilesystems(root: string): Promise<void> {
  const already = new Set(mountsUnder(root));
  const proc = join(resolve(root), 'proc');
  if (!already.has(proc)) await run(['mount', '-t', 'proc', 'proc', proc]);
  for (const dir of ['dev', 'dev/pts']) {
    const target = join(resolve(root), dir);
    if (!already.has(target)) await run(['mount', '--bind', `/${dir}`, target]);
  }
}
