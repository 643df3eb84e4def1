// The reducer's state: plain readonly data in persistent collections (immutable.js), so that step() can
// return a new state without copying the world and an event that changes nothing returns the same object.
import { List, Map as IMap } from 'immutable';
import type { Creds, InetEndpoint } from '../capture/events';
import type { GenerationName } from './versions';
import type { OutputRecord } from './records';

/** What a process is to sshd, learned from lineage and behaviour. */
export type Role =
  | 'sshd' // a family root that has not accepted yet (listener, `sshd -t`, inetd child...)
  | 'listener' // accepts connections and forks a per-connection process for each
  | 'monitor' // the per-connection (privileged) process
  | 'preauth' // the unprivileged pre-auth child (chroot + setresuid + seccomp)
  | 'postauth' // the post-auth child running as the user
  | 'undecided' // a monitor child forked after authentication: post-auth child or a helper
  | 'helper' // run by sshd as root around a login (PAM thread, run-parts, unix_chkpwd, keys command)
  | 'session' // in the user's process tree of a connection
  | 'other'; // tracked, but nothing the model needs

export interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly role: Role;
  readonly conn: string | null; // connection id
  readonly startTs: number;
  readonly image: string | null; // current exec'd file (null: forked, never exec'd since seen)
  readonly argv: readonly string[] | null;
  readonly creds: Creds | null;
  readonly channel: number | null; // session channel this process belongs to
  readonly command: number | null; // index of its current image in the session's commands
  readonly tty: string | null;
  readonly fromSnapshot: boolean;
}

export interface Command {
  readonly argv: readonly string[];
  readonly path: string;
  readonly pid: number;
  readonly ppid: number;
  readonly startTs: number;
  readonly endTs: number | null;
  readonly exitCode: number | null;
  readonly signal: number | null;
  readonly replaced: boolean;
  readonly channel: number | null;
  readonly tty: string | null;
  readonly fromSnapshot: boolean;
}

export interface Channel {
  readonly pid: number;
  readonly command: string | null; // AUDIT_COMMAND text
  readonly tty: string | null;
  readonly kind: 'shell' | 'exec' | 'subsystem' | 'unknown';
  readonly startTs: number;
  readonly endTs: number | null;
}

/** A key or password attempt whose outcome is not known yet. */
export interface Pending {
  readonly method: string;
  readonly key: { readonly type: string; readonly fingerprint: string } | null;
  /** answer: the request waits for its answer; keyverify: a key was allowed, its signature is checked
   *  next; kbdint: PAM conversation; account: accepted, waiting for PAM's account check or the login. */
  readonly stage: 'answer' | 'keyverify' | 'kbdint' | 'account';
  /** KEYALLOWED only: whether the request carried a signature (null: body cut before the flag). */
  readonly signed: boolean | null;
  readonly ts: number;
}

export interface Conn {
  readonly id: string;
  readonly generation: GenerationName;
  readonly listener: number | null;
  readonly monitor: number;
  readonly preauth: number | null;
  readonly postauth: number | null;
  readonly source: InetEndpoint | null;
  readonly startTs: number;
  readonly user: string | null;
  readonly uid: number | null;
  readonly invalidUser: boolean;
  readonly pam: boolean; // PAM_START seen: success waits for the account check
  readonly pending: Pending | null;
  readonly attempts: number;
  readonly authenticated: boolean;
  readonly authTs: number | null;
  readonly method: string | null;
  readonly termSeen: boolean; // the post-auth child sent MONITOR_REQ_TERM
  readonly channels: List<Channel>;
  readonly commands: List<Command>;
  readonly pendingCommand: string | null; // AUDIT_COMMAND waiting for its channel's fork
  readonly pendingTty: string | null; // ANS_PTY waiting for its channel's fork
  readonly tty: string | null;
  readonly opensshVersion: string | null;
  readonly incomplete: List<string>;
}

export interface Accepted {
  readonly peer: InetEndpoint;
  readonly ts: number;
}

export interface State {
  readonly procs: IMap<number, Proc>;
  readonly conns: IMap<string, Conn>;
  /** The peer each listener accepted last, until the fork that hands it over. The listener is
   *  single-threaded: accept → fork; an accept with no fork before the next one was refused. */
  readonly accepted: IMap<number, Accepted>;
  /** Realtime minus boottime, from the latest clock event. */
  readonly clockOffsetNs: number | null;
  readonly lossTotal: number; // dropped + lost events seen so far in counters
  /** Records held until the next counters event proves no loss overlapped them (then flushed). */
  readonly held: List<OutputRecord>;
  readonly opensshVersions: IMap<string, string>; // exe path → "9.2p1"
  readonly userNames: IMap<number, string>; // uid → name, from the capture header
}

export const initialState: State = {
  procs: IMap(),
  conns: IMap(),
  accepted: IMap(),
  clockOffsetNs: null,
  lossTotal: 0,
  held: List(),
  opensshVersions: IMap(),
  userNames: IMap(),
};
