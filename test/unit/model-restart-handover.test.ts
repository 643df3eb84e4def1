// A recorder restarted between a listener's accept and its fork: the first recording saw the accept, /proc shows
// the connection it handed over. That connection is seeded from the snapshot, and the accept must not linger
// as pending, or the listener's next accept would report it "refused" (a connection that never existed).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reduce } from '../../model';
import type { OutputRecord } from '../../model/records';
import { runScenario } from '../sim/scenario';
import { ConnectCommand, EndPreauthCommand, fixedSetup } from '../sim/script';
import { restartStream } from '../sim/snapshot';

describe('model: an accept seen before a restart, its fork after', () => {
  it('gives the connection /proc shows, and no refusal', () => {
    // given: two clients; the recorder stops right after the first accept and restarts after the first fork
    const h = runScenario({
      setup: fixedSetup('9.2p1'),
      commands: [
        new ConnectCommand(0, 0),
        new ConnectCommand(1, 0),
        new EndPreauthCommand(0, 'drop'),
        new EndPreauthCommand(1, 'drop'),
      ],
    });
    const accept = h.events.findIndex((e) => e.kind === 'accept');
    const fork = h.events.findIndex((e) => e.kind === 'fork');
    const { stream } = restartStream(h, accept + 1, fork + 2, true, { zombies: false });

    // when
    const records: OutputRecord[] = [...reduce(stream)];

    // then: one record per connection the listener forked, none "refused"
    const connections = records.filter((r) => r.type === 'connection');
    assert.deepEqual(
      connections.map((c) => c.type === 'connection' && c.end_reason.startsWith('refused')),
      [false, false],
    );
    assert.deepEqual(
      connections.map((c) => c.pids.monitor),
      h.model.conns.map((c) => c.pids.monitor),
    );
  });
});
