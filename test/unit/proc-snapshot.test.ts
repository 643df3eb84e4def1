import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  parseCmdline,
  parseGroup,
  parseHexEndpoint,
  parsePasswd,
  parseStat,
  parseStatusIds,
  ttyName,
} from '../../record/proc-parse';
import { scanFamily } from '../../record/proc-snapshot';
import { versionInBinary } from '../../record/openssh-versions';

const root = mkdtempSync(join(tmpdir(), 'sshtrace-proc-'));
after(() => rmSync(root, { recursive: true, force: true }));

interface FakeProcess {
  pid: number;
  ppid: number;
  comm: string;
  exe: string;
  cmdline: string;
  uids?: string;
  root?: string;
  ttyNr?: number;
  startTicks?: number;
  fds?: Record<number, string>;
  loginuid?: string;
}

/** A /proc tree as the kernel lays it out (files and symlinks), for the processes given. */
function fakeProc(name: string, processes: FakeProcess[], tcp = '', tcp6 = ''): string {
  const proc = join(root, name);
  for (const p of processes) {
    const dir = join(proc, String(p.pid));
    mkdirSync(join(dir, 'fd'), { recursive: true });
    mkdirSync(join(dir, 'ns'));
    mkdirSync(join(dir, 'net'));
    // Fields 3..22 of stat: state, ppid, pgrp, session, tty_nr, ..., starttime (22).
    const fields = [
      'S',
      p.ppid,
      p.pid,
      p.pid,
      p.ttyNr ?? 0,
      -1,
      4194560,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      20,
      0,
      1,
      0,
      p.startTicks ?? 100,
    ];
    writeFileSync(join(dir, 'stat'), `${p.pid} (${p.comm}) ${fields.join(' ')} 0 0 0\n`);
    writeFileSync(
      join(dir, 'status'),
      `Name:\t${p.comm}\nUid:\t${p.uids ?? '0\t0\t0\t0'}\nGid:\t${p.uids ?? '0\t0\t0\t0'}\n`,
    );
    writeFileSync(join(dir, 'cmdline'), p.cmdline);
    writeFileSync(join(dir, 'loginuid'), p.loginuid ?? '4294967295');
    writeFileSync(join(dir, 'sessionid'), '4294967295');
    writeFileSync(join(dir, 'net', 'tcp'), tcp);
    writeFileSync(join(dir, 'net', 'tcp6'), tcp6);
    symlinkSync(p.exe, join(dir, 'exe'));
    symlinkSync(p.root ?? '/', join(dir, 'root'));
    symlinkSync('net:[4026531840]', join(dir, 'ns', 'net'));
    for (const [fd, target] of Object.entries(p.fds ?? {})) symlinkSync(target, join(dir, 'fd', fd));
  }
  return proc;
}

const TCP_HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
// 127.0.0.1:2299 ← 127.0.0.1:38496 established (01), inode 5555; and the listener (0A), inode 4444.
const TCP =
  `${TCP_HEADER}   0: 0100007F:08FB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1 0\n` +
  `   1: 0100007F:08FB 0100007F:9660 01 00000000:00000000 00:00000000 00000000     0        0 5555 1 0\n`;

describe('/proc parsers', () => {
  it('reads stat fields after a comm holding spaces and parentheses', () => {
    const stat = parseStat('1234 (sshd: a (b)) S 812 1234 1230 34816 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 190766 0 0\n');
    assert.deepEqual(stat, { pid: 1234, comm: 'sshd: a (b)', ppid: 812, sid: 1230, ttyNr: 34816, startTicks: 190766 });
  });

  it('names ttys as the kernel does', () => {
    assert.equal(ttyName(0), '');
    assert.equal(ttyName((136 << 8) | 3), 'pts/3');
    assert.equal(ttyName((137 << 8) | 4), 'pts/260');
    assert.equal(ttyName((4 << 8) | 1), 'tty1');
    assert.equal(ttyName((4 << 8) | 64), 'ttyS0');
  });

  it('reads the four uids, the cmdline without setproctitle padding, and /proc/net addresses', () => {
    assert.deepEqual(parseStatusIds('Uid:\t1001\t1001\t1001\t1001\n', 'Uid'), [1001, 1001, 1001, 1001]);
    assert.deepEqual(parseCmdline(Buffer.from('sshd: alice [priv]\0\0\0\0')), ['sshd: alice [priv]']);
    assert.deepEqual(parseCmdline(Buffer.from('/usr/sbin/sshd\0-D\0')), ['/usr/sbin/sshd', '-D']);
    assert.deepEqual(parseHexEndpoint('0100007F:0016', 'ipv4'), { family: 'ipv4', ip: '127.0.0.1', port: 22 });
    assert.deepEqual(parseHexEndpoint('0000000000000000FFFF00000100007F:9660', 'ipv6'), {
      family: 'ipv6',
      ip: '::ffff:127.0.0.1',
      port: 38496,
    });
    assert.deepEqual(parseHexEndpoint('00000000000000000000000001000000:0016', 'ipv6'), {
      family: 'ipv6',
      ip: '::1',
      port: 22,
    });
  });

  it('keeps name, ids, home and shell from passwd (never the password field) and group members', () => {
    assert.deepEqual(
      parsePasswd('root:x:0:0:root:/root:/bin/bash\n# c\nalice:$6$hash:1001:1001:A:/home/alice:/bin/sh\n'),
      [
        ['root', 0, 0, '/root', '/bin/bash'],
        ['alice', 1001, 1001, '/home/alice', '/bin/sh'],
      ],
    );
    assert.deepEqual(parseGroup('root:x:0:\nssh:x:110:alice,bob\n'), [
      ['root', 0, []],
      ['ssh', 110, ['alice', 'bob']],
    ]);
  });

  it('finds the OpenSSH version in a binary', () => {
    assert.equal(versionInBinary(Buffer.from('\0\x7fELF...OpenSSH_9.2p1 Debian-2+deb12u3\0usage')), 'OpenSSH_9.2p1');
    assert.equal(versionInBinary(Buffer.from('OpenSSH_2.*,OpenSSH_3.0*')), null);
  });
});

describe('scanFamily', () => {
  const processes: FakeProcess[] = [
    { pid: 1, ppid: 0, comm: 'init', exe: '/sbin/init', cmdline: '/sbin/init\0' },
    {
      pid: 812,
      ppid: 1,
      comm: 'sshd',
      exe: '/usr/sbin/sshd',
      cmdline: 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups\0\0\0',
      startTicks: 250,
    },
    {
      pid: 900,
      ppid: 812,
      comm: 'sshd',
      exe: '/usr/sbin/sshd',
      cmdline: 'sshd: alice [priv]\0\0',
      fds: { 0: '/dev/null', 4: 'socket:[4444]', 5: 'socket:[5555]' },
    },
    {
      pid: 901,
      ppid: 900,
      comm: 'sshd',
      exe: '/usr/sbin/sshd (deleted)',
      cmdline: 'sshd: alice [net]\0',
      root: '/run/sshd',
      uids: '102\t102\t102\t102',
    },
    {
      pid: 902,
      ppid: 900,
      comm: 'bash',
      exe: '/usr/bin/bash',
      cmdline: '-bash\0',
      uids: '1001\t1001\t1001\t1001',
      ttyNr: (136 << 8) | 2,
      loginuid: '1001',
    },
    { pid: 950, ppid: 902, comm: 'node', exe: '/usr/bin/node', cmdline: 'node\0sshtrace\0record\0' }, // the recorder
    { pid: 951, ppid: 950, comm: 'getconf', exe: '/usr/bin/getconf', cmdline: 'getconf\0' }, // its child
    { pid: 960, ppid: 1, comm: 'cron', exe: '/usr/sbin/cron', cmdline: 'cron\0' },
  ];
  const proc = fakeProc('family', processes, TCP);
  const scanned = scanFamily({
    familyNames: ['sshd', 'sshd-session', 'sshd-auth'],
    selfPid: 950,
    procRoot: proc,
    clockTicks: 100,
  });

  it('takes the family roots and their descendants, never the recorder nor its children', () => {
    assert.deepEqual(
      scanned.map((p) => p.pid),
      [812, 900, 901, 902],
    );
  });

  it('describes each process from its /proc files', () => {
    const [listener, monitor, net, shell] = scanned;
    assert.deepEqual(listener!.argv, ['sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups']);
    assert.equal(listener!.startBoottime, 2_500_000_000);
    assert.deepEqual(monitor!.peer, { family: 'ipv4', ip: '127.0.0.1', port: 38496 }); // fd 0 is /dev/null; fd 4 listens
    assert.equal(net!.exe, '/usr/sbin/sshd');
    assert.deepEqual(net!.uid, [102, 102, 102, 102]);
    assert.equal(net!.root, '/run/sshd');
    assert.deepEqual(
      { tty: shell!.tty, auid: shell!.auid, sessionid: shell!.sessionid },
      { tty: 'pts/2', auid: 1001, sessionid: 4294967295 },
    );
  });

  it('seeds sshd images as followed + sshd image, chrooted only when the root differs from the parent', () => {
    assert.deepEqual(
      scanned.map((p) => p.flags),
      [3, 3, 7, 1],
    );
  });
});
