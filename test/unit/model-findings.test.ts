// Reducer findings from the privsep oracle (test/property/model-oracle.test.ts), one minimal history each; each says
// what sshd really does, with the 9.2p1 source line. Fixed ones stay as regression tests; an open one is a todo (it
// runs and is reported, but does not fail the suite) and its generator feature is in OPEN_FINDINGS.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  ConnectCommand,
  DeniedLoginCommand,
  EndPreauthCommand,
  EndSessionCommand,
  FailCommand,
  RefuseCommand,
  SucceedCommand,
  fixedSetup,
  play,
} from '../sim/script';

describe('model findings', () => {
  // sshd.c:1343 server_accept_loop: drop_connection() → close(*newsock); continue — accept() with no fork.
  // The model queues every accepted peer and hands the oldest to the next fork, so the refused peer is given to
  // the next connection and every later one is shifted by one. (9.8+ PerSourcePenalties refusals do the same.)
  for (const version of ['9.2p1', '10.0p2']) {
    it(`gives each connection its own client after the listener refused one at MaxStartups (${version})`, () => {
      const { connections } = play(fixedSetup(version), [
        new RefuseCommand(1, 0), // 10.0.0.7 port 40000: accepted, refused, closed
        new ConnectCommand(0, 0), // 127.0.0.1 port 40000
        new EndPreauthCommand(0, 'drop'),
      ]);
      assert.deepEqual(
        connections.map((c) => [c.source, c.end_reason.startsWith('refused') ? 'refused' : 'ran']),
        [
          [{ ip: '10.0.0.7', port: 40000 }, 'refused'], // its own record, for the accept that never forked
          [{ ip: '127.0.0.1', port: 40000 }, 'ran'],
        ],
      );
    });
  }

  // Fixed. sshd.c server_accept_loop: drop_connection() closes the refused socket at once, in the same loop turn.
  // The model learns of the refusal at the listener's next accept; it used to report that accept's time as the
  // refused connection's end, so a refusal at 10:00 followed by the next client at 14:00 showed as a 4-hour connection.
  it('ends a refused connection when the listener refused it, not at its next accept', () => {
    const { history, connections } = play(fixedSetup('9.2p1', { gapsNs: [50_000, 3_000, 30_000_000] }), [
      new RefuseCommand(1, 0),
      new ConnectCommand(0, 0),
      new EndPreauthCommand(0, 'drop'),
    ]);
    const refused = connections.find((c) => c.end_reason.startsWith('refused'))!;
    const accepts = history.events.filter((e) => e.kind === 'accept');
    assert.equal(accepts.length, 2);
    assert.equal(
      refused.end,
      refused.start,
      `closed at once, not at the next accept ${accepts[1]!.ts - accepts[0]!.ts} ns later`,
    );
  });

  // monitor.c:208 PAM_FREE_CTX is MON_AUTHDECIDE; mm_answer_pam_free_ctx (monitor.c:1173) returns 0 for a wrong
  // answer and monitor_child_preauth (monitor.c:353) auth_log()s "Failed keyboard-interactive/pam". The wire shows
  // ANS_PAM_RESPOND 1 ("more", auth-pam.c:975 sshpam_respond), then ANS_PAM_QUERY -1 (auth-pam.c:892 PAM_AUTH_ERR),
  // then PAM_FREE_CTX / ANS_PAM_FREE_CTX (auth2-chall.c input_userauth_info_response → auth2_challenge_stop).
  // The model waits for ANS_PAM_RESPOND 0/-1, so a failed kbd-int attempt is never reported.
  it('reports a wrong keyboard-interactive answer as a failed attempt', () => {
    const { auths } = play(fixedSetup('9.2p1'), [
      new ConnectCommand(0, 0),
      new FailCommand(0, 'sshtr_alice', 'keyboard-interactive', 0, 0),
      new SucceedCommand(0, 'sshtr_alice', 'password', true, 0),
      new EndSessionCommand(0, 'disconnect'),
    ]);
    assert.deepEqual(
      auths.map((a) => [a.method, a.success]),
      [
        ['keyboard-interactive', false],
        ['password', true],
      ],
    );
  });

  // monitor.c:334 monitor_child_preauth: a verified key for root is turned into a failure when
  // !auth_root_allowed() (PermitRootLogin no), before any PAM_ACCOUNT, and auth_log()ged (monitor.c:353);
  // auth2.c:384-388 the child sends AUDIT_EVENT ROOT_DENIED and counts a failure. No KEYEXPORT follows and the
  // pre-auth child never exits 0; the model keeps the attempt pending until another request, or forever.
  it("reports root's refused login under PermitRootLogin no as a failure, even if the client leaves", () => {
    const { auths, connections } = play(fixedSetup('9.2p1', { permitRootLogin: 'no' }), [
      new ConnectCommand(0, 0),
      new DeniedLoginCommand(0, 'root', 'publickey', 0),
      new EndPreauthCommand(0, 'drop'),
    ]);
    assert.deepEqual(
      auths.map((a) => [a.user, a.method, a.success]),
      [['root', 'publickey', false]],
    );
    assert.deepEqual(
      connections.map((c) => c.attempts),
      [1],
    );
  });

  it('does not report a root login that PermitRootLogin no refused, without PAM', () => {
    // Without PAM the model takes ANS_KEYVERIFY ret=0 as the login: it reports a successful root login and a
    // session that never existed (the pre-auth child exits 255, there is no KEYEXPORT and no post-auth child).
    const { auths, sessions, connections } = play(fixedSetup('9.9p1', { permitRootLogin: 'no', usePam: false }), [
      new ConnectCommand(0, 0),
      new DeniedLoginCommand(0, 'root', 'publickey', 0),
      new EndPreauthCommand(0, 'drop'),
    ]);
    assert.deepEqual(
      auths.map((a) => [a.user, a.success]),
      [['root', false]],
    );
    assert.deepEqual(sessions, []);
    assert.equal(connections.length, 1);
  });

  // model/snapshot.ts seedChannel walks children with a queue and no visited set: a snapshot that lists a pid twice
  // (or any parent cycle reachable from a channel) makes onSnapshot loop until the heap is exhausted. "step never
  // throws" should include "never hangs"; the recorder's own subtree() (record/proc-snapshot.ts) keeps a seen set.
  it('returns from a snapshot that lists a channel process twice', () => {
    const script = `
      const { step, initialState, finish } = require(${JSON.stringify(require.resolve('../../model'))});
      const proc = (pid, ppid, sid) => ({ pid, ppid, exe: '/usr/sbin/sshd', argv: ['sshd'], comm: 'sshd',
        uid: [0, 0, 0, 0], gid: [0, 0, 0, 0], auid: 0, sessionid: 0, startBoottime: 1, tty: '', root: '/', flags: 3,
        peer: null, sid });
      const processes = [proc(100, 1), proc(300, 100), proc(301, 300, 301), proc(301, 301)];
      finish(step(initialState, { kind: 'snapshot', ts: 1, processes })[0]);
      console.log('returned');`;
    const run = spawnSync(process.execPath, ['--max-old-space-size=64', '-e', script], {
      timeout: 5000,
      encoding: 'utf8',
    });
    assert.equal(
      run.stdout.trim(),
      'returned',
      `onSnapshot did not return (status ${run.status}, signal ${run.signal})`,
    );
  });
});
