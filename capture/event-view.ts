// Little-endian field readers over one buffer of raw events (bpf/events.h), plus the shared
// decoders for creds, endpoints and text.
import { isUtf8 } from 'node:buffer';
import type { Creds, InetEndpoint } from './events';
import { AF, ARRAY_BYTES, LAYOUT } from './layout';

const TWO_32 = 4294967296;
const C = LAYOUT.creds.fields;
const E = LAYOUT.inet_endpoint.fields;

export class EventView {
  readonly view: DataView;
  readonly buf: Buffer;

  constructor(bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.buf.length;
  }
  u8(at: number): number {
    return this.buf[at]!;
  }
  u16(at: number): number {
    return this.view.getUint16(at, true);
  }
  u32(at: number): number {
    return this.view.getUint32(at, true);
  }
  i32(at: number): number {
    return this.view.getInt32(at, true);
  }
  /** u64 as a JS number: exact below 2^53 (ns since boot stays exact for 104 days of uptime). */
  u64(at: number): number {
    return this.view.getUint32(at + 4, true) * TWO_32 + this.view.getUint32(at, true);
  }
  i64(at: number): number {
    return this.view.getInt32(at + 4, true) * TWO_32 + this.view.getUint32(at, true);
  }

  /** A copy, so events never pin the batch buffer. */
  bytes(at: number, length: number): Uint8Array {
    return new Uint8Array(this.buf.subarray(at, at + length));
  }

  /** Text up to the first NUL within [at, at+max). */
  cstr(at: number, max: number): string {
    return this.text(at, this.nulOrEnd(at, Math.min(at + max, this.buf.length)));
  }

  /** Index of the first NUL in [start, end), or end. A loop: fields are short, a native call costs more. */
  nulOrEnd(start: number, end: number): number {
    const buf = this.buf;
    for (let i = start; i < end; i++) if (buf[i] === 0) return i;
    return end;
  }

  /** UTF-8 when the bytes are valid UTF-8, else latin1: never throws, never loses a byte. */
  text(start: number, end: number): string {
    if (end <= start) return '';
    const buf = this.buf;
    // A JS loop: most fields are short ASCII, and a native isAscii() on a subarray costs more.
    let ascii = true;
    for (let i = start; i < end; i++)
      if (buf[i]! >= 0x80) {
        ascii = false;
        break;
      }
    if (ascii || !isUtf8(buf.subarray(start, end))) return buf.toString('latin1', start, end);
    return buf.toString('utf8', start, end);
  }

  creds(at: number): Creds {
    return {
      uid: this.u32(at + C.uid),
      euid: this.u32(at + C.euid),
      suid: this.u32(at + C.suid),
      fsuid: this.u32(at + C.fsuid),
      gid: this.u32(at + C.gid),
      egid: this.u32(at + C.egid),
      sgid: this.u32(at + C.sgid),
      fsgid: this.u32(at + C.fsgid),
      auid: this.u32(at + C.auid),
      sessionid: this.u32(at + C.sessionid),
    };
  }

  endpoint(at: number): InetEndpoint {
    const family = this.u16(at + E.family);
    const port = this.u16(at + E.port);
    const addr = this.buf.subarray(at + E.addr, at + E.addr + ARRAY_BYTES.inet_endpoint.addr);
    if (family === AF.INET) return { family: 'ipv4', ip: formatIpv4(addr), port };
    if (family === AF.INET6) return { family: 'ipv6', ip: formatIpv6(addr), port };
    return { family: 'unknown', ip: '', port };
  }
}

export function formatIpv4(addr: Uint8Array): string {
  return `${addr[0]}.${addr[1]}.${addr[2]}.${addr[3]}`;
}

/** RFC 5952 text, as inet_ntop prints it (IPv4-mapped and -compatible tails in dotted form). */
export function formatIpv6(addr: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((addr[i]! << 8) | addr[i + 1]!);
  const [runStart, runLength] = longestZeroRun(groups);
  const tail = dottedTail(groups, addr);
  const count = tail ? 6 : 8;
  const hex = (from: number, to: number) =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':');
  if (runLength < 2 || runStart >= count) return tail ? `${hex(0, 6)}:${tail}` : hex(0, 8);
  const runEnd = Math.min(runStart + runLength, count);
  const right = runEnd < count ? hex(runEnd, count) + (tail ? `:${tail}` : '') : tail;
  return `${hex(0, runStart)}::${right}`;
}

function longestZeroRun(groups: readonly number[]): [number, number] {
  let best: [number, number] = [-1, 0];
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > best[1]) best = [i, j - i];
    i = j;
  }
  return best;
}

// ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, not ::1 or ::) print their last 32 bits dotted.
function dottedTail(groups: readonly number[], addr: Uint8Array): string {
  const firstFiveZero = groups.slice(0, 5).every((g) => g === 0);
  const mapped = firstFiveZero && groups[5] === 0xffff;
  const compatible = firstFiveZero && groups[5] === 0 && groups[6] !== 0;
  return mapped || compatible ? formatIpv4(addr.subarray(12, 16)) : '';
}
