// Finds and loads native/build/Release/sshtrace.node on first use, so replay never needs it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TracerCounters, TracerOptions } from './types';
import { TracerError } from './tracer-error';

/** An opaque handle made by the addon's start(). */
export type NativeHandle = { readonly __brand: 'sshtrace-recording' };

export type NativeBatchCallback = (
  events: Buffer,
  count: number,
  counters: TracerCounters,
  final: boolean,
  error: string | undefined,
) => void;

/** The addon's exports (native/addon.cc). */
export interface NativeAddon {
  start(options: TracerOptions, onBatch: NativeBatchCallback): { handle: NativeHandle; skippedPrograms: string[] };
  track(handle: NativeHandle, pid: number, flags: number): void;
  trackedFlags(handle: NativeHandle, pid: number): number;
  counters(handle: NativeHandle): TracerCounters;
  ack(handle: NativeHandle): void;
  stop(handle: NativeHandle): Promise<void>;
  readonly eventsLayoutVersion: number;
}

const ADDON_NAME = path.join('native', 'build', 'Release', 'sshtrace.node');
// Compiled to dist/native/index.js (repo root two levels up), or run from the source tree.
const CANDIDATES = [path.resolve(__dirname, '..', '..', ADDON_NAME), path.resolve(__dirname, '..', ADDON_NAME)];

let loaded: NativeAddon | undefined;

/** The addon, or TracerError('addon') saying how to build it. */
export function loadAddon(): NativeAddon {
  if (loaded) return loaded;
  const found = CANDIDATES.find((candidate) => fs.existsSync(candidate));
  if (!found) {
    throw new TracerError(
      'addon',
      `the recording addon is not built (${ADDON_NAME} is missing): run \`npm ci\` ` +
        'as root on a machine with clang, llvm, libbpf-dev and bpftool (apt-get install clang llvm libbpf-dev bpftool)',
    );
  }
  try {
    loaded = require(found) as NativeAddon;
  } catch (error) {
    throw new TracerError(
      'addon',
      `loading ${found} failed (${(error as Error).message}): ` +
        'rebuild it with `npm run build` (it needs libbpf1 and libelf1 at run time)',
    );
  }
  return loaded;
}
