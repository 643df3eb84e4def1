import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../capture/errors';
import { CAPS, EV } from '../../capture/layout';
import { LossMonitor } from '../../record/loss-monitor';
import { summaryLine } from '../../cli/record/run';
import { familyNames, MIN_ARGV_CAP, recordOptions, ringBufferBytes } from '../../record/record-options';
import { counters } from '../arbitraries/fake-tracer';

const args = {
  output: '/tmp/x.sshtrace',
  force: false,
  familyNames: 'sshd,sshd-session,sshd-auth',
  ringBufferSize: '16M',
  argvCap: 4096,
  fileWrites: false,
};
const usage = (pattern: RegExp) => (e: unknown) => e instanceof UsageError && pattern.test(e.message);

describe('record options', () => {
  it('turns the command line into tracer settings', () => {
    assert.deepEqual(recordOptions({ ...args, duration: 60 }), {
      output: '/tmp/x.sshtrace',
      durationS: 60,
      force: false,
      familyNames: ['sshd', 'sshd-session', 'sshd-auth'],
      ringBufferBytes: 16 * 1024 * 1024,
      argvCap: 4096,
      fileWrites: false,
      syscallSends: false,
    });
    assert.equal(recordOptions({ ...args, sendHook: 'syscalls' }).syscallSends, true);
    assert.equal(recordOptions({ ...args, sendHook: 'auto' }).syscallSends, false);
  });

  it('takes sizes with K/M/G suffixes, powers of two only', () => {
    assert.equal(ringBufferBytes('4K'), 4096);
    assert.equal(ringBufferBytes('64m'), 64 * 1024 * 1024);
    assert.equal(ringBufferBytes('1G'), 1024 ** 3);
    assert.throws(() => ringBufferBytes('3M'), usage(/power of two/));
    assert.throws(() => ringBufferBytes('2K'), usage(/from 4K/));
    assert.throws(() => ringBufferBytes('lots'), usage(/not lots/));
  });

  it('checks family names against the limits of bpf/events.h (how many, how long with the NUL) and refuses paths', () => {
    const { FAMILY_NAMES, FAMILY_NAME_LEN } = CAPS;
    assert.deepEqual(familyNames(' sshd , sshd-session,,sshd '), ['sshd', 'sshd-session']);
    const tooMany = Array.from({ length: FAMILY_NAMES + 1 }, (_, i) => `sshd${i}`).join(',');
    assert.throws(() => familyNames(tooMany), usage(new RegExp(`at most ${FAMILY_NAMES} names`)));
    assert.throws(() => familyNames('/usr/sbin/sshd'), usage(/basenames, not paths/));
    const longest = 's'.repeat(FAMILY_NAME_LEN - 1);
    assert.deepEqual(familyNames(longest), [longest]);
    assert.throws(
      () => familyNames('s'.repeat(FAMILY_NAME_LEN)),
      usage(new RegExp(`longer than ${FAMILY_NAME_LEN - 1} bytes`)),
    );
    assert.throws(() => familyNames(','), usage(/at least one/));
  });

  it('rejects a non-positive duration and an argv cap beyond the kernel buffer', () => {
    assert.throws(() => recordOptions({ ...args, duration: 0 }), usage(/--duration/));
    const range = `${MIN_ARGV_CAP} to ${CAPS.ARGV_CAP_MAX}`;
    assert.throws(
      () => recordOptions({ ...args, argvCap: CAPS.ARGV_CAP_MAX + 1 }),
      usage(new RegExp(`--argv-cap .* ${range}`)),
    );
    // The filename shares the cap: cut short, /usr/lib/openssh/sshd-session would no longer name the family.
    assert.throws(() => recordOptions({ ...args, argvCap: 16 }), usage(new RegExp(`--argv-cap .* ${range}, not 16`)));
  });
});

describe('loss warnings', () => {
  it('warns at once, then at most once per interval, about the losses since the last warning', () => {
    let now = 0;
    const lines: string[] = [];
    const monitor = new LossMonitor(
      (l) => lines.push(l),
      10_000,
      () => now,
    );
    const dropped = (n: number) => {
      const d = Array(CAPS.EV_MAX).fill(0);
      d[EV.EXEC] = n;
      return d;
    };
    monitor.observe(counters());
    monitor.observe(counters({ dropped: dropped(5) }));
    now = 3_000;
    monitor.observe(counters({ dropped: dropped(8) })); // within the interval: silent
    now = 11_000;
    monitor.observe(counters({ dropped: dropped(8), userDroppedRecords: 2 }));
    assert.deepEqual(lines, [
      'sshtrace: warning: 5 records dropped in the kernel (ring buffer full: raise --ring-buffer-size)',
      'sshtrace: warning: 3 records dropped in the kernel (ring buffer full: raise --ring-buffer-size); 2 records dropped in user space (the recorder fell behind)',
    ]);
    assert.deepEqual(monitor.totals, { ringBuffer: 8, userDroppedRecords: 2, trackFailed: 0, malformed: 0 });
  });

  it('summarises a recording in one line', () => {
    const line = summaryLine(
      {
        reason: 'interrupted (SIGINT)',
        events: 4521,
        bytes: 3 * 1024 * 1024,
        frames: 15,
        seconds: 12.34,
        losses: { ringBuffer: 0, userDroppedRecords: 0, trackFailed: 0, malformed: 0 },
        snapshot: [],
      },
      '/var/tmp/a.sshtrace',
    );
    assert.equal(
      line,
      'sshtrace: stopped (interrupted (SIGINT)) after 12.3 s: 4521 events, 3.00 MiB in 15 frames written to /var/tmp/a.sshtrace; no losses',
    );
  });
});
