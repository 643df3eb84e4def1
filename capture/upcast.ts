// One upcaster per capture format version: each turns the msgpack values of its version into the
// current shapes (format.ts). Only format 1 exists; a format 2 adds `2: upcastV2` here and
// v1 keeps working by mapping its values forward.
import { COUNTER_NAMES, type CounterName } from './counters';
import type { SnapshotProcess } from './events';
import {
  CAPTURE_FORMAT,
  type BatchEntry,
  type CaptureHeader,
  type CounterFields,
  type Trailer,
  TOOL_NAME,
} from './format';

export class ShapeError extends Error {}

export interface InvalidEntry {
  readonly k: 'invalid';
  readonly reason: string;
}

export interface Upcaster {
  header(value: unknown): CaptureHeader;
  batch(value: unknown): (BatchEntry | InvalidEntry)[];
  trailer(value: unknown): Trailer;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
const num = (v: unknown, fallback = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const nums = (v: unknown): number[] => arr(v).map((x) => num(x));

function need(condition: boolean, what: string): void {
  if (!condition) throw new ShapeError(what);
}

function headerV1(value: unknown): CaptureHeader {
  need(isObj(value), 'the file header is not a map');
  const h = value as Obj;
  need(h.tool === TOOL_NAME, `the file header names tool ${JSON.stringify(h.tool)}, not ${TOOL_NAME}`);
  need(typeof h.format === 'number', 'the file header has no format number');
  const clock = isObj(h.clock) ? h.clock : {};
  need(typeof clock.ts === 'number' && typeof clock.realtimeNs === 'number', 'the file header has no clock pair');
  const segment = isObj(h.segment) ? h.segment : {};
  return {
    format: num(h.format),
    tool: TOOL_NAME,
    toolVersion: str(h.toolVersion),
    eventsLayout: num(h.eventsLayout, 1),
    hostname: str(h.hostname),
    kernelRelease: str(h.kernelRelease),
    bootId: str(h.bootId),
    startedAt: str(h.startedAt),
    clock: { ts: num(clock.ts), realtimeNs: num(clock.realtimeNs) },
    segment:
      typeof segment.previous === 'string'
        ? { index: num(segment.index), previous: segment.previous }
        : { index: num(segment.index) },
    passwd: arr(h.passwd)
      .filter(Array.isArray)
      .map((e) => [str(e[0]), num(e[1]), num(e[2]), str(e[3]), str(e[4])] as const),
    group: arr(h.group)
      .filter(Array.isArray)
      .map((e) => [str(e[0]), num(e[1]), arr(e[2]).map((m) => str(m))] as const),
    snapshot: arr(h.snapshot).filter(isObj) as unknown as SnapshotProcess[],
    opensshVersions: isObj(h.opensshVersions) ? (h.opensshVersions as Record<string, string>) : {},
    options: isObj(h.options) ? h.options : {},
  };
}

function countersV1(c: Obj): CounterFields {
  const scalars = Object.fromEntries(COUNTER_NAMES.map((name) => [name, num(c[name])])) as Record<CounterName, number>;
  return { emitted: nums(c.emitted), dropped: nums(c.dropped), ...scalars };
}

function entryV1(value: unknown): BatchEntry | InvalidEntry {
  if (!isObj(value)) return { k: 'invalid', reason: 'a batch record is not a map' };
  switch (value.k) {
    case 'ev':
      return value.d instanceof Uint8Array
        ? { k: 'ev', d: value.d }
        : { k: 'invalid', reason: 'an ev record has no bytes' };
    case 'counters':
      return { k: 'counters', ts: num(value.ts), ...countersV1(value) };
    case 'clock':
      return typeof value.ts === 'number' && typeof value.realtimeNs === 'number'
        ? { k: 'clock', ts: value.ts, realtimeNs: value.realtimeNs }
        : { k: 'invalid', reason: 'a clock record lacks its times' };
    case 'note':
      return { k: 'note', ts: num(value.ts), text: str(value.text) };
    default:
      return { k: 'invalid', reason: `a batch record of unknown kind ${JSON.stringify(value.k)}` };
  }
}

const upcastV1: Upcaster = {
  header: headerV1,
  batch(value) {
    need(Array.isArray(value), 'a batch is not an array');
    return (value as unknown[]).map(entryV1);
  },
  trailer(value) {
    need(isObj(value) && value.k === 'end', 'the trailer is not an end record');
    const t = value as Obj;
    return {
      k: 'end',
      ts: num(t.ts),
      clean: true,
      reason: str(t.reason),
      counters: countersV1(isObj(t.counters) ? t.counters : {}),
    };
  },
};

const UPCASTERS: Readonly<Record<number, Upcaster>> = { 1: upcastV1 };

export const NEWEST_FORMAT = CAPTURE_FORMAT;

/** The upcaster for a format version, or null when it is newer than this reader. */
export function upcasterFor(format: number): Upcaster | null {
  return UPCASTERS[format] ?? null;
}

/** Reads just the format number of a header value, before choosing an upcaster. */
export function formatOf(value: unknown): number | null {
  return isObj(value) && typeof value.format === 'number' ? value.format : null;
}
