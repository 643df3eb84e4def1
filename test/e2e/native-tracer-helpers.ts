// Helpers for native-tracer.test.ts: a throw-away process family, a batch collector, a header walker.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Batch, TracerOptions, TracerSource } from '../../native/index';
import { EV, LAYOUT } from '../../capture/layout';

export const FAMILY_NAME = 'sshtr-fam';

/** Why the BPF tests cannot run here, or undefined. CI (root, BTF, SSHTRACE_REQUIRE_NATIVE=1) never skips. */
export function bpfSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to load BPF programs (run the e2e tests as root)';
  if (!fs.existsSync('/sys/kernel/btf/vmlinux')) return 'the kernel has no BTF (/sys/kernel/btf/vmlinux missing)';
  const built = fs.existsSync(path.resolve(__dirname, '../../../native/build/Release/sshtrace.node'));
  const required = process.env.SSHTRACE_REQUIRE_NATIVE === '1' || process.env.CI === 'true';
  if (!built && !required) return 'the addon is not built (npm ci with clang, llvm, libbpf-dev, bpftool)';
  return undefined;
}

/** Why the addon cannot be loaded here (not built), or undefined; under CI it must be built, so nothing skips. */
export function addonSkipReason(): string | undefined {
  const built = fs.existsSync(path.resolve(__dirname, '../../../native/build/Release/sshtrace.node'));
  const required = process.env.SSHTRACE_REQUIRE_NATIVE === '1' || process.env.CI === 'true';
  return built || required ? undefined : 'the addon is not built (npm ci with clang, llvm, libbpf-dev, bpftool)';
}

/** A copy of /bin/sh named sshtr-fam: exec'ing it roots a tracked family without involving sshd. */
export function makeFamilyShell(): { shell: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sshtr-native-'));
  const shell = path.join(dir, FAMILY_NAME);
  fs.copyFileSync('/bin/sh', shell);
  fs.chmodSync(shell, 0o755);
  return { shell, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function tracerOptions(overrides: Partial<TracerOptions> = {}): TracerOptions {
  return {
    familyNames: [FAMILY_NAME],
    selfTgid: process.pid,
    argvCap: 1024,
    ringBufferBytes: 1 << 22,
    fileWrites: false,
    batchBytes: 256 << 10,
    batchIntervalMs: 20,
    maxQueuedBatches: 16,
    ...overrides,
  };
}

/** Runs a program to its end; resolves with its pid and exit code. */
export function run(file: string, args: readonly string[]): Promise<{ pid: number; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ pid: child.pid ?? -1, code }));
  });
}

/** Consumes the source to its end. */
export async function collect(source: TracerSource): Promise<Batch[]> {
  const batches: Batch[] = [];
  for await (const batch of source) batches.push(batch);
  return batches;
}

export interface RawEvent {
  readonly type: number;
  readonly size: number;
  readonly tgid: number;
  readonly flags: number;
  readonly bytes: Buffer;
}

/** Walks struct event_header (bpf/events.h) through every batch; throws if a size does not tile the batch. */
export function walkEvents(batches: readonly Batch[]): RawEvent[] {
  const header = LAYOUT.event_header.fields;
  const events: RawEvent[] = [];
  for (const { events: buffer, count } of batches) {
    let offset = 0;
    let seen = 0;
    while (offset < buffer.length) {
      const size = buffer.readUInt16LE(offset + header.size);
      if (size < LAYOUT.event_header.size || offset + size > buffer.length)
        throw new Error(`bad size ${size} at ${offset}`);
      events.push({
        type: buffer.readUInt16LE(offset + header.type),
        size,
        tgid: buffer.readUInt32LE(offset + header.tgid),
        flags: buffer.readUInt32LE(offset + header.flags),
        bytes: buffer.subarray(offset, offset + size),
      });
      offset += size;
      seen++;
    }
    if (seen !== count) throw new Error(`batch says ${count} events, holds ${seen}`);
  }
  return events;
}

/** exec_event: the filename at the start of data[]. */
export function execFilename(event: RawEvent): string {
  const fields = LAYOUT.exec_event.fields;
  const length = event.bytes.readUInt16LE(fields.filename_len);
  return event.bytes
    .subarray(fields.data, fields.data + length)
    .toString('latin1')
    .replace(/\0+$/, '');
}

/** exit_event.exit_code: (status << 8) | signal. */
export function exitCode(event: RawEvent): number {
  return event.bytes.readUInt32LE(LAYOUT.exit_event.fields.exit_code);
}

/** fork_event.child_tgid. */
export function forkChild(event: RawEvent): number {
  return event.bytes.readUInt32LE(LAYOUT.fork_event.fields.child_tgid);
}

export function ofType(events: readonly RawEvent[], type: number): RawEvent[] {
  return events.filter((event) => event.type === type);
}

export const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** CPU seconds (user + system) of this process's thread named `name`, from /proc (10 ms resolution). */
export function threadCpuSeconds(name: string): number | undefined {
  for (const tid of fs.readdirSync('/proc/self/task')) {
    const dir = `/proc/self/task/${tid}`;
    if (fs.readFileSync(`${dir}/comm`, 'utf8').trim() !== name) continue;
    const fields = fs.readFileSync(`${dir}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ ticks
  }
  return undefined;
}

export { EV };
