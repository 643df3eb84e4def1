// The reducer's input: kernel events decoded from bpf/events.h layouts, plus the meta
// events made from what the recorder itself writes into the capture (snapshot, counters, clock, end).
// Times are nanoseconds since boot (CLOCK_BOOTTIME) as JS numbers; replay turns
// them into wall-clock time with the capture's clock events.
import type { EventCounterField } from './counters';

export interface Creds {
  readonly uid: number;
  readonly euid: number;
  readonly suid: number;
  readonly fsuid: number;
  readonly gid: number;
  readonly egid: number;
  readonly sgid: number;
  readonly fsgid: number;
  readonly auid: number; // loginuid; 4294967295 when unset
  readonly sessionid: number; // audit session id; 4294967295 when unset
}

export interface InetEndpoint {
  readonly family: 'ipv4' | 'ipv6' | 'unknown';
  readonly ip: string; // "127.0.0.1", "::1"; "" when unknown
  readonly port: number;
}

interface Base {
  readonly ts: number; // ns since boot
  readonly tgid: number;
  readonly tid: number;
  readonly truncated: boolean; // EVF_TRUNCATED: a variable field was cut at its cap
}

export interface ForkEvent extends Base {
  readonly kind: 'fork';
  readonly childTgid: number;
  readonly childTid: number;
  readonly thread: boolean;
  readonly creds: Creds;
  readonly comm: string;
}
export interface ExecEvent extends Base {
  readonly kind: 'exec';
  readonly oldTid: number;
  readonly ppid: number;
  readonly creds: Creds;
  readonly startBoottime: number;
  readonly comm: string;
  readonly tty: string;
  readonly filename: string;
  readonly argv: readonly string[];
  readonly argc: number;
  readonly familyRoot: boolean;
  readonly wasTracked: boolean;
}
export interface ExitEvent extends Base {
  readonly kind: 'exit';
  readonly exitCode: number | null; // WEXITSTATUS when exited normally
  readonly signal: number | null; // WTERMSIG when killed
  readonly core: boolean;
  readonly rawStatus: number;
  readonly ppid: number;
  readonly startBoottime: number;
  readonly creds: Creds;
  readonly comm: string;
}
export type CredCall = 'setuid' | 'setgid' | 'setreuid' | 'setregid' | 'setresuid' | 'setresgid';
export interface CredEvent extends Base {
  readonly kind: 'cred';
  readonly call: CredCall;
  readonly ret: number;
  readonly args: readonly number[];
  readonly creds: Creds;
}
export interface SetgroupsEvent extends Base {
  readonly kind: 'setgroups';
  readonly ret: number;
  readonly count: number;
  readonly groups: readonly number[];
}
export interface ChrootEvent extends Base {
  readonly kind: 'chroot';
  readonly ret: number;
  readonly path: string;
}
export interface SetsidEvent extends Base {
  readonly kind: 'setsid';
  readonly ret: number;
}
export interface PrctlEvent extends Base {
  readonly kind: 'prctl';
  readonly op: 'no_new_privs' | 'seccomp' | 'seccomp_syscall';
  readonly ret: number;
  readonly arg2: number;
  readonly arg3: number;
}
export interface AcceptEvent extends Base {
  readonly kind: 'accept';
  readonly fd: number;
  readonly listenFd: number;
  readonly local: InetEndpoint;
  readonly peer: InetEndpoint;
  readonly sockIno: number;
}
export interface SocknameEvent extends Base {
  readonly kind: 'sockname';
  readonly call: 'getpeername' | 'getsockname';
  readonly ret: number;
  readonly fd: number;
  readonly addr: InetEndpoint;
  readonly sockIno: number;
}
export interface ConnectEvent extends Base {
  readonly kind: 'connect';
  readonly ret: number;
  readonly fd: number;
  readonly sockIno: number;
  readonly family: number;
  readonly inet: InetEndpoint;
  readonly path: string; // AF_UNIX path ("@name" if abstract)
}
export interface SocketpairEvent extends Base {
  readonly kind: 'socketpair';
  readonly ret: number;
  readonly family: number;
  readonly sockType: number;
  readonly fds: readonly [number, number];
  readonly inos: readonly [number, number];
  readonly framed: boolean; // EVF_SOCK_MONITOR: its ends carry monitor messages (a dump field: name kept)
}
export interface WaitEvent extends Base {
  readonly kind: 'wait';
  readonly call: 'wait4' | 'waitid';
  readonly ret: number;
  readonly pidArg: number;
  readonly options: number;
  readonly reapedPid: number | null; // wait4: ret when > 0; waitid: si_pid
  readonly status: number | null; // wait4 status word, when read
  readonly siCode: number;
  readonly siStatus: number;
}
/** One monitor message (EV_MONITOR_MSG); kind 'frame' kept: event kinds are dump's output and --kinds values. */
export interface MonitorMessageEvent extends Base {
  readonly kind: 'frame';
  readonly sockIno: number;
  readonly len: number;
  readonly msgType: number;
  readonly withheld: boolean; // type not on the allow-list: body never captured
  readonly body: Uint8Array; // captured body bytes (allowed types), maybe truncated
}
export interface FdpassEvent extends Base {
  readonly kind: 'fdpass';
  readonly sockIno: number;
  readonly controllen: number;
  readonly datalen: number;
}
export interface DgramEvent extends Base {
  readonly kind: 'dgram';
  readonly dgram: 'syslog' | 'audit';
  readonly sockIno: number;
  readonly text: string;
}
export interface BannerEvent extends Base {
  readonly kind: 'banner';
  readonly sockIno: number;
  readonly text: string;
}
export interface FileWriteEvent extends Base {
  readonly kind: 'file_write';
  readonly fd: number;
  readonly count: number;
  readonly ino: number;
  readonly pos: number;
  readonly name: string;
  readonly data: Uint8Array;
}
export interface PipeWriteEvent extends Base {
  readonly kind: 'pipe_write';
  readonly fd: number;
  readonly count: number;
  readonly ino: number;
  readonly data: Uint8Array;
}
/** A monitor socket whose message boundaries were lost (EV_MSG_DESYNC); kind 'frame_desync' kept, as above. */
export interface MessageDesyncEvent extends Base {
  readonly kind: 'frame_desync';
  readonly sockIno: number;
  readonly reason: 'bad_length' | 'too_many' | 'read_failed' | 'no_state' | 'unknown';
  readonly bytes: number;
}

export type KernelEvent =
  | ForkEvent
  | ExecEvent
  | ExitEvent
  | CredEvent
  | SetgroupsEvent
  | ChrootEvent
  | SetsidEvent
  | PrctlEvent
  | AcceptEvent
  | SocknameEvent
  | ConnectEvent
  | SocketpairEvent
  | WaitEvent
  | MonitorMessageEvent
  | FdpassEvent
  | DgramEvent
  | BannerEvent
  | FileWriteEvent
  | PipeWriteEvent
  | MessageDesyncEvent;

// ---- Meta events: what the recorder writes beside kernel events ----------------------

/** A process of the sshd family found by the /proc scan at start. */
export interface SnapshotProcess {
  readonly pid: number;
  readonly ppid: number;
  readonly exe: string; // readlink /proc/pid/exe ("" if unreadable)
  readonly argv: readonly string[]; // /proc/pid/cmdline (shows setproctitle: "sshd: alice [priv]")
  readonly comm: string;
  readonly uid: readonly [number, number, number, number]; // real, effective, saved, fs
  readonly gid: readonly [number, number, number, number];
  readonly auid: number;
  readonly sessionid: number;
  readonly startBoottime: number; // ns since boot
  readonly tty: string; // "pts/0" or ""
  readonly root: string; // readlink /proc/pid/root ("/run/sshd" for a pre-auth child)
  readonly flags: number; // TRACK_* flags the recorder seeded
  readonly peer: InetEndpoint | null; // the TCP peer of its fd 0, when it is a socket
  readonly sid?: number; // session id (stat field 6): sshd's channel processes lead one
}

export interface SnapshotEvent {
  readonly kind: 'snapshot';
  readonly ts: number;
  readonly processes: readonly SnapshotProcess[];
  /** From the capture header: OpenSSH version per sshd-family binary, and user names by uid. */
  readonly opensshVersions?: Readonly<Record<string, string>>;
  readonly users?: ReadonlyArray<readonly [name: string, uid: number]>;
}
/** Loss and health counters, cumulative since the recorder started. */
export type CountersEvent = {
  readonly kind: 'counters';
  readonly ts: number;
  readonly emitted: Readonly<Record<string, number>>; // by event kind
  readonly dropped: Readonly<Record<string, number>>; // ring buffer full, by event kind
  readonly unknownEvents: number; // events of a type this decoder does not know
} & { readonly [F in EventCounterField]: number }; // the scalar counters, named in counters.ts
/** Pairs the kernel clock with wall-clock time. */
export interface ClockEvent {
  readonly kind: 'clock';
  readonly ts: number;
  readonly realtimeNs: number;
}
/** Where a capture segment ends: cleanly (stopped) or not (the tail was cut or damaged). */
export interface CaptureEndEvent {
  readonly kind: 'capture_end';
  readonly ts: number;
  readonly clean: boolean;
  readonly reason: string;
}
/** Something the reader could not read: damaged frames, unknown events. */
export interface GapEvent {
  readonly kind: 'gap';
  readonly ts: number;
  readonly reason: string;
  readonly bytes: number;
}

export type MetaEvent = SnapshotEvent | CountersEvent | ClockEvent | CaptureEndEvent | GapEvent;
export type TraceEvent = KernelEvent | MetaEvent;
