// Issue #3: the same records whatever the chunking. A generated privsep history is written as a real
// capture file (header + frames of raw kernel events, as the recorder writes them) twice, cut into frames
// and 'ev' entries at different random places; replaying both files must give byte-identical records.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import type { KernelEvent, SnapshotEvent, TraceEvent } from '../../capture/events';
import type { BatchEntry, CaptureHeader } from '../../capture/format';
import { encodeFrame } from '../../capture/frame-codec';
import { FrameKind } from '../../capture/frame-header';
import { replayFiles } from '../../replay/pipeline';
import { encodeEvent } from '../../capture/encode-events';
import { sampleHeader } from '../arbitraries/captures';
import { KNOWN_GENERATION_NAMES } from '../../model/versions';
import { runScenario, scenarioArb } from '../sim/scenario';
import { zeroCounters } from '../../capture/counters';
import { CAPS } from '../../capture/layout';

const dir = mkdtempSync(join(tmpdir(), 'sshtr-chunking-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const isKernel = (e: TraceEvent): e is KernelEvent =>
  !['snapshot', 'clock', 'counters', 'capture_end', 'gap'].includes(e.kind);

function headerFor(events: readonly TraceEvent[]): CaptureHeader {
  const snapshot = events.find((e): e is SnapshotEvent => e.kind === 'snapshot');
  const clock = events.find((e) => e.kind === 'clock');
  return sampleHeader({
    snapshot: snapshot?.processes ?? [],
    passwd: (snapshot?.users ?? []).map(([name, uid]) => [name, uid, uid, `/home/${name}`, '/bin/bash'] as const),
    opensshVersions: snapshot?.opensshVersions ?? {},
    clock: clock?.kind === 'clock' ? { ts: clock.ts, realtimeNs: clock.realtimeNs } : sampleHeader().clock,
  });
}

/** Frames of `entriesPerFrame` entries, each entry holding `eventsPerEntry` raw kernel events. */
function writeCapture(
  path: string,
  events: readonly TraceEvent[],
  eventsPerEntry: number,
  entriesPerFrame: number,
): void {
  const raw = events.filter(isKernel).map(encodeEvent);
  const entries: BatchEntry[] = [];
  for (let i = 0; i < raw.length; i += eventsPerEntry)
    entries.push({ k: 'ev', d: Buffer.concat(raw.slice(i, i + eventsPerEntry)) });
  const frames = [encodeFrame(FrameKind.FileHeader, 0, headerFor(events))];
  for (let i = 0; i < entries.length; i += entriesPerFrame)
    frames.push(encodeFrame(FrameKind.Batch, frames.length, entries.slice(i, i + entriesPerFrame)));
  const last = events[events.length - 1]!;
  frames.push(
    encodeFrame(FrameKind.Trailer, frames.length, {
      k: 'end',
      ts: last.ts,
      clean: true,
      reason: 'stopped',
      counters: noCounters,
    }),
  );
  writeFileSync(path, Buffer.concat(frames));
}

const noCounters = zeroCounters({}, CAPS.EV_MAX);

const chunking = fc.record({
  eventsPerEntry: fc.integer({ min: 1, max: 40 }),
  entriesPerFrame: fc.integer({ min: 1, max: 6 }),
});

describe('model: chunking', () => {
  it('gives the same records whatever the frame and entry boundaries of the capture', async () => {
    let n = 0;
    let withRecords = 0;
    const history = fc.constantFrom(...KNOWN_GENERATION_NAMES).chain((g) => scenarioArb(g));
    await fc.assert(
      fc.asyncProperty(history, chunking, chunking, async (scenario, a, b) => {
        const { events } = runScenario(scenario);
        const pa = join(dir, `${n}-a.sshtrace`);
        const pb = join(dir, `${n++}-b.sshtrace`);
        writeCapture(pa, events, a.eventsPerEntry, a.entriesPerFrame);
        writeCapture(pb, events, b.eventsPerEntry, b.entriesPerFrame);
        const [ra, rb] = [await replayFiles([pa]), await replayFiles([pb])];
        if (ra.length > 0) withRecords++;
        assert.equal(JSON.stringify(ra), JSON.stringify(rb));
      }),
      { numRuns: 60 },
    );
    assert.ok(withRecords >= 20, `only ${withRecords} of the histories gave records: the property proved little`);
  });
});
