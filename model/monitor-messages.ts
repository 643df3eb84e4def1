// OpenSSH monitor protocol (monitor.h enum monitor_reqtype; identical numbers 8.4–10.x) and parsers for the
// bodies the BPF allow-list lets through. Bodies may be truncated: every parser returns null rather than throw.
import { createHash } from 'node:crypto';

export const Msg = {
  MODULI: 0,
  ANS_MODULI: 1,
  FREE: 2,
  AUTHSERV: 4,
  SIGN: 6,
  ANS_SIGN: 7,
  PWNAM: 8,
  ANS_PWNAM: 9,
  AUTH2_READ_BANNER: 10,
  ANS_AUTH2_READ_BANNER: 11,
  AUTHPASSWORD: 12,
  ANS_AUTHPASSWORD: 13,
  SETCOMPAT: 18,
  KEYALLOWED: 22,
  ANS_KEYALLOWED: 23,
  KEYVERIFY: 24,
  ANS_KEYVERIFY: 25,
  KEYEXPORT: 26,
  PTY: 28,
  ANS_PTY: 29,
  PTYCLEANUP: 30,
  GSSUSEROK: 46,
  ANS_GSSUSEROK: 47,
  TERM: 50,
  STATE: 51,
  ANS_STATE: 52,
  PAM_START: 100,
  PAM_ACCOUNT: 102,
  ANS_PAM_ACCOUNT: 103,
  PAM_INIT_CTX: 104,
  ANS_PAM_INIT_CTX: 105,
  PAM_QUERY: 106,
  ANS_PAM_QUERY: 107,
  PAM_RESPOND: 108,
  ANS_PAM_RESPOND: 109,
  PAM_FREE_CTX: 110,
  ANS_PAM_FREE_CTX: 111,
  AUDIT_EVENT: 112,
  AUDIT_COMMAND: 113,
} as const;

/** Types a pre-auth or post-auth child or the monitor may send; anything else on their sockets is odd. */
export const KNOWN_TYPES = new Set<number>([
  ...Object.values(Msg),
  3,
  5,
  14,
  15,
  16,
  17,
  27,
  31,
  32,
  33,
  34,
  35,
  36,
  37,
  38,
  39,
  40,
  41,
  42,
  43,
  44,
  45,
  48,
  49,
  101,
  150,
  151,
  152,
  153,
]);

/** A cursor over a (possibly truncated) body; every read returns null past the end. */
class Reader {
  private off = 0;
  constructor(private readonly b: Uint8Array) {}
  u8(): number | null {
    return this.off + 1 <= this.b.length ? this.b[this.off++]! : null;
  }
  u32(): number | null {
    if (this.off + 4 > this.b.length) return null;
    const b = this.b,
      o = this.off;
    this.off += 4;
    return ((b[o]! << 24) >>> 0) + (b[o + 1]! << 16) + (b[o + 2]! << 8) + b[o + 3]!;
  }
  bytes(): Uint8Array | null {
    const n = this.u32();
    if (n === null || this.off + n > this.b.length) return null;
    const out = this.b.subarray(this.off, this.off + n);
    this.off += n;
    return out;
  }
  cstring(): string | null {
    const s = this.bytes();
    return s === null ? null : Buffer.from(s).toString('utf8');
  }
}

/** REQ_PWNAM: cstring user. */
export function parsePwnam(body: Uint8Array): string | null {
  return new Reader(body).cstring();
}

/** ANS_PWNAM: u8 ok, then (8.5+) string(native u32 uid), string(gid)…; 8.4: string(struct passwd). */
export function parseAnsPwnam(body: Uint8Array): { valid: boolean; uid: number | null } | null {
  const r = new Reader(body);
  const ok = r.u8();
  if (ok === null) return null;
  if (ok === 0) return { valid: false, uid: null };
  const first = r.bytes();
  let uid: number | null = null;
  if (first?.length === 4)
    uid = Buffer.from(first).readUInt32LE(0); // 8.5+: the uid itself
  else if (first !== null && first.length >= 24) uid = Buffer.from(first).readUInt32LE(16); // 8.4: struct passwd
  return { valid: true, uid };
}

/** A u32 answer (ANS_AUTHPASSWORD, ANS_KEYALLOWED, ANS_KEYVERIFY, ANS_PAM_*, AUDIT_EVENT). */
export function parseU32(body: Uint8Array): number | null {
  return new Reader(body).u32();
}

export interface KeyAllowedRequest {
  readonly keyType: 'user' | 'host' | 'none';
  readonly user: string;
  readonly host: string;
  readonly key: { readonly type: string; readonly fingerprint: string } | null;
  readonly withSignature: boolean | null; // null when the body was cut before the flag
}

/** REQ_KEYALLOWED: u32 type, cstring user, cstring host, string key blob, u32 pubkey_auth_attempt. */
export function parseKeyAllowed(body: Uint8Array): KeyAllowedRequest | null {
  const r = new Reader(body);
  const t = r.u32();
  const user = r.cstring();
  const host = r.cstring();
  if (t === null || user === null || host === null) return null;
  const blob = r.bytes();
  const attempt = r.u32();
  return {
    keyType: t === 2 ? 'user' : t === 1 ? 'host' : 'none',
    user,
    host,
    key: blob === null ? null : describeKey(blob),
    withSignature: attempt === null ? null : attempt !== 0,
  };
}

/** Key type name and OpenSSH-style SHA256 fingerprint of a public key blob. */
function describeKey(blob: Uint8Array): { type: string; fingerprint: string } {
  const type = new Reader(blob).cstring() ?? 'unknown';
  const digest = createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
  return { type, fingerprint: `SHA256:${digest}` };
}

/** ANS_PTY: u32 ok, cstring tty, cstring loginmsg. */
export function parseAnsPty(body: Uint8Array): { ok: boolean; tty: string | null } | null {
  const r = new Reader(body);
  const ok = r.u32();
  if (ok === null) return null;
  return { ok: ok !== 0, tty: r.cstring() };
}

/** PTYCLEANUP and AUDIT_COMMAND: one cstring. */
export function parseCstring(body: Uint8Array): string | null {
  return new Reader(body).cstring();
}

/** "/dev/pts/3" → "pts/3", as the kernel names a tty. */
export function ttyName(path: string): string {
  return path.startsWith('/dev/') ? path.slice(5) : path;
}
