// The reducer's output. Field names of auth and session records are a contract (issue #3): keep them,
// add freely. Times are ISO-8601 UTC with microseconds, derived from the capture's clock pairs.

export interface Endpoint {
  readonly ip: string;
  readonly port: number;
}

export interface SshdPids {
  readonly listener: number | null;
  readonly monitor: number | null; // null for a connection the listener refused without forking
  readonly preauth: number | null; // the unprivileged pre-auth child
  readonly postauth: number | null; // the post-auth child running as the user (none for root up to 9.7)
}

export interface AuthRecord {
  readonly type: 'auth';
  readonly time: string;
  readonly user: string;
  readonly invalid_user: boolean;
  readonly success: boolean;
  readonly method: string; // password, publickey, keyboard-interactive, hostbased, gssapi-with-mic
  readonly source: Endpoint | null;
  readonly key: { readonly type: string; readonly fingerprint: string } | null;
  readonly openssh_version: string | null;
  readonly pids: SshdPids;
  readonly connection: string;
  /** Why the outcome is less certain than usual, e.g. an accepted answer never followed by a login. */
  readonly note: string | null;
  readonly incomplete: boolean;
}

export interface CommandRecord {
  readonly argv: readonly string[];
  readonly path: string;
  readonly pid: number;
  readonly ppid: number;
  readonly start: string;
  readonly end: string | null; // null while running when the capture ended
  readonly duration_ms: number | null;
  readonly exit_code: number | null; // null when killed, replaced by another exec, or still running
  readonly signal: number | null;
  /** True when this program image ended because the process exec'd another one (see the next command). */
  readonly replaced_by_exec: boolean;
  readonly channel: number | null; // index into the session's channels
  readonly tty: string | null;
  /** True when the exec was not seen (the process was already running when the capture started). */
  readonly from_snapshot: boolean;
}

export interface ChannelRecord {
  readonly channel: number;
  readonly pid: number; // the process sshd forked for this channel
  readonly kind: 'shell' | 'exec' | 'subsystem' | 'unknown';
  readonly command: string | null; // AUDIT_COMMAND text when the build sends it
  readonly tty: string | null;
  readonly start: string;
  readonly end: string | null;
}

export interface SessionRecord {
  readonly type: 'session';
  readonly connection: string;
  readonly user: string;
  readonly uid: number | null;
  readonly source: Endpoint | null;
  readonly start: string;
  readonly end: string | null;
  readonly end_reason: string;
  readonly tty: string | null;
  readonly method: string | null;
  readonly openssh_version: string | null;
  readonly pids: SshdPids;
  readonly incomplete: boolean;
  readonly incomplete_reasons: readonly string[];
  readonly channels: readonly ChannelRecord[];
  readonly commands: readonly CommandRecord[];
}

/** A connection that never reached a login: dropped, timed out, or failed authentication. */
export interface ConnectionRecord {
  readonly type: 'connection';
  readonly connection: string;
  readonly source: Endpoint | null;
  readonly start: string;
  readonly end: string | null;
  readonly end_reason: string;
  readonly user: string | null;
  readonly invalid_user: boolean;
  readonly attempts: number;
  readonly pids: SshdPids;
  readonly incomplete: boolean;
  readonly incomplete_reasons: readonly string[];
}

/** Something the model could not explain; never silent, never a crash. */
export interface AnomalyRecord {
  readonly type: 'anomaly';
  readonly time: string | null;
  readonly what: string;
  readonly pid: number | null;
  readonly connection: string | null;
  readonly detail: string;
}

/** Emitted when a login is decided, so live views can show sessions as they start. */
export interface SessionStartRecord {
  readonly type: 'session_start';
  readonly connection: string;
  readonly user: string;
  readonly uid: number | null;
  readonly source: Endpoint | null;
  readonly start: string;
  readonly pids: SshdPids;
}

export type OutputRecord = AuthRecord | SessionRecord | ConnectionRecord | AnomalyRecord | SessionStartRecord;
