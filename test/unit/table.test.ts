// The table format (replay on a terminal, watch, demo): each record kind as an operator reads it. Expected lines
// are written from the records' meaning (hand-made in ocsf-ecs-records.ts), not copied from the formatter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTable } from '../../output/table';
import { ACCEPTED, ANOMALY, INVALID_USER, OPEN_SESSION, SESSION, SESSION_START, TIMED_OUT } from './ocsf-ecs-records';

describe('table format', () => {
  it('one line per attempt: time, outcome, method, user, source (IPv6 bracketed), key', () => {
    assert.equal(
      formatTable(ACCEPTED),
      '2026-11-28 12:20:07.748329  AUTH     ACCEPTED publickey for alice from 203.0.113.5:52311 ssh-ed25519 SHA256:/fj/z+9Dm2u053fXavCvgOg5XNaONUh4FlUwoLbxe5I',
    );
    assert.equal(
      formatTable(INVALID_USER),
      '2026-11-28 12:21:00.000001  AUTH     FAILED   password for invalid user admin from [2001:db8::7]:40000',
    );
  });

  it('a session block: who, where, tty, until when and why, then each command with its outcome', () => {
    const lines = formatTable(SESSION).split('\n');
    assert.equal(
      lines[0],
      '2026-11-28 12:20:07.748329  SESSION  alice from 203.0.113.5:52311, pts/0, until 2026-11-28 12:20:17.321262 (client disconnected)',
    );
    assert.equal(lines.length, 4);
    assert.match(lines[1]!, /^ {4}12:20:07\.810168 {2}ch0 +9\.49s {2}exit 0 {2}\[4251\] -bash$/);
    assert.match(lines[2]!, /^ {4}12:20:10\.317277 {2}ch0 +0\.9ms {2}exit 2 {2}\[4260\] ls \/sshtr-missing-path$/);
    assert.match(lines[3]!, /^ {4}12:20:11\.000000 {2}ch0 +1\.50s {2}sig 9 {3}\[4261\] sleep 100$/);
  });

  it('an open session says (open), its running command, and why it is incomplete', () => {
    const lines = formatTable(OPEN_SESSION).split('\n');
    assert.match(lines[0]!, /until \(open\) \(still open when the capture ended\) {2}\[incomplete\]$/);
    assert.match(lines[1]!, / running +running +\[4261\] sleep 100$/);
    assert.equal(lines[2], '    incomplete: the capture ended during the connection');
  });

  it('LOGIN, CONNECT and ANOMALY lines', () => {
    assert.equal(
      formatTable(SESSION_START),
      `2026-11-28 12:20:07.748329  LOGIN    alice from 203.0.113.5:52311 (session ${SESSION.connection})`,
    );
    assert.equal(
      formatTable(TIMED_OUT),
      '2026-11-28 12:22:00.000000  CONNECT  from 198.51.100.9:61000, 0 attempt(s), login grace time expired',
    );
    assert.equal(formatTable(ANOMALY), `2026-11-28 12:23:00.000000  ANOMALY  events lost: ${ANOMALY.detail}`);
  });
});
