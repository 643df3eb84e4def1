// A large capture made from a real one: the template's kernel events (one sshd listener's tree) repeated
// as many connections, each copy with its own pids, times, socket inodes and ports, written through the
// recorder's own FileWriter in recorder-sized batches, each followed by a counters entry.
import { resolve } from 'node:path';
import type { KernelEvent } from '../../capture/events';
import { FileWriter } from '../../record/file-writer';
import { openCaptures } from '../../replay/capture-set';
import type { CaptureHeader, CounterFields } from '../../capture/format';
import { encodeEvent } from '../../capture/encode-events';
import { zeroCounters } from '../../capture/counters';
import { CAPS } from '../../capture/layout';

/** A real 9.2p1 capture of the corpus: one password login running a command. */
export const DEFAULT_TEMPLATE = resolve(
  __dirname,
  '../../../corpus/captures/9.2p1-bookworm/password_command_fails/capture.sshtrace',
);

const BATCH_BYTES = 256 * 1024; // the recorder's batchBytes
const PID_BASE = 100_000;
const PID_SPAN = 4_000_000 - PID_BASE; // stays below pid_max (4194304)

export interface Template {
  readonly header: CaptureHeader;
  readonly events: KernelEvent[];
  readonly durationNs: number;
}

export async function readTemplate(path: string): Promise<Template> {
  const set = await openCaptures([path]);
  const header = set.files[0]!.header;
  if (!header) throw new Error(`${path}: unreadable header, pick another template capture`);
  const events: KernelEvent[] = [];
  for await (const e of set.events()) if ('tgid' in e) events.push(e);
  if (events.length === 0) throw new Error(`${path} holds no kernel events`);
  return { header, events, durationNs: events.at(-1)!.ts - events[0]!.ts };
}

/** Copy i of the template: pids outside the snapshot moved to their own range, later times, own inodes. */
function shifter(template: Template, copy: number): (e: KernelEvent) => KernelEvent {
  const keep = new Set(template.header.snapshot.map((p) => p.pid));
  const pids = template.events.flatMap((e) => [e.tgid, e.tid]).filter((p) => !keep.has(p));
  const low = Math.min(...pids);
  const stride = Math.max(...pids) - low + 64;
  const pid = (p: number) => (keep.has(p) || p <= 0 ? p : PID_BASE + ((p - low + copy * stride) % PID_SPAN));
  const dt = copy * (template.durationNs + 1_000_000);
  return (e) => {
    const m: Record<string, unknown> = { ...e, ts: e.ts + dt, tgid: pid(e.tgid), tid: pid(e.tid) };
    if (e.kind === 'fork') Object.assign(m, { childTgid: pid(e.childTgid), childTid: pid(e.childTid) });
    if (e.kind === 'exec')
      Object.assign(m, { oldTid: pid(e.oldTid), ppid: pid(e.ppid), startBoottime: e.startBoottime + dt });
    if (e.kind === 'exit') Object.assign(m, { ppid: pid(e.ppid), startBoottime: e.startBoottime + dt });
    if (e.kind === 'wait')
      Object.assign(m, {
        ret: e.ret > 0 ? pid(e.ret) : e.ret,
        reapedPid: e.reapedPid && pid(e.reapedPid),
        pidArg: e.pidArg > 0 ? pid(e.pidArg) : e.pidArg,
      });
    if (e.kind === 'setsid' && e.ret > 0) m.ret = pid(e.ret);
    if ('sockIno' in e) m.sockIno = e.sockIno + copy * 64;
    if (e.kind === 'socketpair') m.inos = e.inos.map((i) => i + copy * 64);
    if (e.kind === 'accept') m.peer = { ...e.peer, port: 1024 + ((e.peer.port + copy) % 60_000) };
    return m as unknown as KernelEvent;
  };
}

function countersAfter(delivered: number): CounterFields {
  return zeroCounters({ delivered }, CAPS.EV_MAX);
}

/** Writes `path` with at least `minEvents` kernel events; returns the number written. */
export async function synthesize(template: Template, path: string, minEvents: number): Promise<number> {
  const writer = await FileWriter.create(path, template.header, { force: true });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let written = 0;
  const cut = async () => {
    await writer.append({ k: 'ev', d: Buffer.concat(pending) });
    await writer.append({ k: 'counters', ts: 0, ...countersAfter(written) });
    pending = [];
    pendingBytes = 0;
  };
  for (let copy = 0; written < minEvents; copy++) {
    const shift = shifter(template, copy);
    for (const e of template.events) {
      const raw = encodeEvent(shift(e));
      pending.push(raw);
      pendingBytes += raw.length;
      written++;
      if (pendingBytes >= BATCH_BYTES) await cut();
    }
  }
  if (pending.length > 0) await cut();
  await writer.close({
    k: 'end',
    ts: 0,
    clean: true,
    reason: 'synthesized by bench/lib/synthesize.ts',
    counters: countersAfter(written),
  });
  return written;
}
