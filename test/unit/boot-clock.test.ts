import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { BootClock, calibrate, readUptimeCentiseconds } from '../../record/boot-clock';

const python = spawnSync('python3', ['-c', 'import time; time.CLOCK_BOOTTIME']).status === 0;

describe('BootClock', () => {
  it('finds a tick of a coarse clock to within its bracket', () => {
    // A fake clock in 1 ms steps whose value is monotonic time / 1 ms + 500: offset 500 ms exactly.
    const fake = () => Math.floor(Number(process.hrtime.bigint()) / 1e6) + 500;
    const c = calibrate(fake, 1e6, 1e9);
    assert.ok(Math.abs(c.offsetNs - 500e6) <= c.precisionNs + 1, `offset ${c.offsetNs} ± ${c.precisionNs}`);
    assert.ok(c.precisionNs < 1e6 / 4);
  });

  it('reads /proc/uptime in centiseconds', () => {
    const cs = readUptimeCentiseconds();
    assert.ok(Number.isInteger(cs) && cs > 0);
  });

  it('matches CLOCK_BOOTTIME and CLOCK_REALTIME as the kernel gives them', {
    skip: python ? false : 'python3 not found',
  }, () => {
    const clock = new BootClock();
    // Expected offsets from the kernel itself: boottime − monotonic and realtime − monotonic, read back to back.
    const script =
      'import time\nm=time.clock_gettime_ns(time.CLOCK_MONOTONIC)\nb=time.clock_gettime_ns(time.CLOCK_BOOTTIME)\n' +
      'r=time.clock_gettime_ns(time.CLOCK_REALTIME)\nprint(b-m, r-m)';
    const [bootOffset, realOffset] = spawnSync('python3', ['-c', script], { encoding: 'utf8' })
      .stdout.trim()
      .split(' ')
      .map(Number);
    const mono = Number(process.hrtime.bigint());
    const pair = clock.now();
    // Generous: python's reads can be preempted on a loaded machine; a wrong unit or clock is off by far more.
    const slack = 2_000_000;
    assert.ok(
      Math.abs(pair.ts - mono - bootOffset!) <= clock.precisionNs.boot + slack,
      `boot off by ${pair.ts - mono - bootOffset!} ns`,
    );
    assert.ok(
      Math.abs(pair.realtimeNs - mono - realOffset!) <= clock.precisionNs.real + slack,
      `real off by ${pair.realtimeNs - mono - realOffset!} ns`,
    );
    assert.ok(clock.precisionNs.boot < 1_000_000, `boot precision ${clock.precisionNs.boot} ns`);
  });
});
