// Known failures: each carries the exit code the CLI returns for it (docs/cli.md), so the central
// handler prints one line and never a stack trace.

export const EXIT = {
  ok: 0,
  internal: 1, // a bug: unexpected exception
  usage: 2, // bad command line
  inputMissing: 3, // a capture path does not exist (or cannot be read)
  notACapture: 4, // no frame anywhere in the file, or none completes
  formatTooNew: 5, // written by a newer sshtrace (frame version, format or events layout)
  output: 6, // cannot create or write the output capture (exists, symlink, disk full, I/O error)
  privileges: 7, // record needs root (or CAP_BPF and CAP_PERFMON)
  kernel: 8, // the kernel refused the tracer (ring buffer, open, load, attach)
  addon: 9, // the native addon is missing or broken
  damaged: 10, // replay --strict: a capture is damaged or events were lost
  corpus: 11, // corpus check: a capture replays differently from its ground truth
  noCaptures: 12, // a directory given to replay/dump holds no capture
  emptyCapture: 13, // a capture file of 0 bytes
  noBtf: 14, // the kernel exposes no BTF
  noTracefs: 15, // tracefs is not mounted and cannot be mounted
  noBpffs: 16, // bpffs is not mounted and cannot be mounted
  outputDirMissing: 17, // record --output: its directory does not exist (or is not a directory)
  outputNotWritable: 18, // record --output: its directory (or file) is not writable
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class SshtraceError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'SshtraceError';
  }
}

/** A capture path the reader cannot use at all (nothing to read). */
export class CaptureInputError extends SshtraceError {
  constructor(message: string, exitCode: ExitCode = EXIT.notACapture) {
    super(message, exitCode);
    this.name = 'CaptureInputError';
  }
}

/** A capture written by a newer sshtrace than this reader. */
export class FormatTooNewError extends SshtraceError {
  constructor(message: string) {
    super(message, EXIT.formatTooNew);
    this.name = 'FormatTooNewError';
  }
}

/** The output capture cannot be created or written (a bad --output path has its own codes). */
export class OutputError extends SshtraceError {
  constructor(message: string, exitCode: ExitCode = EXIT.output) {
    super(message, exitCode);
    this.name = 'OutputError';
  }
}

/** A bad option value found after yargs parsed the command line. */
export class UsageError extends SshtraceError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}

/** Turns an errno-style error into "what happened (CODE)" without the path noise Node adds. */
export function describeSystemError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOENT: 'no such file or directory',
    EEXIST: 'file already exists',
    EISDIR: 'is a directory',
    ENOTDIR: 'a path component is not a directory',
    EROFS: 'read-only file system',
    EIO: 'input/output error',
    EMFILE: 'too many open files',
  };
  if (e && typeof e.code === 'string') return `${reasons[e.code] ?? e.message} (${e.code})`;
  return e instanceof Error ? e.message : String(error);
}
