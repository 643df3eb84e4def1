// The recorder's settings, declared once: the flags `record` and `watch` share (name, default, help) and the one
// place they are checked, against the limits of bpf/events.h and libbpf, before anything starts. The native layer
// trusts what this file lets through (its C++ boundary only guards types and ranges).
import { CAPS } from '../capture/layout';
import { UsageError } from '../capture/errors';
import { FAMILY_NAMES } from '../model/versions';
import type { RotationOptions } from './rotation';
import { type RotationArgs, rotationOptions } from './rotation-options';

export interface RecordArgs extends RotationArgs {
  readonly output: string;
  readonly duration?: number | undefined;
  readonly force: boolean;
  readonly familyNames: string;
  readonly ringBufferSize: string;
  readonly argvCap: number;
  readonly fileWrites: boolean;
  /** auto: sock_send_length where the kernel has it, syscall exits elsewhere; syscalls: syscall exits always. */
  readonly sendHook?: SendHook;
}

export type SendHook = 'auto' | 'syscalls';
const SEND_HOOKS: readonly SendHook[] = ['auto', 'syscalls'];

export interface RecordOptions {
  readonly output: string;
  readonly durationS: number | null;
  readonly force: boolean;
  readonly familyNames: readonly string[];
  readonly ringBufferBytes: number;
  readonly argvCap: number;
  readonly fileWrites: boolean;
  /** Read sends at syscall exit even where sock_send_length exists (--send-hook syscalls). */
  readonly syscallSends: boolean;
  /** Present with --rotate-size/--rotate-interval/--max-total-size; record-command then points `output` at the first segment. */
  readonly rotation?: RotationOptions;
}

/** --family-names' default: the family of the versions table, as the option takes it. */
const DEFAULT_FAMILY_NAMES = FAMILY_NAMES.join(',');
export const MIN_ARGV_CAP = 256;

/** The tracer's flags, as yargs options: `record` takes them all, `watch` all but --file-writes. */
export const TRACER_FLAGS = {
  'family-names': {
    type: 'string',
    default: DEFAULT_FAMILY_NAMES,
    describe: `binary basenames whose processes (and descendants) are followed, at most ${CAPS.FAMILY_NAMES}`,
  },
  'ring-buffer-size': { type: 'string', default: '16M', describe: 'kernel ring buffer size, a power of two (4K..1G)' },
  'argv-cap': {
    type: 'number',
    default: 4096,
    describe: `bytes of filename + argv kept per exec (${MIN_ARGV_CAP}..${CAPS.ARGV_CAP_MAX})`,
  },
  'file-writes': {
    type: 'boolean',
    default: false,
    describe:
      'also record login-record file writes and the pre-auth log pipe (hooks write(): costs every write on the machine)',
  },
  'send-hook': {
    choices: SEND_HOOKS,
    default: 'auto' as SendHook,
    describe:
      'where monitor messages, syslog and banners are read: auto = the sock_send_length tracepoint where the kernel has it, ' +
      "the exits of write/writev/sendto/sendmsg where it does not (Debian 12's 6.1); syscalls = always at syscall exit",
  },
} as const;

export function recordOptions(args: RecordArgs): RecordOptions {
  if (args.duration !== undefined && !(args.duration > 0 && Number.isFinite(args.duration))) {
    throw new UsageError(`--duration must be a positive number of seconds, not ${args.duration}`);
  }
  // The exec's filename shares the cap and names the sshd family: below MIN_ARGV_CAP a long path would be cut.
  if (!Number.isInteger(args.argvCap) || args.argvCap < MIN_ARGV_CAP || args.argvCap > CAPS.ARGV_CAP_MAX) {
    throw new UsageError(
      `--argv-cap must be a whole number of bytes from ${MIN_ARGV_CAP} to ${CAPS.ARGV_CAP_MAX}, not ${args.argvCap}`,
    );
  }
  const rotation = rotationOptions(args.output, args);
  return {
    output: args.output,
    durationS: args.duration ?? null,
    force: args.force,
    familyNames: familyNames(args.familyNames),
    ringBufferBytes: ringBufferBytes(args.ringBufferSize),
    argvCap: args.argvCap,
    fileWrites: args.fileWrites,
    syscallSends: args.sendHook === 'syscalls',
    ...(rotation ? { rotation } : {}),
  };
}

export function familyNames(list: string): string[] {
  const names = [
    ...new Set(
      list
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
    ),
  ];
  if (names.length === 0) throw new UsageError('--family-names needs at least one binary name, such as sshd');
  if (names.length > CAPS.FAMILY_NAMES)
    throw new UsageError(`--family-names takes at most ${CAPS.FAMILY_NAMES} names, got ${names.length}`);
  for (const name of names) {
    if (name.includes('/')) throw new UsageError(`--family-names takes binary basenames, not paths: ${name}`);
    if (Buffer.byteLength(name) > CAPS.FAMILY_NAME_LEN - 1) {
      throw new UsageError(
        `--family-names: ${name} is longer than ${CAPS.FAMILY_NAME_LEN - 1} bytes (the kernel's comm length)`,
      );
    }
  }
  return names;
}

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** "16M" → 16777216; the ring buffer must be a power of two of at least one page (libbpf). */
export function ringBufferBytes(size: string): number {
  const match = /^(\d+)([KMG]?)(?:i?B)?$/i.exec(size.trim());
  const bytes = match ? Number(match[1]) * UNITS[match[2]!.toUpperCase()]! : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 4096 || (bytes & (bytes - 1)) !== 0 || bytes > 1024 ** 3) {
    throw new UsageError(`--ring-buffer-size must be a power of two from 4K to 1G (e.g. 16M), not ${size}`);
  }
  return bytes;
}
