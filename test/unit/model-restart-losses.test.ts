// Loss counters are cumulative per recorder run. Captures of two runs replayed together (a restart into the same
// directory) show a second snapshot, after which the counters start from zero again: a loss in the second run must
// be reported even when the first run had lost more.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reduce } from '../../model';
import type { CountersEvent, SnapshotEvent, SnapshotProcess, TraceEvent } from '../../capture/events';

const listener: SnapshotProcess = {
  pid: 812,
  ppid: 1,
  exe: '/usr/sbin/sshd',
  argv: ['sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'],
  comm: 'sshd',
  uid: [0, 0, 0, 0],
  gid: [0, 0, 0, 0],
  auid: 4294967295,
  sessionid: 4294967295,
  startBoottime: 1e9,
  tty: '',
  root: '/',
  flags: 3,
  peer: null,
};
const snapshot = (ts: number): SnapshotEvent => ({ kind: 'snapshot', ts, processes: [listener] });
const counters = (ts: number, dropped: number): CountersEvent => ({
  kind: 'counters',
  ts,
  emitted: {},
  dropped: { fork: dropped },
  truncated: 0,
  frameDesync: 0,
  trackFailed: 0,
  readFailed: 0,
  userDropped: 0,
  unknownEvents: 0,
});
const lossAnomalies = (events: TraceEvent[]) =>
  [...reduce(events)].filter((r) => r.type === 'anomaly' && r.what === 'events lost').length;

describe('model: losses across a recorder restart', () => {
  it('reports a loss of the second run although the first run had lost more', () => {
    assert.equal(lossAnomalies([snapshot(2e9), counters(3e9, 100), snapshot(9e9), counters(10e9, 60)]), 2);
  });

  it('a process the kernel could not track, bytes it could not read, a lost frame sync: each is a loss', () => {
    for (const field of ['trackFailed', 'readFailed', 'frameDesync'] as const) {
      assert.equal(lossAnomalies([snapshot(2e9), { ...counters(3e9, 0), [field]: 2 }]), 1, field);
    }
    assert.equal(
      lossAnomalies([snapshot(2e9), { ...counters(3e9, 0), truncated: 5 }]),
      0,
      'a truncated event is flagged on itself',
    );
  });

  it('within one run, a counter that does not grow is no new loss', () => {
    assert.equal(lossAnomalies([snapshot(2e9), counters(3e9, 100), counters(4e9, 100)]), 1);
  });
});
