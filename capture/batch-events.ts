// Upcast capture entries → TraceEvents: 'ev' entries through the kernel-event decoder, counters by kind,
// clock pairs, recorder notes, the header's snapshot and the trailer.
import type { CaptureEndEvent, ClockEvent, CountersEvent, GapEvent, SnapshotEvent, TraceEvent } from './events';
import type { BatchEntry, CaptureHeader, CounterFields, Trailer } from './format';
import { EVENT_COUNTERS, type EventCounterField } from './counters';
import { decodeEvents, type DecodeStats } from './decode-events';
import { KIND_BY_TYPE } from './layout';
import type { InvalidEntry } from './upcast';

export function headerEvents(header: CaptureHeader): [SnapshotEvent, ClockEvent] {
  return [
    {
      kind: 'snapshot',
      ts: header.clock.ts,
      processes: header.snapshot,
      opensshVersions: header.opensshVersions,
      users: header.passwd.map(([name, uid]) => [name, uid] as const),
    },
    { kind: 'clock', ts: header.clock.ts, realtimeNs: header.clock.realtimeNs },
  ];
}

function byKind(values: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  values.forEach((count, type) => {
    if (count !== 0) out[KIND_BY_TYPE[type] ?? `type_${type}`] = count;
  });
  return out;
}

function countersEvent(ts: number, c: CounterFields, unknownEvents: number): CountersEvent {
  const scalars = Object.fromEntries(EVENT_COUNTERS.map(({ name, field }) => [field, c[name]])) as Record<
    EventCounterField,
    number
  >;
  return { kind: 'counters', ts, emitted: byKind(c.emitted), dropped: byKind(c.dropped), ...scalars, unknownEvents };
}

export function gap(ts: number, reason: string, bytes: number): GapEvent {
  return { kind: 'gap', ts, reason, bytes };
}

export function trailerEvent(trailer: Trailer): CaptureEndEvent {
  return { kind: 'capture_end', ts: trailer.ts, clean: true, reason: trailer.reason };
}

export const NO_TRAILER_REASON = 'capture ended without a trailer (recorder killed or file cut)';

/** Events of one batch entry; `lastTs` dates the gaps that have no time of their own. */
export function entryEvents(entry: BatchEntry | InvalidEntry, stats: DecodeStats, lastTs: number): TraceEvent[] {
  switch (entry.k) {
    case 'ev':
      return evEvents(entry.d, stats, lastTs);
    case 'counters':
      return [countersEvent(entry.ts, entry, stats.unknown)];
    case 'clock':
      return [{ kind: 'clock', ts: entry.ts, realtimeNs: entry.realtimeNs }];
    case 'note':
      // The model has no note event: a recorder anomaly is reported as a gap of 0 bytes.
      return [gap(entry.ts, `recorder note: ${entry.text}`, 0)];
    case 'invalid':
      return [gap(lastTs, entry.reason, 0)];
  }
}

function evEvents(bytes: Uint8Array, stats: DecodeStats, lastTs: number): TraceEvent[] {
  const before = {
    unknown: stats.unknown,
    unknownBytes: stats.unknownBytes,
    malformed: stats.malformed,
    malformedBytes: stats.malformedBytes,
  };
  const events: TraceEvent[] = decodeEvents(bytes, stats);
  const unknown = stats.unknown - before.unknown;
  const malformed = stats.malformed - before.malformed;
  const ts = events.length > 0 ? events[events.length - 1]!.ts : lastTs;
  if (unknown > 0) {
    const types = [...stats.unknownTypes].sort((a, b) => a - b).join(', ');
    events.push(
      gap(
        ts,
        `${unknown} kernel record(s) of unknown type (types seen: ${types})`,
        stats.unknownBytes - before.unknownBytes,
      ),
    );
  }
  if (malformed > 0) {
    events.push(gap(ts, `${malformed} malformed kernel record(s)`, stats.malformedBytes - before.malformedBytes));
  }
  return events;
}
