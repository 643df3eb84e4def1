// The recorder follows every sshd on the machine, so a capture taken while someone else's sshd is busy
// (another engineer's tests, the host's own sshd) holds their connections too. A corpus capture must
// hold one scenario only: every kernel event must come from the fixture's listener or its descendants.
import { renameSync } from 'node:fs';
import type { TraceEvent } from '../../capture/events';
import type { BatchEntry } from '../../capture/format';
import { readEvents } from '../../replay';
import { filterEventsEntry, readStoredCapture, tgidOf, writeStoredCapture } from './capture-rewrite';

export interface ForeignActivity {
  /** Processes outside the fixture's tree that produced events, with their event count. */
  readonly pids: ReadonlyMap<number, number>;
  readonly events: number;
  /** Other sshd-family processes that were already running when the recorder started (its snapshot). */
  readonly snapshotPids: readonly number[];
}

export const isForeign = (a: ForeignActivity): boolean => a.events > 0 || a.snapshotPids.length > 0;

const isKernelEvent = (e: TraceEvent): e is Extract<TraceEvent, { tgid: number }> => 'tgid' in e;

/** The fixture listener's tree, from every fork in the capture (two passes: file order is not time order). */
export function descendantsInCapture(events: readonly TraceEvent[], listener: number): Set<number> {
  const children = new Map<number, number[]>();
  for (const e of events) {
    if (e.kind === 'fork' && !e.thread) children.set(e.tgid, [...(children.get(e.tgid) ?? []), e.childTgid]);
  }
  const tree = new Set<number>([listener]);
  for (let frontier = [listener]; frontier.length > 0; ) {
    frontier = frontier.flatMap((pid) => children.get(pid) ?? []).filter((pid) => !tree.has(pid));
    for (const pid of frontier) tree.add(pid);
  }
  return tree;
}

export function foreignActivityIn(events: readonly TraceEvent[], listener: number): ForeignActivity {
  const tree = descendantsInCapture(events, listener);
  const pids = new Map<number, number>();
  let count = 0;
  for (const e of events) {
    if (!isKernelEvent(e) || tree.has(e.tgid)) continue;
    pids.set(e.tgid, (pids.get(e.tgid) ?? 0) + 1);
    count++;
  }
  const snapshot = events.find((e) => e.kind === 'snapshot');
  const snapshotPids =
    snapshot?.kind === 'snapshot' ? snapshot.processes.map((p) => p.pid).filter((pid) => !tree.has(pid)) : [];
  return { pids, events: count, snapshotPids };
}

export async function foreignActivityInCapture(path: string, listener: number): Promise<ForeignActivity> {
  const events: TraceEvent[] = [];
  for await (const e of readEvents([path])) events.push(e);
  return foreignActivityIn(events, listener);
}

export function describeForeign(activity: ForeignActivity): string {
  const pids = [...activity.pids.entries()]
    .slice(0, 6)
    .map(([pid, n]) => `pid ${pid}: ${n}`)
    .join(', ');
  const running =
    activity.snapshotPids.length === 0
      ? ''
      : `; other sshd processes running: ${activity.snapshotPids.slice(0, 6).join(', ')}`;
  return `${activity.events} events from sshd processes outside the fixture (${pids}${activity.pids.size > 6 ? ', …' : ''})${running}`;
}

/** Rewrites the capture with only the listener tree's kernel events and snapshot processes; returns how many went. */
export async function isolateCapture(path: string, listener: number): Promise<number> {
  const events: TraceEvent[] = [];
  for await (const e of readEvents([path])) events.push(e);
  const tree = descendantsInCapture(events, listener);
  const stored = await readStoredCapture(path);
  let removed = 0;
  const keep = (event: Uint8Array): boolean => {
    if (tree.has(tgidOf(event))) return true;
    removed++;
    return false;
  };
  const frames = stored.frames
    .map((frame) =>
      frame.flatMap((r): BatchEntry[] => {
        if (r.k !== 'ev') return [r];
        const kept = filterEventsEntry(r, keep);
        return kept === null ? [] : [kept];
      }),
    )
    .filter((frame) => frame.length > 0);
  const header = { ...stored.header, snapshot: stored.header.snapshot.filter((p) => tree.has(p.pid)) };
  const temp = `${path}.isolated`;
  await writeStoredCapture(temp, header, frames, stored.trailer);
  renameSync(temp, path);
  return removed;
}
