// Monitor-protocol message bodies exactly as OpenSSH encodes them (monitor.c mm_answer_*, monitor_wrap.c mm_*;
// sshbuf: big-endian u32, string = u32 length + bytes, cstring likewise without NUL), and the BPF allow-list
// (bpf/msg_policy.h) that decides which bodies leave the kernel. Written from the OpenSSH source, not from
// model/monitor-messages.ts, so that the two can disagree.
import { createHash } from 'node:crypto';

/** monitor.h enum monitor_reqtype (same numbers 8.4–10.x). */
export const MON = {
  SIGN: 6,
  ANS_SIGN: 7,
  PWNAM: 8,
  ANS_PWNAM: 9,
  AUTHSERV: 4,
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

/** security/_pam_types.h message types on the PAM-thread socket (auth-pam.c ssh_msg_send). */
export const PAM_MSG = { SUCCESS: 0, PROMPT_ECHO_OFF: 1, AUTH_ERR: 7, AUTHTOK: 6 } as const;

/** audit.h ssh_audit_event_t. */
export const AUDIT = { MAXTRIES: 0, ROOT_DENIED: 1, INVALID_USER: 9, CONNECTION_CLOSE: 11 } as const;

/** bpf/msg_policy.h: body bytes kept per type; 0 = withheld (header only). */
export function msgBodyCap(msgType: number): number {
  const caps: Readonly<Record<number, number>> = {
    4: 128,
    8: 260,
    9: 512,
    13: 16,
    18: 16,
    22: 1024,
    23: 64,
    25: 16,
    29: 256,
    30: 64,
    103: 256,
    105: 16,
    107: 512,
    109: 16,
    111: 16,
    112: 16,
    113: 1024,
  };
  return caps[msgType] ?? 0;
}

/** An sshbuf under construction. */
export class Buf {
  private readonly parts: Buffer[] = [];
  u8(v: number): this {
    this.parts.push(Buffer.from([v & 0xff]));
    return this;
  }
  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    this.parts.push(b);
    return this;
  }
  /** sshbuf_put_string / sshbuf_put_cstring: u32 length, then the bytes (no NUL). */
  string(v: Uint8Array | string): this {
    const bytes = typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v);
    return this.u32(bytes.length).raw(bytes);
  }
  raw(v: Uint8Array): this {
    this.parts.push(Buffer.from(v));
    return this;
  }
  bytes(): Uint8Array {
    return Uint8Array.from(Buffer.concat(this.parts));
  }
}

/** Host-endian (x86_64: little-endian) u32, as PUTPW(m, pw_uid) copies the struct field's memory. */
function nativeU32(v: number): Uint8Array {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
}

/** Filler standing for a blob whose content sshtrace never reads (ServerOptions, key state, signatures). */
export function filler(length: number, seed = 0x5a): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (seed + i * 31) & 0xff);
}

export interface Passwd {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly gecos: string;
  readonly dir: string;
  readonly shell: string;
}

/** MONITOR_ANS_PWNAM (mm_answer_pwnamallow). `struct passwd` layout for 8.4: uid at 16, gid at 20. */
export function ansPwnam(pw: Passwd | null, format: 'fields' | 'struct', optionsLen: number): Uint8Array {
  const b = new Buf();
  if (pw === null) return b.u8(0).string(filler(optionsLen)).bytes();
  b.u8(1);
  if (format === 'struct') {
    const raw = Buffer.from(filler(48, 0x11));
    raw.writeUInt32LE(pw.uid, 16);
    raw.writeUInt32LE(pw.gid, 20);
    b.string(raw);
  } else {
    b.string(nativeU32(pw.uid)).string(nativeU32(pw.gid));
  }
  b.string(pw.name).string('*').string(pw.gecos).string(pw.dir).string(pw.shell);
  return b.string(filler(optionsLen)).bytes();
}

/** A public key blob (sshkey_puts body): string type, then the key material. */
export function keyBlob(type: string, seed: number): Uint8Array {
  return new Buf().string(type).string(filler(32, seed)).bytes();
}

/** The OpenSSH fingerprint of a key blob: "SHA256:" + unpadded base64 of its SHA-256. */
export function fingerprint(blob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** MONITOR_REQ_KEYALLOWED (mm_key_allowed): u32 type, cstring user, cstring host, string key, u32 attempt. */
export function keyAllowed(blob: Uint8Array, withSignature: boolean): Uint8Array {
  return new Buf()
    .u32(2)
    .string('')
    .string('')
    .string(blob)
    .u32(withSignature ? 1 : 0)
    .bytes();
}

/** MONITOR_ANS_KEYALLOWED: u32 allowed, then the serialised key options when allowed. */
export function ansKeyAllowed(allowed: boolean): Uint8Array {
  const b = new Buf().u32(allowed ? 1 : 0);
  return allowed ? b.raw(filler(40, 0x21)).bytes() : b.bytes();
}

/** MONITOR_ANS_KEYVERIFY: u32 (ret != 0), u8 sig_details present. */
export function ansKeyVerify(ok: boolean): Uint8Array {
  return new Buf()
    .u32(ok ? 0 : 1)
    .u8(0)
    .bytes();
}

/** MONITOR_ANS_AUTHPASSWORD: u32 authenticated, u32 pam_maxtries_reached (PAM builds). */
export function ansAuthPassword(ok: boolean): Uint8Array {
  return new Buf()
    .u32(ok ? 1 : 0)
    .u32(0)
    .bytes();
}

/** MONITOR_ANS_PAM_QUERY: u32 ret, cstring name, cstring info, u32 maxtries, u32 num, num × (cstring, u32). */
export function ansPamQuery(ret: number, prompt: string | null, info = ''): Uint8Array {
  const b = new Buf()
    .u32(ret)
    .string('')
    .string(info)
    .u32(0)
    .u32(prompt === null ? 0 : 1);
  return prompt === null ? b.bytes() : b.string(prompt).u32(0).bytes();
}

/** MONITOR_REQ_PAM_RESPOND: u32 num, num × cstring response (withheld by the BPF policy anyway). */
export function pamRespond(responses: readonly string[]): Uint8Array {
  const b = new Buf().u32(responses.length);
  for (const r of responses) b.string(r);
  return b.bytes();
}

/** MONITOR_ANS_PTY: u32 ok, cstring tty, string loginmsg. */
export function ansPty(ttyPath: string, loginmsg: string): Uint8Array {
  return new Buf().u32(1).string(ttyPath).string(loginmsg).bytes();
}

export const u32Body = (v: number): Uint8Array => new Buf().u32(v).bytes();
export const cstringBody = (v: string): Uint8Array => new Buf().string(v).bytes();
export const empty = (): Uint8Array => new Uint8Array(0);
