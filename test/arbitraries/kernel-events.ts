// fast-check generators of KernelEvents in their canonical form (what decode(encode(e)) returns):
// strings without NUL that fit their C fields, exit statuses that are real wait statuses, and so on.
import fc from 'fast-check';
import type { Creds, InetEndpoint, KernelEvent } from '../../capture/events';
import { AF, ARRAY_BYTES, CAPS } from '../../capture/layout';

/** A kernel event before its common header fields are added. */
type Body = { readonly kind: KernelEvent['kind'] } & Record<string, unknown>;

const u32 = fc.nat({ max: 0xffffffff });
const i32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const u16 = fc.nat({ max: 0xffff });
const u64 = fc.maxSafeNat();
const i64 = fc.maxSafeInteger();
const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');
// fc.record builds null-prototype objects; decoded events are plain objects.
const plain = <T extends object>(o: T): T => ({ ...o });

/** Text without NUL whose UTF-8 form fits in `maxBytes` (ASCII mostly, some of any script); a C array of N keeps N - 1. */
export const cText = (maxBytes: number) =>
  fc
    .oneof(fc.string({ maxLength: maxBytes }), fc.string({ unit: 'grapheme', maxLength: Math.ceil(maxBytes / 4) }))
    .filter((s) => !s.includes('\0') && utf8Bytes(s) <= maxBytes);

const creds: fc.Arbitrary<Creds> = fc
  .record({
    uid: u32,
    euid: u32,
    suid: u32,
    fsuid: u32,
    gid: u32,
    egid: u32,
    sgid: u32,
    fsgid: u32,
    auid: u32,
    sessionid: u32,
  })
  .map(plain);

// IPv6 forms the test encoder can parse; dotted tails are covered by the inet_ntop table test.
const IPV6 = [
  '::',
  '::1',
  'fe80::1',
  '2001:db8::5',
  '1:2:3:4:5:6:7:8',
  '2001:db8:0:1:1:1:1:1',
  'fe80::a00:27ff:fe4e:66a1',
];
export const endpoint: fc.Arbitrary<InetEndpoint> = fc
  .oneof(
    fc.record({
      family: fc.constant('ipv4' as const),
      ip: fc.tuple(...Array(4).fill(fc.nat(255))).map((b) => b.join('.')),
      port: u16,
    }),
    fc.record({ family: fc.constant('ipv6' as const), ip: fc.constantFrom(...IPV6), port: u16 }),
    fc.record({ family: fc.constant('unknown' as const), ip: fc.constant(''), port: u16 }),
  )
  .map(plain);

const base = fc.record({ ts: u64, tgid: u32, tid: u32, truncated: fc.boolean() });
const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((b) => Uint8Array.from(b));

const process: fc.Arbitrary<Body>[] = [
  fc.record({
    kind: fc.constant('fork' as const),
    childTgid: u32,
    childTid: u32,
    thread: fc.boolean(),
    creds,
    comm: cText(CAPS.COMM_LEN - 1),
  }),
  fc.record({
    kind: fc.constant('exec' as const),
    oldTid: u32,
    ppid: u32,
    creds,
    startBoottime: u64,
    comm: cText(CAPS.COMM_LEN - 1),
    tty: cText(CAPS.TTY_LEN - 1),
    filename: cText(200),
    argv: fc.array(cText(60), { maxLength: 12 }),
    argc: u32,
    familyRoot: fc.boolean(),
    wasTracked: fc.boolean(),
  }),
  fc
    .record({
      kind: fc.constant('exit' as const),
      ppid: u32,
      startBoottime: u64,
      creds,
      comm: cText(CAPS.COMM_LEN - 1),
      how: fc.oneof(
        fc.record({ code: fc.nat(255) }),
        fc.record({ signal: fc.integer({ min: 1, max: 0x7e }), core: fc.boolean() }),
      ),
    })
    .map(({ how, ...rest }) =>
      'code' in how
        ? { ...rest, exitCode: how.code, signal: null, core: false, rawStatus: how.code << 8 }
        : {
            ...rest,
            exitCode: null,
            signal: how.signal,
            core: how.core,
            rawStatus: how.signal | (how.core ? 0x80 : 0),
          },
    ),
  fc.record({
    kind: fc.constant('cred' as const),
    call: fc.constantFrom('setuid', 'setgid', 'setreuid', 'setregid', 'setresuid', 'setresgid' as const),
    ret: i32,
    args: fc.tuple(u32, u32, u32),
    creds,
  }),
  fc.array(u32, { maxLength: CAPS.SETGROUPS_CAP }).chain((groups) =>
    fc.record({
      kind: fc.constant('setgroups' as const),
      ret: i32,
      groups: fc.constant(groups),
      count:
        groups.length < CAPS.SETGROUPS_CAP
          ? fc.constant(groups.length)
          : fc.integer({ min: CAPS.SETGROUPS_CAP, max: 0xffffffff }),
    }),
  ),
  fc.record({ kind: fc.constant('chroot' as const), ret: i32, path: cText(CAPS.PATH_CAP - 1) }),
  fc.record({ kind: fc.constant('setsid' as const), ret: i32 }),
  fc.record({
    kind: fc.constant('prctl' as const),
    op: fc.constantFrom('no_new_privs', 'seccomp', 'seccomp_syscall' as const),
    ret: i32,
    arg2: u64,
    arg3: u64,
  }),
  fc.oneof(
    fc.record({ ret: i32, pidArg: i32, options: u32, status: fc.option(i32), siCode: i32 }).map((w) => ({
      kind: 'wait' as const,
      call: 'wait4' as const,
      ...w,
      reapedPid: w.ret > 0 ? w.ret : null,
      siStatus: 0,
    })),
    fc
      .record({
        ok: fc.boolean(),
        err: fc.integer({ min: -4095, max: -1 }),
        pid: fc.option(fc.integer({ min: 1, max: 0x7fffffff })),
        pidArg: i32,
        options: u32,
        siCode: i32,
        siStatus: i32,
      })
      .map(({ ok, err, pid, ...w }) => ({
        kind: 'wait' as const,
        call: 'waitid' as const,
        ...w,
        ret: ok ? 0 : err,
        reapedPid: ok ? pid : null,
        status: null,
      })),
  ),
];

const unixPath = fc
  .oneof(
    cText(100).map((p) => `/${p}`),
    cText(100)
      .filter((p) => p.length > 0)
      .map((p) => `@${p}`),
  )
  .filter((p) => utf8Bytes(p) <= CAPS.UNIX_PATH_CAP - 1);

const socket: fc.Arbitrary<Body>[] = [
  fc.record({
    kind: fc.constant('accept' as const),
    fd: i32,
    listenFd: i32,
    local: endpoint,
    peer: endpoint,
    sockIno: u64,
  }),
  fc.record({
    kind: fc.constant('sockname' as const),
    call: fc.constantFrom('getpeername', 'getsockname' as const),
    ret: i32,
    fd: i32,
    addr: endpoint,
    sockIno: u64,
  }),
  fc.oneof(
    fc.record({
      kind: fc.constant('connect' as const),
      ret: i32,
      fd: i32,
      sockIno: u64,
      family: fc.constant(AF.UNIX),
      inet: endpoint,
      path: unixPath,
    }),
    fc.record({
      kind: fc.constant('connect' as const),
      ret: i32,
      fd: i32,
      sockIno: u64,
      family: fc.constantFrom(AF.INET, AF.INET6),
      inet: endpoint,
      path: fc.constant(''),
    }),
  ),
  fc.record({
    kind: fc.constant('socketpair' as const),
    ret: i32,
    family: u32,
    sockType: u32,
    fds: fc.tuple(i32, i32),
    inos: fc.tuple(u64, u64),
    framed: fc.boolean(),
  }),
  fc.boolean().chain((withheld) =>
    fc.record({
      kind: fc.constant('frame' as const),
      sockIno: u64,
      len: u32,
      msgType: fc.nat(255),
      withheld: fc.constant(withheld),
      body: withheld ? fc.constant(new Uint8Array(0)) : bytes(CAPS.MSG_BODY_CAP),
    }),
  ),
  fc.record({ kind: fc.constant('fdpass' as const), sockIno: u64, controllen: u32, datalen: u32 }),
  fc.record({
    kind: fc.constant('dgram' as const),
    dgram: fc.constantFrom('syslog', 'audit' as const),
    sockIno: u64,
    text: cText(CAPS.DGRAM_CAP),
  }),
  fc.record({ kind: fc.constant('banner' as const), sockIno: u64, text: cText(CAPS.BANNER_CAP) }),
  fc.record({
    kind: fc.constant('file_write' as const),
    fd: i32,
    count: u32,
    ino: u64,
    pos: i64,
    name: cText(ARRAY_BYTES.file_write_event.name - 1),
    data: bytes(CAPS.FILE_WRITE_CAP),
  }),
  fc.record({
    kind: fc.constant('pipe_write' as const),
    fd: i32,
    count: u32,
    ino: u64,
    data: bytes(CAPS.PIPE_WRITE_CAP),
  }),
  fc.record({
    kind: fc.constant('frame_desync' as const),
    sockIno: u64,
    reason: fc.constantFrom('bad_length', 'too_many', 'read_failed', 'no_state', 'unknown' as const),
    bytes: u32,
  }),
];

/** Any kernel event, in the canonical form the decoder returns. */
export const kernelEvent: fc.Arbitrary<KernelEvent> = fc
  .tuple(base, fc.oneof(...process, ...socket))
  .map(([b, e]) => ({ ...b, ...e }) as unknown as KernelEvent);
