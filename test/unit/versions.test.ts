// The OpenSSH versions table (model/versions.ts) and the generation detection that reads it (model/generation.ts):
// the facts as docs/openssh-versions.md records them, and the rules the model, the recorder and the simulator share.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FAMILY_NAMES,
  INSTALL_PATHS,
  bareVersion,
  generationOfVersion,
  hasFeature,
  preauthExitReasons,
  versionAtLeast,
  versionInBanner,
} from '../../model/versions';
import { generationInSnapshot, generationOnMonitorExec, generationOnPreauthExec } from '../../model/generation';
import { RELEASES, perConnectionBinary, preauthBinary } from '../sim/world';

const CLOSED = 'connection closed before authentication completed';

describe('the OpenSSH versions table', () => {
  it('names the family and where Debian, then upstream, install it', () => {
    assert.deepEqual(FAMILY_NAMES, ['sshd', 'sshd-session', 'sshd-auth']);
    assert.deepEqual(INSTALL_PATHS, [
      '/usr/sbin/sshd',
      '/usr/lib/openssh/sshd-session',
      '/usr/lib/openssh/sshd-auth',
      '/usr/libexec/sshd-session',
      '/usr/libexec/sshd-auth',
    ]);
  });

  it('reads pre-auth exit codes per generation (sigdie/fatal up to 9.7, srclimit.h from 9.8)', () => {
    assert.deepEqual(preauthExitReasons('unknown'), { 255: CLOSED });
    assert.deepEqual(preauthExitReasons('8.4-9.7'), { 255: CLOSED, 1: 'login grace time expired' });
    const srclimit = {
      255: CLOSED,
      0: 'connection closed',
      3: 'login grace time expired',
      4: 'pre-auth child crashed',
      5: 'authentication failed',
      6: 'connection refused by configuration',
    };
    assert.deepEqual(preauthExitReasons('9.8-9.9'), srclimit);
    assert.deepEqual(preauthExitReasons('10.0+'), { ...srclimit, 7: 'invalid user' });
  });

  it('places each version in its generation, and dates the differences inside one', () => {
    const cases = [
      ['8.4p1', '8.4-9.7'],
      ['9.7p1', '8.4-9.7'],
      ['9.8p1', '9.8-9.9'],
      ['10.0p2', '10.0+'],
      ['10.10p1', '10.0+'],
    ];
    for (const [version, generation] of cases) assert.equal(generationOfVersion(version!), generation, version);
    assert.equal(generationOfVersion('8.3p1'), null);
    assert.deepEqual(
      ['8.4p1', '8.5p1'].map((v) => hasFeature(v, 'pwnamFields')),
      [false, true],
    );
    assert.deepEqual(
      ['10.2p1', '10.3p1', '10.6p1'].map((v) => hasFeature(v, 'bannerBySshdAuth')),
      [false, true, true],
    );
    assert.equal(versionAtLeast('not a version', '8.4'), false);
  });

  it("reads versions from a binary's string and from the banner", () => {
    assert.equal(bareVersion('OpenSSH_9.2p1'), '9.2p1');
    assert.equal(versionInBanner('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3'), '9.2p1');
    assert.equal(versionInBanner('SSH-2.0-dropbear_2022.83'), null);
  });

  it('gives the simulator the binaries each release execs', () => {
    const plays = RELEASES.map((r) => [r.version, perConnectionBinary(r), preauthBinary(r)]);
    assert.deepEqual(plays, [
      ['8.4p1', '/usr/sbin/sshd', null],
      ['9.2p1', '/usr/sbin/sshd', null],
      ['9.9p1', '/usr/lib/openssh/sshd-session', null],
      ['10.0p2', '/usr/lib/openssh/sshd-session', '/usr/lib/openssh/sshd-auth'],
      ['10.6p1', '/usr/lib/openssh/sshd-session', '/usr/lib/openssh/sshd-auth'],
    ]);
    assert.deepEqual(
      RELEASES.map((r) => r.generation.rootPostauthChild),
      [false, false, true, true, true],
    );
  });
});

describe('generation detection', () => {
  it("from the per-connection process's exec: the listener's binary with -R, or another binary", () => {
    assert.equal(
      generationOnMonitorExec('/usr/sbin/sshd', ['/usr/sbin/sshd', '-D', '-R'], '/usr/sbin/sshd'),
      '8.4-9.7',
    );
    assert.equal(generationOnMonitorExec('/usr/sbin/sshd', ['/usr/sbin/sshd', '-t'], '/usr/sbin/sshd'), 'unknown');
    assert.equal(generationOnMonitorExec('/usr/lib/openssh/sshd-session', ['x', '-R'], '/usr/sbin/sshd'), '9.8-9.9');
    assert.equal(generationOnMonitorExec('/usr/lib/openssh/sshd-session', ['x', '-R'], null), 'unknown');
    assert.equal(generationOnPreauthExec(), '10.0+');
  });

  it('from /proc: the binaries running, and the version in the capture header', () => {
    const [sshd, session, auth] = ['/usr/sbin/sshd', '/usr/lib/openssh/sshd-session', '/usr/lib/openssh/sshd-auth'];
    assert.equal(generationInSnapshot(sshd, sshd, [sshd], '9.2p1'), '8.4-9.7');
    assert.equal(generationInSnapshot(sshd, session, [session], '9.9p1'), '9.8-9.9');
    assert.equal(generationInSnapshot(sshd, session, [auth], ''), '10.0+');
    assert.equal(generationInSnapshot(sshd, session, [], '10.0p2'), '10.0+');
    assert.equal(generationInSnapshot('', session, [], '10.0p2'), 'unknown');
  });
});
