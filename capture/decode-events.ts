// Raw kernel events (bpf/events.h, back to back) → capture/events.ts KernelEvents. Never throws:
// unknown types are counted and skipped, events too short for their type are counted as malformed,
// and a header that cannot be stepped over ends the buffer as malformed bytes.
// Every offset and number comes from layout.generated.ts, generated from events.h: nothing is copied by hand.
import type { KernelEvent } from './events';
import * as P from './decode-process-events';
import * as S from './decode-socket-events';
import { EV, KIND_BY_TYPE, LAYOUT, MIN_SIZE_BY_TYPE } from './layout';
import { EventView } from './event-view';

const H = LAYOUT.event_header.fields;
const HEADER_BYTES = LAYOUT.event_header.size;

export interface DecodeStats {
  events: number; // events stepped over (decoded or not)
  decoded: number;
  unknown: number; // type this decoder does not know
  unknownBytes: number;
  malformed: number; // too short for its type, an impossible enum value, or an unsteppable header
  malformedBytes: number;
  unknownTypes: Set<number>;
  /** Known types the consumer does not read (the model's IGNORED_KINDS): stepped over, not decoded. */
  readonly skipTypes: ReadonlySet<number>;
  skipped: number;
}

export function newDecodeStats(skipTypes: ReadonlySet<number> = new Set()): DecodeStats {
  return {
    events: 0,
    decoded: 0,
    unknown: 0,
    unknownBytes: 0,
    malformed: 0,
    malformedBytes: 0,
    unknownTypes: new Set(),
    skipTypes,
    skipped: 0,
  };
}

/** Event type numbers of the given kinds, for newDecodeStats(). */
export function typesOfKinds(kinds: readonly string[]): Set<number> {
  return new Set(
    Object.entries(KIND_BY_TYPE)
      .filter(([, kind]) => kinds.includes(kind))
      .map(([type]) => Number(type)),
  );
}

type Decoder = (v: EventView, at: number, size: number) => KernelEvent | null;

const DECODERS: Readonly<Record<number, Decoder>> = {
  [EV.FORK]: P.decodeFork,
  [EV.EXEC]: P.decodeExec,
  [EV.EXIT]: P.decodeExit,
  [EV.CRED]: P.decodeCred,
  [EV.SETGROUPS]: P.decodeSetgroups,
  [EV.CHROOT]: P.decodeChroot,
  [EV.SETSID]: P.decodeSetsid,
  [EV.PRCTL]: P.decodePrctl,
  [EV.WAIT]: P.decodeWait,
  [EV.ACCEPT]: S.decodeAccept,
  [EV.SOCKNAME]: S.decodeSockname,
  [EV.CONNECT]: S.decodeConnect,
  [EV.SOCKETPAIR]: S.decodeSocketpair,
  [EV.MONITOR_MSG]: S.decodeMonitorMessage,
  [EV.FDPASS]: S.decodeFdpass,
  [EV.DGRAM]: S.decodeDgram,
  [EV.BANNER]: S.decodeBanner,
  [EV.FILE_WRITE]: S.decodeFileWrite,
  [EV.PIPE_WRITE]: S.decodePipeWrite,
  [EV.MSG_DESYNC]: S.decodeMessageDesync,
};

/** Decodes every event of `bytes`, in order, adding to `stats`. */
export function decodeEvents(bytes: Uint8Array, stats: DecodeStats = newDecodeStats()): KernelEvent[] {
  const v = new EventView(bytes);
  const events: KernelEvent[] = [];
  let at = 0;
  while (at < v.length) {
    const remaining = v.length - at;
    const size = remaining >= HEADER_BYTES ? v.u16(at + H.size) : 0;
    if (size < HEADER_BYTES || size > remaining) {
      // The size field is the only way to the next event: without it the rest is unreadable.
      stats.malformed++;
      stats.malformedBytes += remaining;
      break;
    }
    stats.events++;
    const event = decodeOne(v, at, size, stats);
    if (event) events.push(event);
    at += size;
  }
  return events;
}

function decodeOne(v: EventView, at: number, size: number, stats: DecodeStats): KernelEvent | null {
  const type = v.u16(at + H.type);
  if (stats.skipTypes.has(type)) {
    stats.skipped++;
    return null;
  }
  const decoder = DECODERS[type];
  if (!decoder) {
    stats.unknown++;
    stats.unknownBytes += size;
    stats.unknownTypes.add(type);
    return null;
  }
  const event = size >= MIN_SIZE_BY_TYPE[type]! ? decoder(v, at, size) : null;
  if (!event) {
    stats.malformed++;
    stats.malformedBytes += size;
    return null;
  }
  stats.decoded++;
  return event;
}
