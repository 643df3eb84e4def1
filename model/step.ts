// step(state, event) → [state, records]: the whole model as one pure function. Replay is a fold over it.
// Records are held in the state until a counters event shows whether events were lost meanwhile, so that a
// record overlapping a loss is marked incomplete before it leaves; capture_end and finish() flush the rest.
import { EVENT_COUNTERS } from '../capture/counters';
import { List } from 'immutable';
import type { TraceEvent, CountersEvent, GapEvent, KernelEvent } from '../capture/events';
import type { OutputRecord } from './records';
import type { State } from './state';
import { onFork, onExec, onCred, onSetsid } from './processes';
import { onAccept, onSockname, onBanner, onDesync, onWait, onExit, closeAtEnd, refusedIfPending } from './connections';
import { onMonitorMessage } from './authentication';
import { onSnapshot } from './snapshot';
import { markIncomplete, hold } from './update';
import { anomaly } from './emit';

const NO_RECORDS: readonly OutputRecord[] = [];

/** Kernel event kinds step() ignores: a reader may skip decoding them (replay/capture-set skipKinds). */
export const IGNORED_KINDS: readonly KernelEvent['kind'][] = [
  'setgroups',
  'prctl',
  'chroot',
  'connect',
  'socketpair',
  'fdpass',
  'dgram',
  'file_write',
  'pipe_write',
];

export function step(s: State, e: TraceEvent): [State, readonly OutputRecord[]] {
  switch (e.kind) {
    case 'counters':
      return flush(onCounters(s, e));
    case 'capture_end':
      return flush(s);
    default: {
      const next = apply(s, e);
      return [next, NO_RECORDS];
    }
  }
}

function apply(s: State, e: Exclude<TraceEvent, CountersEvent | { kind: 'capture_end' }>): State {
  switch (e.kind) {
    case 'fork':
      return onFork(s, e);
    case 'exec':
      return onExec(s, e);
    case 'exit':
      return onExit(s, e);
    case 'cred':
      return onCred(s, e);
    case 'setsid':
      return onSetsid(s, e);
    case 'accept':
      return onAccept(s, e);
    case 'sockname':
      return onSockname(s, e);
    case 'frame':
      return onMonitorMessage(s, e);
    case 'frame_desync':
      return onDesync(s, e);
    case 'banner':
      return onBanner(s, e);
    case 'wait':
      return onWait(s, e);
    case 'snapshot':
      return onSnapshot(s, e);
    case 'clock':
      return onClock(s, e.realtimeNs - e.ts);
    case 'gap':
      return onGap(s, e);
    // Evidence the model does not need (yet): kept in the capture, visible in `dump` (IGNORED_KINDS).
    case 'setgroups':
    case 'prctl':
    case 'chroot':
    case 'connect':
    case 'socketpair':
    case 'fdpass':
    case 'dgram':
    case 'file_write':
    case 'pipe_write':
      return s;
  }
}

/** Wall time = boot time + offset. Calibrations differ by microseconds; only a real step (NTP, suspend)
 *  moves the offset, so one event keeps one wall time whichever record reports it. */
function onClock(s: State, offset: number): State {
  const current = s.clockOffsetNs;
  return current !== null && Math.abs(offset - current) < CLOCK_STEP_NS ? s : { ...s, clockOffsetNs: offset };
}

const CLOCK_STEP_NS = 1_000_000;

/** Events lost before reaching the capture. Unknown event types are not loss: the reader reports each
 *  as a gap, where they are marked once. */
function lost(e: CountersEvent): number {
  let total = Object.values(e.dropped).reduce((a, b) => a + b, 0);
  // A process the kernel could not track, bytes it could not read, a message stream it lost sync with: missing evidence too.
  for (const { field, losesEvidence } of EVENT_COUNTERS) if (losesEvidence) total += e[field];
  return total;
}

/** New loss since the last counters: everything open or held may be missing events. */
function onCounters(s: State, e: CountersEvent): State {
  const total = lost(e);
  if (total <= s.lossTotal) return s;
  const reason = `events were lost (${total - s.lossTotal} records: ring buffer full, queue overflow, or data the kernel could not track or read)`;
  s = markAllIncomplete({ ...s, lossTotal: total }, reason);
  return hold(s, anomaly(s, e.ts, 'events lost', reason));
}

function onGap(s: State, e: GapEvent): State {
  s = markAllIncomplete(s, `damaged capture data (${e.reason})`);
  return hold(s, anomaly(s, e.ts, 'damaged capture data', `${e.reason} (${e.bytes} bytes)`));
}

function markAllIncomplete(s: State, reason: string): State {
  const conns = s.conns.map((c) => markIncomplete(c, reason));
  const held = s.held.map((r) => ('incomplete' in r && !r.incomplete ? withIncomplete(r, reason) : r));
  return { ...s, conns, held };
}

function withIncomplete(r: OutputRecord, reason: string): OutputRecord {
  if (r.type === 'session' || r.type === 'connection') {
    return { ...r, incomplete: true, incomplete_reasons: [...r.incomplete_reasons, reason] };
  }
  return r.type === 'auth' ? { ...r, incomplete: true } : r;
}

function flush(s: State): [State, readonly OutputRecord[]] {
  if (s.held.size === 0) return [s, NO_RECORDS];
  return [{ ...s, held: List() }, s.held.toArray()];
}

/** End of input: connections still open are reported as they stand, marked incomplete. */
export function finish(s: State): [State, readonly OutputRecord[]] {
  const open = s.conns
    .valueSeq()
    .sortBy((c) => c.startTs)
    .toArray();
  for (const c of open) s = closeAtEnd(s, c);
  for (const listener of s.accepted.keySeq().sort().toArray()) s = refusedIfPending(s, listener, null);
  return flush(s);
}
