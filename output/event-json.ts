// Events as JSON lines: one object per line, bytes as lowercase hex, nothing else changed.
import type { CaptureFile } from '../capture/file-reader';
import { KIND_BY_TYPE } from '../capture/layout';

const META_KINDS = ['snapshot', 'counters', 'clock', 'capture_end', 'gap'] as const;
/** Every kind `dump --kinds` accepts: kernel events, meta events, and the per-file header line. */
export const DUMP_KINDS: readonly string[] = ['header', ...Object.values(KIND_BY_TYPE), ...META_KINDS];

function replacer(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array
    ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')
    : value;
}

export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value, replacer)}\n`;
}

/** The line that opens each file in a dump: its path and header (hostname, passwd, snapshot…). */
export function headerLine(file: CaptureFile): string {
  return jsonLine({ kind: 'header', path: file.path, size: file.size, header: file.header });
}
