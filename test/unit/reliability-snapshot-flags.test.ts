// Issue #6, secrets: the /proc snapshot seeds TRACK_CHROOTED only for an sshd whose root differs from its sshd
// parent's (the pre-auth child), never for a whole sshd in a container or rootfs; and TRACK_SANDBOXED for a
// seccomp filter (Seccomp: 2). With --file-writes, bpf/file_write.bpf.h reads pipes only of writers with both:
// a listener marked chrooted made every monitor's pipe to unix_chkpwd (which carries the password) readable.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TRACK } from '../../capture/layout';
import { scanFamily } from '../../record/proc-snapshot';

const root = mkdtempSync(join(tmpdir(), 'sshtrace-flags-'));
after(() => rmSync(root, { recursive: true, force: true }));

interface Fake {
  pid: number;
  ppid: number;
  comm: string;
  exe: string;
  root: string;
  seccomp?: number;
}

function fakeProc(processes: readonly Fake[]): string {
  for (const p of processes) {
    const dir = join(root, String(p.pid));
    mkdirSync(join(dir, 'fd'), { recursive: true });
    mkdirSync(join(dir, 'net'));
    const fields = ['S', p.ppid, p.pid, p.pid, 0, -1, 4194560, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 1, 0, 100];
    writeFileSync(join(dir, 'stat'), `${p.pid} (${p.comm}) ${fields.join(' ')} 0 0 0\n`);
    writeFileSync(
      join(dir, 'status'),
      `Name:\t${p.comm}\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nSeccomp:\t${p.seccomp ?? 0}\n`,
    );
    writeFileSync(join(dir, 'cmdline'), `${p.comm}\0`);
    writeFileSync(join(dir, 'net', 'tcp'), '');
    writeFileSync(join(dir, 'net', 'tcp6'), '');
    symlinkSync(p.exe, join(dir, 'exe'));
    symlinkSync(p.root, join(dir, 'root'));
  }
  return root;
}

const ROOTFS = '/var/lib/machines/jail';
// A container's sshd (its parent, the container's init, shares its root), and a rootfs sshd started by chroot(1)
// from the host (parent root "/"): neither ever called chroot. Only the pre-auth children did.
const proc = fakeProc([
  { pid: 1, ppid: 0, comm: 'init', exe: '/sbin/init', root: '/' },
  { pid: 100, ppid: 1, comm: 'containerd-shim', exe: '/usr/bin/containerd-shim', root: '/' },
  { pid: 101, ppid: 100, comm: 'tini', exe: `${ROOTFS}/usr/bin/tini`, root: ROOTFS },
  { pid: 102, ppid: 101, comm: 'sshd', exe: `${ROOTFS}/usr/sbin/sshd`, root: ROOTFS },
  { pid: 103, ppid: 102, comm: 'sshd', exe: `${ROOTFS}/usr/sbin/sshd`, root: ROOTFS },
  { pid: 104, ppid: 103, comm: 'sshd', exe: `${ROOTFS}/usr/sbin/sshd`, root: `${ROOTFS}/run/sshd`, seccomp: 2 },
  { pid: 200, ppid: 1, comm: 'sshd', exe: '/srv/rootfs/usr/sbin/sshd', root: '/srv/rootfs' },
  { pid: 201, ppid: 200, comm: 'sshd-session', exe: '/srv/rootfs/usr/lib/openssh/sshd-session', root: '/srv/rootfs' },
  {
    pid: 202,
    ppid: 201,
    comm: 'sshd-auth',
    exe: '/srv/rootfs/usr/lib/openssh/sshd-auth',
    root: '/srv/rootfs/run/sshd',
    seccomp: 2,
  },
  { pid: 203, ppid: 201, comm: 'sshd-session', exe: '/srv/rootfs/usr/lib/openssh/sshd-session', root: '/home/jail' },
]);

describe('snapshot tracking flags', () => {
  const flags = new Map(
    scanFamily({ familyNames: ['sshd', 'sshd-session', 'sshd-auth'], selfPid: 99999, procRoot: proc }).map((p) => [
      p.pid,
      p.flags,
    ]),
  );
  const image = TRACK.FOLLOWED | TRACK.SSHD_IMAGE;

  it('never marks a whole sshd in a container or rootfs, nor its monitor, as chrooted', () => {
    assert.deepEqual([flags.get(102), flags.get(103), flags.get(200), flags.get(201)], [image, image, image, image]);
  });

  it('marks the pre-auth child chrooted and sandboxed', () => {
    const preauth = image | TRACK.CHROOTED | TRACK.SANDBOXED;
    assert.deepEqual([flags.get(104), flags.get(202)], [preauth, preauth]);
  });

  it('marks a ChrootDirectory post-auth child chrooted but not sandboxed (its pipes carry session data)', () => {
    assert.equal(flags.get(203), image | TRACK.CHROOTED);
  });
});
