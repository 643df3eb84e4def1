// Arbitrary TraceEvents of every kind for "step never throws": any field values, but pids, message types and
// file names drawn mostly from small sets so that events meet each other (a random u32 pid would never hit a
// known process) and the reducer's deeper paths run on nonsense.
import fc from 'fast-check';
import type { Creds, InetEndpoint, SnapshotProcess, TraceEvent } from '../../capture/events';

const pid = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(1, 100, 300, 301, 302, 303, 304, 305) }, fc.nat());
const u32 = fc.nat({ max: 0xffffffff });
const i32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const ts = fc.oneof(fc.nat({ max: 1_000_000_000 }), fc.maxSafeNat());
const text = fc.oneof(
  fc.constantFrom('', 'sshd', '/usr/sbin/sshd', 'pts/1', '/dev/pts/1', '-bash'),
  fc.string({ maxLength: 40 }),
);
const uid = fc.oneof(fc.constantFrom(0, 100, 1001, 4294967295), u32);

const creds: fc.Arbitrary<Creds> = fc.record({
  uid,
  euid: uid,
  suid: uid,
  fsuid: uid,
  gid: uid,
  egid: uid,
  sgid: uid,
  fsgid: uid,
  auid: uid,
  sessionid: uid,
});

const endpoint: fc.Arbitrary<InetEndpoint> = fc.record({
  family: fc.constantFrom('ipv4' as const, 'ipv6' as const, 'unknown' as const),
  ip: fc.oneof(fc.constantFrom('127.0.0.1', '::1', ''), fc.string({ maxLength: 20 })),
  port: fc.nat({ max: 65535 }),
});

const filename = fc.oneof(
  fc.constantFrom(
    '/usr/sbin/sshd',
    '/usr/lib/openssh/sshd-session',
    '/usr/lib/openssh/sshd-auth',
    '/bin/bash',
    '/bin/sh',
  ),
  text,
);

const MSG_TYPES = [
  0, 4, 6, 7, 8, 9, 12, 13, 18, 22, 23, 24, 25, 26, 28, 29, 30, 50, 51, 52, 100, 102, 103, 104, 105, 106, 107, 108, 109,
  110, 111, 112, 113,
];
const msgType = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...MSG_TYPES) }, fc.nat({ max: 255 }));
const be32 = (v: number) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const body = fc
  .oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.tuple(fc.constantFrom(0, 1, 2, 0xffffffff), fc.string({ maxLength: 12 })).map(([n, s]) => {
      const str = [...Buffer.from(s)];
      return Uint8Array.from([...be32(n), ...be32(str.length), ...str, 1, 0, 0, 0]);
    }),
  )
  .map((b) => Uint8Array.from(b));

const base = fc.record({ ts, tgid: pid, tid: pid, truncated: fc.boolean() });
const k = <K extends string>(kind: K) => fc.constant(kind);

const kernel: fc.Arbitrary<TraceEvent>[] = [
  fc.record({ kind: k('fork'), childTgid: pid, childTid: pid, thread: fc.boolean(), creds, comm: text }),
  fc.record({
    kind: k('exec'),
    oldTid: pid,
    ppid: pid,
    creds,
    startBoottime: ts,
    comm: text,
    tty: text,
    filename,
    argv: fc.array(text, { maxLength: 5 }),
    argc: fc.nat(10),
    familyRoot: fc.boolean(),
    wasTracked: fc.boolean(),
  }),
  fc.record({
    kind: k('exit'),
    exitCode: fc.option(fc.nat(255)),
    signal: fc.option(fc.nat(64)),
    core: fc.boolean(),
    rawStatus: i32,
    ppid: pid,
    startBoottime: ts,
    creds,
    comm: text,
  }),
  fc.record({
    kind: k('cred'),
    call: fc.constantFrom('setuid', 'setgid', 'setreuid', 'setregid', 'setresuid', 'setresgid' as const),
    ret: fc.constantFrom(0, -1),
    args: fc.array(uid, { maxLength: 3 }),
    creds,
  }),
  fc.record({ kind: k('setgroups'), ret: i32, count: u32, groups: fc.array(uid, { maxLength: 4 }) }),
  fc.record({ kind: k('chroot'), ret: fc.constantFrom(0, -1), path: text }),
  fc.record({ kind: k('setsid'), ret: fc.oneof(pid, i32) }),
  fc.record({
    kind: k('prctl'),
    op: fc.constantFrom('no_new_privs', 'seccomp', 'seccomp_syscall' as const),
    ret: i32,
    arg2: u32,
    arg3: u32,
  }),
  fc.record({ kind: k('accept'), fd: i32, listenFd: i32, local: endpoint, peer: endpoint, sockIno: u32 }),
  fc.record({
    kind: k('sockname'),
    call: fc.constantFrom('getpeername', 'getsockname' as const),
    ret: fc.constantFrom(0, -1),
    fd: i32,
    addr: endpoint,
    sockIno: u32,
  }),
  fc.record({ kind: k('connect'), ret: i32, fd: i32, sockIno: u32, family: fc.nat(40), inet: endpoint, path: text }),
  fc.record({
    kind: k('socketpair'),
    ret: i32,
    family: fc.nat(40),
    sockType: fc.nat(5),
    fds: fc.tuple(i32, i32),
    inos: fc.tuple(u32, u32),
    framed: fc.boolean(),
  }),
  fc.record({
    kind: k('wait'),
    call: fc.constantFrom('wait4', 'waitid' as const),
    ret: i32,
    pidArg: i32,
    options: u32,
    reapedPid: fc.option(pid),
    status: fc.option(i32),
    siCode: i32,
    siStatus: i32,
  }),
  fc.record({ kind: k('frame'), sockIno: u32, len: u32, msgType, withheld: fc.boolean(), body }),
  fc.record({ kind: k('fdpass'), sockIno: u32, controllen: u32, datalen: u32 }),
  fc.record({ kind: k('dgram'), dgram: fc.constantFrom('syslog', 'audit' as const), sockIno: u32, text }),
  fc.record({ kind: k('banner'), sockIno: u32, text: fc.oneof(fc.constant('SSH-2.0-OpenSSH_9.2p1 Debian'), text) }),
  fc.record({ kind: k('file_write'), fd: i32, count: u32, ino: u32, pos: fc.integer(), name: text, data: body }),
  fc.record({ kind: k('pipe_write'), fd: i32, count: u32, ino: u32, data: body }),
  fc.record({
    kind: k('frame_desync'),
    sockIno: u32,
    reason: fc.constantFrom('bad_length', 'too_many', 'read_failed', 'no_state', 'unknown' as const),
    bytes: u32,
  }),
].map((arb) => fc.tuple(base, arb).map(([b, rest]) => ({ ...b, ...rest }) as TraceEvent));

const snapshotProcess: fc.Arbitrary<SnapshotProcess> = fc.record({
  pid,
  ppid: pid,
  exe: filename,
  argv: fc.array(text, { maxLength: 3 }),
  comm: text,
  uid: fc.tuple(uid, uid, uid, uid),
  gid: fc.tuple(uid, uid, uid, uid),
  auid: uid,
  sessionid: uid,
  startBoottime: ts,
  tty: text,
  root: fc.constantFrom('/', '/run/sshd', ''),
  flags: fc.nat(7),
  peer: fc.option(endpoint),
  sid: fc.option(pid, { nil: undefined }),
});

const counts = fc.dictionary(fc.constantFrom('exec', 'fork', 'frame', 'exit'), fc.nat(5));

const meta: fc.Arbitrary<TraceEvent>[] = [
  fc.record({
    // One /proc scan lists each pid once (duplicates make onSnapshot loop forever: see model-findings).
    kind: k('snapshot'),
    ts,
    processes: fc.uniqueArray(snapshotProcess, { maxLength: 5, selector: (p) => p.pid }),
    opensshVersions: fc.dictionary(filename, fc.constantFrom('9.2p1', '10.0p2')),
    users: fc.array(fc.tuple(text, uid), { maxLength: 3 }),
  }),
  fc.record({
    kind: k('counters'),
    ts,
    emitted: counts,
    dropped: counts,
    truncated: fc.nat(3),
    frameDesync: fc.nat(3),
    trackFailed: fc.nat(3),
    readFailed: fc.nat(3),
    userDropped: fc.nat(3),
    unknownEvents: fc.nat(3),
  }),
  fc.record({ kind: k('clock'), ts, realtimeNs: fc.oneof(fc.constant(1_767_225_600_000_000_000), fc.maxSafeNat()) }),
  fc.record({ kind: k('capture_end'), ts, clean: fc.boolean(), reason: text }),
  fc.record({ kind: k('gap'), ts, reason: text, bytes: fc.nat() }),
];

/** Any event of any kind. */
export const anyTraceEvent: fc.Arbitrary<TraceEvent> = fc.oneof(...kernel, ...meta);
