import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeEvents, newDecodeStats } from '../../capture/decode-events';
import { kernelEvent } from '../arbitraries/kernel-events';
import { encodeEvent } from '../../capture/encode-events';

describe('decodeEvents (properties)', () => {
  it('decodes what the kernel layout encodes, event for event', () => {
    fc.assert(
      fc.property(fc.array(kernelEvent, { maxLength: 30 }), (events) => {
        const stats = newDecodeStats();
        assert.deepStrictEqual(decodeEvents(Buffer.concat(events.map(encodeEvent)), stats), events);
        assert.equal(stats.decoded, events.length);
        assert.equal(stats.unknown + stats.malformed, 0);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary bytes, and accounts for every byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const stats = newDecodeStats();
        const events = decodeEvents(bytes, stats);
        assert.equal(events.length, stats.decoded);
        assert.ok(stats.malformed <= stats.events + 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on valid events with bytes flipped anywhere', () => {
    const mutated = fc.array(kernelEvent, { minLength: 1, maxLength: 8 }).chain((events) => {
      const raw = Buffer.concat(events.map(encodeEvent));
      return fc.tuple(
        fc.constant(raw),
        fc.array(fc.tuple(fc.nat(raw.length - 1), fc.integer({ min: 1, max: 255 })), { maxLength: 6 }),
      );
    });
    fc.assert(
      fc.property(mutated, ([raw, flips]) => {
        const copy = Buffer.from(raw);
        for (const [at, mask] of flips) copy[at]! ^= mask;
        decodeEvents(copy);
      }),
      { numRuns: 1000 },
    );
  });
});
