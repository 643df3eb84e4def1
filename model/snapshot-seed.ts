// Seeding the model from the /proc snapshot taken when recording started: connections already open are
// reported with what /proc showed (lineage, uids, root dir, session ids, the monitor's TCP peer), marked
// incomplete because their beginning was not captured. snapshot-resume.ts reuses these for a second snapshot.
import type { SnapshotProcess, Creds } from '../capture/events';
import type { Conn, Proc, Role, State } from './state';
import type { GenerationName } from './versions';
import { generationInSnapshot } from './generation';
import { newConn, newProc, putConn, putProc, markIncomplete } from './update';
import { commandFromSnapshot } from './sessions';
import { connId } from './processes';

const STARTED_BEFORE = 'the capture started during the connection';

export function seedAll(s: State, processes: readonly SnapshotProcess[]): State {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const children = childrenOf(processes);
  const roots = processes.filter((p) => !byPid.has(p.ppid)).sort((a, b) => a.pid - b.pid);
  for (const root of roots) {
    s = putProc(s, toProc(root, 'listener', null, null));
    for (const m of sorted(children.get(root.pid))) s = seedConnection(s, root, m, children);
  }
  return s;
}

export function childrenOf(processes: readonly SnapshotProcess[]): Map<number, SnapshotProcess[]> {
  const children = new Map<number, SnapshotProcess[]>();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  return children;
}

export function sorted(list: SnapshotProcess[] | undefined): SnapshotProcess[] {
  return [...(list ?? [])].sort((a, b) => a.startBoottime - b.startBoottime || a.pid - b.pid);
}

export function seedConnection(
  s: State,
  listener: SnapshotProcess,
  m: SnapshotProcess,
  children: Map<number, SnapshotProcess[]>,
): State {
  const id = connId(s, m.pid, m.startBoottime);
  let c: Conn = markIncomplete(
    {
      ...newConn(id, m.pid, m.startBoottime),
      listener: listener.pid,
      source: m.peer,
      opensshVersion: s.opensshVersions.get(m.exe) ?? null,
      generation: seededGeneration(s, listener, m, children.get(m.pid) ?? []),
    },
    STARTED_BEFORE,
  );
  s = putProc(s, toProc(m, 'monitor', id, null));
  for (const child of sorted(children.get(m.pid))) {
    const role = monitorChildRole(child, m, children.get(child.pid) ?? []);
    s = putProc(s, toProc(child, role, id, null));
    if (role === 'preauth') c = { ...c, preauth: child.pid };
    if (role === 'postauth' || role === 'session') c = login(s, c, child);
    if (role === 'postauth') c = { ...c, postauth: child.pid };
    if (role === 'session') [s, c] = seedChannel(s, c, child, children);
    if (role === 'postauth') for (const ch of sorted(children.get(child.pid))) [s, c] = seedChannel(s, c, ch, children);
  }
  return putConn(s, c);
}

/** The generation /proc shows (generation.ts), from the binaries the listener, the monitor and its pre-auth
 *  children run, and the monitor's version in the capture header. */
export function seededGeneration(
  s: State,
  listener: SnapshotProcess,
  m: SnapshotProcess,
  kids: readonly SnapshotProcess[],
): GenerationName {
  const preauthExes = kids.filter((k) => monitorChildRole(k, m, []) === 'preauth').map((k) => k.exe);
  return generationInSnapshot(listener.exe, m.exe, preauthExes, s.opensshVersions.get(m.exe) ?? '');
}

/** chroot'ed: pre-auth child; a session leader: a root channel (no post-auth child up to 9.7); running as a
 *  user, or serving session leaders: the post-auth child; anything else sshd runs as root: a helper. */
export function monitorChildRole(p: SnapshotProcess, monitor: SnapshotProcess, kids: readonly SnapshotProcess[]): Role {
  if (p.root !== '' && p.root !== monitor.root) return 'preauth'; // relative: sshd itself may run in a rootfs
  if (p.sid === p.pid) return 'session';
  if (p.uid[0] !== 0 || kids.some((k) => k.sid === k.pid)) return 'postauth';
  return 'helper';
}

export function login(s: State, c: Conn, p: SnapshotProcess): Conn {
  const uid = p.uid[0];
  return { ...c, authenticated: true, authTs: p.startBoottime, uid, user: s.userNames.get(uid) ?? `uid ${uid}` };
}

/** A channel process and its whole tree, as commands known only from /proc. */
export function seedChannel(
  s: State,
  c: Conn,
  root: SnapshotProcess,
  children: Map<number, SnapshotProcess[]>,
): [State, Conn] {
  const channel = c.channels.size;
  const tty = root.tty === '' ? null : root.tty;
  c = {
    ...c,
    tty: c.tty ?? tty,
    channels: c.channels.push({
      pid: root.pid,
      command: null,
      tty,
      kind: 'unknown',
      startTs: root.startBoottime,
      endTs: null,
    }),
  };
  const stack = [root];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const p = stack.shift()!;
    if (seen.has(p.pid)) continue; // a pid listed twice (racing scans) must not loop forever
    seen.add(p.pid);
    const cmd = commandFromSnapshot(p.pid, p.ppid, p.argv, p.exe, p.startBoottime, channel, p.tty || null);
    s = putProc(s, { ...toProc(p, 'session', c.id, channel), command: c.commands.size });
    c = { ...c, commands: c.commands.push(cmd) };
    stack.push(...sorted(children.get(p.pid)));
  }
  return [s, c];
}

export function toProc(p: SnapshotProcess, role: Role, conn: string | null, channel: number | null): Proc {
  const creds: Creds = {
    uid: p.uid[0],
    euid: p.uid[1],
    suid: p.uid[2],
    fsuid: p.uid[3],
    gid: p.gid[0],
    egid: p.gid[1],
    sgid: p.gid[2],
    fsgid: p.gid[3],
    auid: p.auid,
    sessionid: p.sessionid,
  };
  return newProc(p.pid, p.ppid, p.startBoottime, {
    role,
    conn,
    channel,
    image: p.exe,
    argv: p.argv,
    creds,
    tty: p.tty === '' ? null : p.tty,
    fromSnapshot: true,
  });
}
