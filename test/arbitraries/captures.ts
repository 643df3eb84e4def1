// Generators of capture contents (header, batch entries, trailer) and of damage done to a capture's
// bytes (flips, cuts, duplicated frames, truncation), with an oracle of which frames stay intact.
import fc from 'fast-check';
import type { BatchEntry, CaptureHeader, CounterFields, Trailer } from '../../capture/format';
import { encodeFrame } from '../../capture/frame-codec';
import { FrameKind } from '../../capture/frame-header';
import { COUNTER_NAMES, zeroCounters } from '../../capture/counters';
import { CAPS } from '../../capture/layout';

const nat = fc.maxSafeNat();
const perType = fc.array(fc.nat(), { minLength: CAPS.EV_MAX, maxLength: CAPS.EV_MAX });
const counterFields: fc.Arbitrary<CounterFields> = fc
  .record({
    emitted: perType,
    dropped: perType,
    ...Object.fromEntries(COUNTER_NAMES.map((name) => [name, nat])),
  })
  .map((c) => zeroCounters(c as Partial<CounterFields>));

export const batchEntry: fc.Arbitrary<BatchEntry> = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }).map((d): BatchEntry => ({ k: 'ev', d: Uint8Array.from(d) })),
  fc.tuple(nat, counterFields).map(([ts, c]): BatchEntry => ({ k: 'counters', ts, ...c })),
  fc.tuple(nat, nat).map(([ts, realtimeNs]): BatchEntry => ({ k: 'clock', ts, realtimeNs })),
  fc.tuple(nat, fc.string()).map(([ts, text]): BatchEntry => ({ k: 'note', ts, text })),
);

export function sampleHeader(overrides: Partial<CaptureHeader> = {}): CaptureHeader {
  return {
    format: 1,
    tool: 'sshtrace',
    toolVersion: '0.1.0',
    eventsLayout: 1,
    hostname: 'testhost',
    kernelRelease: '6.18.0',
    bootId: '0d7c1b2e-0000-4000-8000-000000000001',
    startedAt: '2025-11-28T11:00:00.000Z',
    clock: { ts: 5_000_000_000, realtimeNs: 1_764_327_600_000_000_000 },
    segment: { index: 0 },
    passwd: [
      ['root', 0, 0, '/root', '/bin/bash'],
      ['sshtr_alice', 1001, 1001, '/home/sshtr_alice', '/bin/bash'],
    ],
    group: [
      ['root', 0, []],
      ['sshtr_alice', 1001, ['sshtr_alice']],
    ],
    snapshot: [],
    opensshVersions: { '/usr/sbin/sshd': 'OpenSSH_9.2p1' },
    options: { familyNames: ['sshd'] },
    ...overrides,
  };
}

export interface CaptureSpec {
  readonly header: CaptureHeader;
  readonly batches: readonly (readonly BatchEntry[])[];
  readonly trailer: Trailer | null;
}

export const captureSpec: fc.Arbitrary<CaptureSpec> = fc
  .record({
    batches: fc.array(fc.array(batchEntry, { minLength: 1, maxLength: 5 }), { maxLength: 8 }),
    trailer: fc.option(
      fc
        .tuple(nat, counterFields)
        .map(([ts, counters]): Trailer => ({ k: 'end', ts, clean: true, reason: 'stopped', counters })),
    ),
  })
  .map(({ batches, trailer }) => ({ header: sampleHeader(), batches, trailer }));

export interface BuiltCapture {
  readonly bytes: Buffer;
  readonly frames: readonly Buffer[];
}

/** The frames the writer would produce: header (seq 0), one per batch, then the trailer. */
export function buildCapture(spec: CaptureSpec): BuiltCapture {
  const frames = [encodeFrame(FrameKind.FileHeader, 0, spec.header)];
  for (const [i, entries] of spec.batches.entries()) frames.push(encodeFrame(FrameKind.Batch, i + 1, entries));
  if (spec.trailer) frames.push(encodeFrame(FrameKind.Trailer, frames.length, spec.trailer));
  return { bytes: Buffer.concat(frames), frames };
}

export type Mutation =
  | { readonly op: 'flip'; readonly at: number; readonly mask: number }
  | { readonly op: 'cut'; readonly at: number; readonly length: number }
  | { readonly op: 'duplicate'; readonly frame: number; readonly at: number }
  | { readonly op: 'truncate'; readonly at: number };

/** Positions are fractions of the current length, so any mutation applies to any file. */
export const mutation: fc.Arbitrary<Mutation> = fc
  .oneof(
    fc.record({ op: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ op: fc.constant('cut' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 400 }) }),
    fc.record({ op: fc.constant('duplicate' as const), frame: fc.nat(), at: fc.nat() }),
    fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  )
  .map((m) => ({ ...m }));

export function applyMutation(bytes: Buffer, frames: readonly Buffer[], m: Mutation): Buffer {
  if (bytes.length === 0) return bytes;
  const at = m.at % bytes.length;
  switch (m.op) {
    case 'flip': {
      const copy = Buffer.from(bytes);
      copy[at]! ^= m.mask;
      return copy;
    }
    case 'cut':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)]);
    case 'duplicate':
      return Buffer.concat([bytes.subarray(0, at), frames[m.frame % frames.length]!, bytes.subarray(at)]);
    case 'truncate':
      return bytes.subarray(0, at);
  }
}

/** Oracle: every place an original frame still appears byte for byte, in file order. */
export function intactFrames(bytes: Buffer, frames: readonly Buffer[]): { offset: number; seq: number }[] {
  const found: { offset: number; seq: number }[] = [];
  frames.forEach((frame, seq) => {
    for (let at = bytes.indexOf(frame); at !== -1; at = bytes.indexOf(frame, at + 1)) found.push({ offset: at, seq });
  });
  return found.sort((a, b) => a.offset - b.offset);
}
