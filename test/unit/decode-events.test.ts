import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecEvent, ExitEvent, KernelEvent } from '../../capture/events';
import { decodeEvents, newDecodeStats } from '../../capture/decode-events';
import { AF, EV, LAYOUT } from '../../capture/layout';
import { formatIpv6, EventView } from '../../capture/event-view';
import { encodeEvent } from '../../capture/encode-events';

const creds = {
  uid: 0,
  euid: 0,
  suid: 0,
  fsuid: 0,
  gid: 0,
  egid: 0,
  sgid: 0,
  fsgid: 0,
  auid: 4294967295,
  sessionid: 4294967295,
};
const base = { ts: 1_000_000, tgid: 812, tid: 812, truncated: false };
const H = LAYOUT.event_header;

function exitWithStatus(rawStatus: number): ExitEvent {
  const encoded = encodeEvent({
    kind: 'exit',
    ...base,
    exitCode: null,
    signal: null,
    core: false,
    rawStatus,
    ppid: 1,
    startBoottime: 5,
    creds,
    comm: 'sshd',
  });
  return decodeEvents(encoded)[0] as ExitEvent;
}

describe('decodeEvents', () => {
  it('turns task->exit_code into exit code, signal and core as WIFEXITED/WTERMSIG/WCOREDUMP do', () => {
    // Given statuses as the kernel stores them: exit(255), killed by SIGTERM, SIGSEGV with a core.
    assert.deepEqual(pick(exitWithStatus(255 << 8)), { exitCode: 255, signal: null, core: false });
    assert.deepEqual(pick(exitWithStatus(15)), { exitCode: null, signal: 15, core: false });
    assert.deepEqual(pick(exitWithStatus(11 | 0x80)), { exitCode: null, signal: 11, core: true });
    assert.deepEqual(pick(exitWithStatus(0)), { exitCode: 0, signal: null, core: false });
  });

  it('splits argv on NULs and keeps a last argument cut without its NUL', () => {
    const exec: ExecEvent = {
      kind: 'exec',
      ...base,
      oldTid: 812,
      ppid: 1,
      creds,
      startBoottime: 9,
      comm: 'sshd-session',
      tty: '',
      filename: '/usr/lib/openssh/sshd-session',
      argv: ['sshd-session', '-D', '-R'],
      argc: 3,
      familyRoot: true,
      wasTracked: true,
    };
    const raw = encodeEvent(exec);
    assert.deepEqual(decodeEvents(raw), [exec]);
    // Cut the last NUL off, as the kernel does at the argv cap.
    const cut = Buffer.from(raw.subarray(0, raw.length - 1));
    cut.writeUInt16LE(cut.length, H.fields.size);
    cut.writeUInt16LE(cut.readUInt16LE(LAYOUT.exec_event.fields.args_len) - 1, LAYOUT.exec_event.fields.args_len);
    assert.deepEqual((decodeEvents(cut)[0] as ExecEvent).argv, ['sshd-session', '-D', '-R']);
  });

  it('decodes valid UTF-8 as UTF-8 and anything else as latin1, losing no byte', () => {
    const view = new EventView(Buffer.from([0x63, 0x61, 0x66, 0xc3, 0xa9, 0x00, 0xff, 0xfe, 0x41, 0x00]));
    assert.equal(view.cstr(0, 10), 'café');
    assert.equal(view.cstr(6, 4), '\u00ff\u00feA');
  });

  it('skips and counts unknown types, counts events too short for their type, never throws', () => {
    const known = encodeEvent({ kind: 'setsid', ...base, ret: 812 });
    const unknown = Buffer.alloc(H.size + 8);
    unknown.writeUInt16LE(99, H.fields.type);
    unknown.writeUInt16LE(unknown.length, H.fields.size);
    const short = Buffer.alloc(LAYOUT.fork_event.size - 1); // one byte short of a fork event
    short.writeUInt16LE(EV.FORK, H.fields.type);
    short.writeUInt16LE(short.length, H.fields.size);
    const stats = newDecodeStats();
    const events = decodeEvents(Buffer.concat([unknown, known, short, known]), stats);
    assert.equal(events.length, 2);
    assert.deepEqual(
      { unknown: stats.unknown, malformed: stats.malformed, decoded: stats.decoded, events: stats.events },
      { unknown: 1, malformed: 1, decoded: 2, events: 4 },
    );
    assert.deepEqual([...stats.unknownTypes], [99]);
  });

  it('stops at a header whose size cannot be stepped over and counts the rest as malformed', () => {
    const known = encodeEvent({ kind: 'setsid', ...base, ret: 1 });
    const stats = newDecodeStats();
    const zeroSize = Buffer.alloc(40); // size 0: no way to the next event
    assert.equal(decodeEvents(Buffer.concat([known, zeroSize, known]), stats).length, 1);
    assert.equal(stats.malformedBytes, 40 + known.length);
    const tail = newDecodeStats();
    assert.equal(decodeEvents(known.subarray(0, H.size - 1), tail).length, 0);
    assert.equal(tail.malformedBytes, H.size - 1);
  });

  it('prints abstract unix socket names as @name', () => {
    const event: KernelEvent = {
      kind: 'connect',
      ...base,
      ret: 0,
      fd: 3,
      sockIno: 77,
      family: AF.UNIX,
      inet: { family: 'unknown', ip: '', port: 0 },
      path: '@/org/x',
    };
    assert.equal((decodeEvents(encodeEvent(event))[0] as { path: string }).path, '@/org/x');
  });
});

describe('formatIpv6', () => {
  // Expected strings printed by glibc's inet_ntop(AF_INET6) for the same 16 bytes.
  const table: [string, string][] = [
    ['00000000000000000000000000000000', '::'],
    ['00000000000000000000000000000001', '::1'],
    ['00000000000000000000ffff7f000001', '::ffff:127.0.0.1'],
    ['0000000000000000000000000a010203', '::10.1.2.3'],
    ['00000000000000000000ffff00000000', '::ffff:0.0.0.0'],
    ['20010db8000000000000000000000001', '2001:db8::1'],
    ['20010db8000000010000000000000001', '2001:db8:0:1::1'],
    ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
    ['fe800000000000000a0027fffe4e66a1', 'fe80::a00:27ff:fe4e:66a1'],
    ['00010002000300040005000600070008', '1:2:3:4:5:6:7:8'],
    ['20010db8000000010001000100010001', '2001:db8:0:1:1:1:1:1'],
    ['00010000000000000000000000000000', '1::'],
    ['0000000000000000000000000000ffff', '::ffff'],
    ['00000000000000000001000000000000', '::1:0:0:0'],
    ['ffffffffffffffffffffffffffffffff', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['00000000000000000000fffe01020304', '::fffe:102:304'],
    ['00010000000000020000000000000003', '1:0:0:2::3'],
  ];
  for (const [hex, text] of table) {
    it(`prints ${text} as inet_ntop does`, () => assert.equal(formatIpv6(Buffer.from(hex, 'hex')), text));
  }
});

function pick(e: ExitEvent) {
  return { exitCode: e.exitCode, signal: e.signal, core: e.core };
}
