// Writes a simulated history the way `sshtrace record` writes a capture (record/recorder.ts): the tracer hands
// over a batch every BATCH_INTERVAL_MS of event time (sooner once BATCH_BYTES are pending); each batch is an `ev`
// entry followed by a `counters` entry with the tracer's cumulative counts, through the recorder's own
// FileWriter (frames cut at its size threshold); a clean stop adds the final counters, a clock pair and the trailer.
// Nothing is lost: `dropped` stays zero and `delivered` counts every event, as on a quiet host.
import type { KernelEvent, TraceEvent } from '../../../capture/events';
import type { CaptureHeader, CounterFields } from '../../../capture/format';
import { CAPS, KIND_BY_TYPE } from '../../../capture/layout';
import { FileWriter } from '../../../record/file-writer';
import { BATCH_BYTES, BATCH_INTERVAL_MS } from '../../../record/recorder';
import { encodeEvent } from '../../../capture/encode-events';
import { zeroCounters } from '../../../capture/counters';

const META_KINDS = new Set(['snapshot', 'clock', 'counters', 'capture_end', 'gap']);
const TYPE_BY_KIND = new Map(Object.entries(KIND_BY_TYPE).map(([type, kind]) => [kind, Number(type)]));
const INTERVAL_NS = BATCH_INTERVAL_MS * 1e6;

/** The kernel events of a simulated history (what the tracer would have submitted). */
export function kernelEvents(events: readonly TraceEvent[]): KernelEvent[] {
  return events.filter((e): e is KernelEvent => !META_KINDS.has(e.kind));
}

/**
 * A history that ends with every connection closed and reaped, played `times` times back to back: each copy
 * starts 10 ms after the previous one ended. Pids, ports and socket inodes come round again, as a kernel reuses
 * them; the processes started during the capture get their start times moved with their events.
 */
export function* repeated(
  kernel: readonly KernelEvent[],
  times: number,
  captureStartNs: number,
): Generator<KernelEvent> {
  if (kernel.length === 0) return;
  const span = kernel.at(-1)!.ts - kernel[0]!.ts + 10e6;
  for (let k = 0; k < times; k++) {
    const shift = k * span;
    for (const e of kernel) {
      if (shift === 0) yield e;
      else if ((e.kind === 'exec' || e.kind === 'exit') && e.startBoottime >= captureStartNs)
        yield { ...e, ts: e.ts + shift, startBoottime: e.startBoottime + shift };
      else yield { ...e, ts: e.ts + shift };
    }
  }
}

export interface RecordedCaptureStats {
  readonly kernelEvents: number;
  readonly countersEntries: number;
  readonly bytes: number;
}

/** Writes `kernel` (in time order) as a clean capture at `path`, counters about once a second of event time. */
export async function writeRecordedCapture(
  path: string,
  header: CaptureHeader,
  kernel: Iterable<KernelEvent>,
): Promise<RecordedCaptureStats> {
  const emitted = new Array<number>(CAPS.EV_MAX).fill(0);
  let delivered = 0;
  let countersEntries = 0;
  const counters = (): CounterFields => zeroCounters({ emitted: [...emitted], delivered }, CAPS.EV_MAX);
  const writer = await FileWriter.create(path, header, { force: true });
  const appendCounters = async (ts: number): Promise<void> => {
    await writer.append({ k: 'counters', ts, ...counters() });
    countersEntries++;
  };
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  // The recorder's drain: the events gathered so far, then the counters as they stand after them.
  const handOver = async (ts: number): Promise<void> => {
    if (pending.length > 0) await writer.append({ k: 'ev', d: Buffer.concat(pending) });
    await appendCounters(ts);
    pending = [];
    pendingBytes = 0;
  };
  let tick = header.clock.ts + INTERVAL_NS;
  let last = header.clock.ts;
  for (const event of kernel) {
    for (; event.ts >= tick; tick += INTERVAL_NS) await handOver(tick);
    const type = TYPE_BY_KIND.get(event.kind);
    if (type === undefined) throw new Error(`no event type for kind ${event.kind}`);
    const bytes = encodeEvent(event);
    pending.push(bytes);
    pendingBytes += bytes.length;
    emitted[type]!++;
    delivered++;
    last = event.ts;
    if (pendingBytes >= BATCH_BYTES) await handOver(event.ts);
  }
  const end = last + 1e6;
  await handOver(end); // the tracer's last batch, possibly empty
  // The recorder's finish(): the final counters, a clock pair, the trailer.
  await appendCounters(end);
  await writer.append({ k: 'clock', ts: end, realtimeNs: end - header.clock.ts + header.clock.realtimeNs });
  await writer.close({ k: 'end', ts: end, clean: true, reason: 'stopped by SIGTERM', counters: counters() });
  return { kernelEvents: delivered, countersEntries, bytes: writer.bytesWritten };
}
