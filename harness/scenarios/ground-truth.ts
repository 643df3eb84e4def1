// Ground truth: what a scenario did and what its clients observed, written by the scenario itself.
// Nothing here may come from sshtrace's own reducer or from a capture.

export type AuthMethod = 'password' | 'publickey' | 'keyboard-interactive';

/** One authentication request the client made, in order. The "none" probe every client sends first
 *  is left out: with PermitEmptyPasswords no it never reaches the monitor, so nothing can see it. */
export interface ExpectedAttempt {
  readonly user: string;
  readonly invalid_user: boolean;
  readonly success: boolean;
  readonly method: AuthMethod;
  /** publickey: SHA256 fingerprint of the key the client offered, from its public key (as ssh-keygen -l prints it). */
  readonly key_fingerprint?: string;
}

/** One process of a session, as the scenario made it run. */
export interface ExpectedCommand {
  /** argv of the execve that started this image (the shell's is "-bash" or "bash -c <string>"). */
  readonly argv: readonly string[];
  readonly exit_code: number | null;
  /** Number of the signal that killed it (e.g. 15 for SIGTERM), or null. */
  readonly signal: number | null;
  /** Later images of the same pid: `bash -c <one simple command>` execs that command without forking. */
  readonly then_execs?: readonly (readonly string[])[];
  /** A forked subshell that never execs (its argv is its parent's): e.g. `(cd /tmp && pwd)`. */
  readonly forked_only?: boolean;
}

export interface ExpectedSession {
  readonly user: string;
  /** The user's uid in the server's /etc/passwd. */
  readonly uid?: number;
  readonly tty: boolean;
  readonly kind: 'shell' | 'exec' | 'subsystem';
  /** The user's shell first, then every process it started, in start order. */
  readonly commands: readonly ExpectedCommand[];
  /** False when startup files may add processes the scenario did not run (a login shell reads /etc/profile). */
  readonly commands_complete: boolean;
  /** Why the command list looks as it does: how bash forks or execs for this command string. */
  readonly why: string;
}

export type ClientProgram = 'ssh' | 'sftp' | 'scp' | 'tcp';

export interface ExpectedConnection {
  /** Names the connection within its scenario, e.g. "attempt" or "session-2". */
  readonly label: string;
  readonly client: ClientProgram;
  /** 127.0.0.1 port the client connected from (known before the first byte; see client.ts). */
  readonly source_port: number | null;
  readonly attempts: readonly ExpectedAttempt[];
  readonly sessions: readonly ExpectedSession[];
  /** What the client's exit status must be, given what the scenario did (null: not an ssh client). */
  readonly expected_client_exit_status: number | null;
  /** Observed. */
  readonly client_exit_status: number | null;
  /** Observed: the client's stdout must contain each of these. */
  readonly stdout_must_include: readonly string[];
  readonly stdout: string;
  readonly stderr: string;
  /** Observed: prompts the askpass helper answered (one per password/keyboard-interactive attempt). */
  readonly prompts_answered: number;
  readonly started_at: string;
  readonly ended_at: string;
  /** Observed: the server closed the connection itself, at LoginGraceTime (the client only waited). */
  readonly server_closed?: 'login_grace_time';
  /** Anything else observed, e.g. the server's banner or when the server closed a pre-auth connection. */
  readonly observed?: Readonly<Record<string, string | number | boolean>>;
}

export interface GroundTruth {
  readonly scenario: string;
  readonly server: {
    readonly address: '127.0.0.1';
    readonly port: number;
    readonly pid: number;
    readonly version: string;
  };
  readonly started_at: string;
  readonly ended_at: string;
  readonly connections: readonly ExpectedConnection[];
  /** Server-side facts the scenario checked itself, e.g. an uploaded file's content. */
  readonly checks: readonly { readonly what: string; readonly ok: boolean }[];
}

export const SIGKILL = 9;
export const SIGTERM = 15;
