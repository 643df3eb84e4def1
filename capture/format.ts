// The values stored in frames (format 1, docs/capture-format.md): what the writer encodes and what the
// reader's upcasters produce, whatever format version the file was written in.
import type { CounterFields } from './counters';
import type { SnapshotProcess } from './events';

export const CAPTURE_FORMAT = 1;
export const TOOL_NAME = 'sshtrace';

/** [name, uid, gid, home, shell] */
export type PasswdEntry = readonly [string, number, number, string, string];
/** [name, gid, members] */
export type GroupEntry = readonly [string, number, readonly string[]];

export interface ClockPair {
  readonly ts: number;
  readonly realtimeNs: number;
}

export interface CaptureHeader {
  readonly format: number;
  readonly tool: string;
  readonly toolVersion: string;
  readonly eventsLayout: number;
  readonly hostname: string;
  readonly kernelRelease: string;
  readonly bootId: string;
  readonly startedAt: string; // ISO time, informational only: replay uses `clock`
  readonly clock: ClockPair; // boot ns ↔ realtime ns when the header was written
  readonly segment: { readonly index: number; readonly previous?: string };
  readonly passwd: readonly PasswdEntry[];
  readonly group: readonly GroupEntry[];
  readonly snapshot: readonly SnapshotProcess[];
  readonly opensshVersions: Readonly<Record<string, string>>; // exe path → "OpenSSH_9.2p1"
  readonly options: Readonly<Record<string, unknown>>; // the record command's settings
}

/** The recorder's cumulative counters as stored in counters entries and the trailer (counters.ts). */
export type { CounterFields } from './counters';

/** Kernel events back to back, as the drain thread handed them over (each starts with struct event_header). */
export interface EventsEntry {
  readonly k: 'ev';
  readonly d: Uint8Array;
}
export interface CountersEntry extends CounterFields {
  readonly k: 'counters';
  readonly ts: number;
}
export interface ClockEntry extends ClockPair {
  readonly k: 'clock';
}
export interface NoteEntry {
  readonly k: 'note';
  readonly ts: number;
  readonly text: string;
}
/** One item of a batch frame's list. */
export type BatchEntry = EventsEntry | CountersEntry | ClockEntry | NoteEntry;

export interface Trailer {
  readonly k: 'end';
  readonly ts: number;
  readonly clean: true;
  readonly reason: string;
  readonly counters: CounterFields;
}
