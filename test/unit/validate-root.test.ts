// Unit tests for the --root validation helper, on small fake trees (no root, no network).
// Run: npx tsc -p . && node --test dist/corpus/rootfs/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPrivsepUser, resolveInRoot, validateRoot } from '../../harness/rootfs/validate-root';
import { findRelease } from '../../harness/rootfs/releases';
import { MARKER_FILE, readMarker } from '../../harness/rootfs/ensure-rootfs';

const PASSWD_WITH_SSHD = 'root:x:0:0:root:/root:/bin/bash\nsshd:x:101:65534::/run/sshd:/usr/sbin/nologin\n';

function fakeTree(files: Record<string, string>, executables: readonly string[] = []): string {
  const root = mkdtempSync(join(tmpdir(), 'sshtr_rootfs_test_'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
    if (executables.includes(path)) chmodSync(join(root, path), 0o755);
  }
  return root;
}

test('a tree with sshd, ssh-keygen and the sshd user is valid', (t) => {
  const root = fakeTree({ 'usr/sbin/sshd': '', 'usr/bin/ssh-keygen': '', 'etc/passwd': PASSWD_WITH_SSHD }, [
    'usr/sbin/sshd',
    'usr/bin/ssh-keygen',
  ]);
  t.after(() => rmSync(root, { recursive: true }));
  const valid = validateRoot(root);
  assert.equal(valid.sshd, '/usr/sbin/sshd');
  assert.equal(valid.sshKeygen, '/usr/bin/ssh-keygen');
  assert.deepEqual(valid.privsepUser, { name: 'sshd', uid: 101, gid: 65534, home: '/run/sshd' });
  assert.equal(valid.sshdSession, null);
});

test('a missing sshd, a non-executable ssh-keygen or a missing privsep user each say what to install', (t) => {
  const noSshd = fakeTree({ 'usr/bin/ssh-keygen': '', 'etc/passwd': PASSWD_WITH_SSHD }, ['usr/bin/ssh-keygen']);
  const plainKeygen = fakeTree({ 'usr/sbin/sshd': '', 'usr/bin/ssh-keygen': '', 'etc/passwd': PASSWD_WITH_SSHD }, [
    'usr/sbin/sshd',
  ]);
  const noUser = fakeTree(
    { 'usr/sbin/sshd': '', 'usr/bin/ssh-keygen': '', 'etc/passwd': 'root:x:0:0::/root:/bin/sh\n' },
    ['usr/sbin/sshd', 'usr/bin/ssh-keygen'],
  );
  t.after(() => {
    for (const r of [noSshd, plainKeygen, noUser]) rmSync(r, { recursive: true });
  });
  assert.throws(() => validateRoot(noSshd), /no sshd binary.*install openssh-server/);
  assert.throws(() => validateRoot(plainKeygen), /no ssh-keygen; install openssh-client/);
  assert.throws(() => validateRoot(noUser), /no privsep user/);
  assert.throws(() => validateRoot(join(noUser, 'absent')), /not a directory/);
});

test('absolute symlinks resolve inside the root, as on a merged-/usr tree', (t) => {
  const root = fakeTree(
    {
      'usr/sbin/sshd': '',
      'usr/bin/ssh-keygen': '',
      'usr/lib/openssh/sshd-session': '',
      'etc/passwd': PASSWD_WITH_SSHD,
    },
    ['usr/sbin/sshd', 'usr/bin/ssh-keygen', 'usr/lib/openssh/sshd-session'],
  );
  symlinkSync('/usr/sbin', join(root, 'sbin'));
  symlinkSync('usr/lib', join(root, 'lib'));
  t.after(() => rmSync(root, { recursive: true }));
  assert.equal(resolveInRoot(root, '/sbin/sshd'), join(root, 'usr/sbin/sshd'));
  assert.equal(resolveInRoot(root, '/lib/openssh/../openssh/sshd-session'), join(root, 'usr/lib/openssh/sshd-session'));
  assert.equal(validateRoot(root).sshdSession, '/usr/lib/openssh/sshd-session');
});

test('the privsep user is found by name, not by position', () => {
  assert.equal(findPrivsepUser('a:x:1:1::/:/bin/sh\n_sshd:x:75:75::/var/empty:/bin/false\n')?.uid, 75);
  assert.equal(findPrivsepUser('sshdx:x:1:1::/:/bin/sh\n'), null);
});

test('a tree is complete only once its marker exists', (t) => {
  const root = fakeTree({ 'etc/passwd': '' });
  t.after(() => rmSync(root, { recursive: true }));
  assert.equal(readMarker(root), null);
  writeFileSync(join(root, MARKER_FILE), JSON.stringify({ release: 'trixie', opensshVersion: '1:10.0p1-7' }));
  assert.equal(readMarker(root)?.opensshVersion, '1:10.0p1-7');
});

test('unknown releases are refused with the list of known ones', () => {
  assert.throws(() => findRelease('buster'), /use one of bullseye, bookworm, trixie, sid/);
});
