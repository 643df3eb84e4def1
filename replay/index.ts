// What the rest of sshtrace (the replay command, tests, tools) uses to read captures.
export { openCaptures, readEvents, type CaptureSet, type FileSummary, type ReadEventsOptions } from './capture-set';
export { openCapture, readCapture, type CaptureFile, type CaptureReading } from './capture-file';
export type { CaptureSummary, DamageEntry } from './capture-decoder';
export type { CaptureHeader, GroupEntry, PasswdEntry } from './capture-types';
export { decodeEvents, newDecodeStats, type DecodeStats } from './decode-events';
export { CaptureInputError, EXIT, FormatTooNewError, SshtraceError, UsageError } from './errors';
