// Checks TracerOptions before anything native runs, so a bad option fails the same way on every machine.
import { CAPS } from '../capture/layout';
import type { TracerOptions } from './types';
import { TracerError } from './tracer-error';

const { FAMILY_NAMES, FAMILY_NAME_LEN, ARGV_CAP_MAX } = CAPS; // FAMILY_NAME_LEN counts the NUL
const MIN_RING_BYTES = 4096;   // one page: the kernel wants a page-aligned power of two
const MAX_RING_BYTES = 1 << 30;
const MAX_BATCH_BYTES = 16 << 20;
const MAX_INTERVAL_MS = 60_000;
const MAX_QUEUED_BATCHES = 4096;
const MAX_PENDING_BYTES = 1 << 30;

function fail(message: string): never {
  throw new TracerError('options', message);
}

function integerIn(name: keyof TracerOptions, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(`options.${name} must be an integer from ${min} to ${max} (got ${String(value)})`);
  }
}

function checkFamilyNames(names: unknown): void {
  if (!Array.isArray(names) || names.length < 1 || names.length > FAMILY_NAMES) {
    fail(`options.familyNames must list 1 to ${FAMILY_NAMES} binary basenames (got ${JSON.stringify(names)})`);
  }
  for (const name of names) {
    const bytes = typeof name === 'string' ? Buffer.byteLength(name) : 0;
    if (typeof name !== 'string' || bytes < 1 || bytes >= FAMILY_NAME_LEN || /[/\0]/.test(name)) {
      fail(`options.familyNames: ${JSON.stringify(name)} must be a basename of 1 to ${FAMILY_NAME_LEN - 1} bytes ` +
        `(the kernel compares it with the ${CAPS.COMM_LEN - 1}-byte task comm)`);
    }
  }
}

function checkRingBufferBytes(bytes: unknown): void {
  integerIn('ringBufferBytes', bytes, MIN_RING_BYTES, MAX_RING_BYTES);
  const value = bytes as number;
  if ((value & (value - 1)) !== 0) fail(`options.ringBufferBytes must be a power of two (got ${value})`);
}

/** Throws TracerError('options', ...) naming the first bad option and its allowed range. */
export function validateOptions(options: TracerOptions): void {
  if (typeof options !== 'object' || options === null) fail('start() needs a TracerOptions object');
  checkFamilyNames(options.familyNames);
  integerIn('selfTgid', options.selfTgid, 1, 0xffff_ffff);
  integerIn('argvCap', options.argvCap, 0, ARGV_CAP_MAX);
  checkRingBufferBytes(options.ringBufferBytes);
  if (typeof options.fileWrites !== 'boolean') fail('options.fileWrites must be true or false');
  if (options.syscallSends !== undefined && typeof options.syscallSends !== 'boolean') fail('options.syscallSends must be true or false');
  integerIn('batchBytes', options.batchBytes, 1, MAX_BATCH_BYTES);
  integerIn('batchIntervalMs', options.batchIntervalMs, 1, MAX_INTERVAL_MS);
  integerIn('maxQueuedBatches', options.maxQueuedBatches, 1, MAX_QUEUED_BATCHES);
  if (options.maxPendingBytes !== undefined) {
    integerIn('maxPendingBytes', options.maxPendingBytes, options.batchBytes, MAX_PENDING_BYTES);
  }
}
