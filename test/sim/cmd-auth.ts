// Commands before authentication: the "none" probe, failed, successful and refused-by-configuration attempts, an
// abandoned key query, and how a connection ends unauthenticated (client drop, at the PAM prompt too,
// LoginGraceTime, a crashed pre-auth child, MaxAuthTries). Root may log in by key only (PermitRootLogin
// prohibit-password) or not at all (no), so root password and kbd-int attempts always fail.
import { MAX_AUTH_TRIES, endPreauth, type SshdConn } from './sshd-connect';
import {
  dropAtPamPrompt,
  kbdintAttempt,
  noneProbe,
  pamAccount,
  passwordAttempt,
  publickeyAttempt,
  rootDenied,
  type PublickeyVariant,
} from './sshd-auth';
import { loginSucceeded } from './sshd-session';
import { keyBlob, fingerprint } from './messages';
import { closeConn, expectAuth, openConns, pick, preauthEndReason, type Model, type OracleConn } from './oracle';
import { account } from './world';
import type { PrivsepCommand, Real } from './cmd-connect';

export type Method = 'password' | 'publickey' | 'keyboard-interactive';
export const METHODS: readonly Method[] = ['password', 'publickey', 'keyboard-interactive'];

export const KEYS: readonly { readonly type: string; readonly seed: number }[] = [
  { type: 'ssh-ed25519', seed: 1 },
  { type: 'ssh-ed25519', seed: 2 },
  { type: 'ecdsa-sha2-nistp256', seed: 3 },
  { type: 'ssh-rsa', seed: 4 },
];

function keyOf(index: number): { blob: Uint8Array; expected: { type: string; fingerprint: string } } {
  const k = KEYS[index % KEYS.length]!;
  const blob = keyBlob(k.type, k.seed);
  return { blob, expected: { type: k.type, fingerprint: fingerprint(blob) } };
}

function target(m: Readonly<Model>, index: number): OracleConn | null {
  return pick(openConns(m as Model, 'preauth'), index);
}

/** The client's first request decides the user for the whole connection (auth2.c refuses a change). */
function ensureUser(r: Real, c: OracleConn, s: SshdConn, userName: string): void {
  if (c.user !== null) return;
  noneProbe(r.sim, s, userName);
  const a = account(userName);
  c.user = userName;
  c.valid = a !== null;
  c.uid = a?.uid ?? null;
}

function userOf(c: OracleConn, fallback: string): string {
  return c.user ?? fallback;
}

/** Without PAM there is no keyboard-interactive device on Linux: such a client falls back to a password. */
function available(m: Model, method: Method): Method {
  return method === 'keyboard-interactive' && !m.setup.usePam ? 'password' : method;
}

/** MaxAuthTries reached: the pre-auth child disconnects the client. */
function maybeTooMany(m: Model, r: Real, c: OracleConn, s: SshdConn): void {
  if (c.failures < MAX_AUTH_TRIES || c.phase !== 'preauth') return;
  endPreauth(r.sim, s, 'maxtries');
  closeConn(c, r.sim.events, preauthEndReason(c, s, 'maxtries'));
  m.story[m.story.length - 1] += ' → too many failures, disconnected';
}

abstract class PreauthCommand implements PrivsepCommand {
  constructor(readonly target: number) {}
  check(m: Readonly<Model>): boolean {
    return target(m, this.target) !== null;
  }
  abstract run(m: Model, r: Real): void;
  protected conn(m: Model, r: Real): [OracleConn, SshdConn] {
    const c = target(m, this.target)!;
    return [c, r.sshd.get(c.n)!];
  }
  abstract describe(): string;
  toString(): string {
    return `${this.describe()} (target ${this.target})`;
  }
}

export class ProbeCommand extends PreauthCommand {
  constructor(
    t: number,
    readonly userName: string,
  ) {
    super(t);
  }
  override check(m: Readonly<Model>): boolean {
    return target(m, this.target)?.user === null;
  }
  run(m: Model, r: Real): void {
    const [c, s] = this.conn(m, r);
    ensureUser(r, c, s, this.userName);
    m.story.push(`#${c.n} "none" probe as ${this.userName}`);
  }
  describe(): string {
    return `probe as ${this.userName}`;
  }
}

export class FailCommand extends PreauthCommand {
  constructor(
    t: number,
    readonly userName: string,
    readonly method: Method,
    readonly variant: number,
    readonly key: number,
  ) {
    super(t);
  }
  run(m: Model, r: Real): void {
    const [c, s] = this.conn(m, r);
    ensureUser(r, c, s, this.userName);
    const method = available(m, this.method);
    const detail = this.attempt(r, c, s, method);
    m.story.push(`#${c.n} failed ${method} for ${c.user}${detail}`);
    maybeTooMany(m, r, c, s);
  }
  private attempt(r: Real, c: OracleConn, s: SshdConn, method: Method): string {
    if (method === 'password') {
      expectAuth(c, false, 'password', passwordAttempt(r.sim, s, false));
      return '';
    }
    if (method === 'keyboard-interactive') {
      const v = this.variant % 4 === 3 ? 'wrong-with-message' : 'wrong';
      expectAuth(c, false, 'keyboard-interactive', kbdintAttempt(r.sim, s, v));
      return ` (${v})`;
    }
    const variants: PublickeyVariant[] = c.valid
      ? ['refused', 'refused-signed', 'bad-signature']
      : ['refused', 'refused-signed'];
    const v = variants[this.variant % variants.length]!;
    const key = keyOf(this.key);
    expectAuth(c, false, 'publickey', publickeyAttempt(r.sim, s, key.blob, v)!, key.expected);
    return ` (${v}, ${key.expected.type})`;
  }
  describe(): string {
    return `fail ${this.method} as ${this.userName}`;
  }
}

export class SucceedCommand extends PreauthCommand {
  constructor(
    t: number,
    readonly userName: string,
    readonly method: Method,
    readonly queried: boolean,
    readonly key: number,
  ) {
    super(t);
  }
  override check(m: Readonly<Model>): boolean {
    const c = target(m, this.target);
    const a = c === null ? null : account(userOf(c, this.userName));
    return a !== null && (a.uid !== 0 || m.setup.permitRootLogin !== 'no');
  }
  /** Root can only log in with a key (PermitRootLogin prohibit-password). */
  private methodFor(m: Model, c: OracleConn): Method {
    return c.uid === 0 ? 'publickey' : available(m, this.method);
  }
  run(m: Model, r: Real): void {
    const [c, s] = this.conn(m, r);
    ensureUser(r, c, s, this.userName);
    const method = this.methodFor(m, c);
    let key = null;
    let decided = 0;
    if (method === 'password') decided = passwordAttempt(r.sim, s, true);
    if (method === 'keyboard-interactive') decided = kbdintAttempt(r.sim, s, 'right');
    if (method === 'publickey') {
      const k = keyOf(this.key);
      decided = publickeyAttempt(r.sim, s, k.blob, this.queried ? 'accepted' : 'accepted-unqueried')!;
      key = k.expected;
    }
    pamAccount(r.sim, s);
    loginSucceeded(r.sim, s);
    // The login's time is when its credentials were accepted; PAM's account check and the login itself follow.
    expectAuth(c, true, method, decided, key);
    c.loginTs = decided;
    c.phase = 'session';
    c.method = method;
    c.pids = { ...c.pids, postauth: s.postauth };
    m.story.push(`#${c.n} ${method} login as ${c.user}${method === 'publickey' && !this.queried ? ' (no query)' : ''}`);
  }
  describe(): string {
    return `succeed ${this.method} as ${this.userName}`;
  }
}

/**
 * Credentials that work, refused by configuration: root's verified key under PermitRootLogin no (the monitor
 * logs a failure, the client may go on), or an account PAM's account check rejects (the child then fatal()s).
 */
export class DeniedLoginCommand extends PreauthCommand {
  constructor(
    t: number,
    readonly userName: string,
    readonly method: Method,
    readonly key: number,
  ) {
    super(t);
  }
  override check(m: Readonly<Model>): boolean {
    const c = target(m, this.target);
    const a = c === null ? null : account(userOf(c, this.userName));
    return a !== null && (a.uid === 0 ? m.setup.permitRootLogin === 'no' : m.setup.usePam);
  }
  run(m: Model, r: Real): void {
    const [c, s] = this.conn(m, r);
    ensureUser(r, c, s, this.userName);
    const method = c.uid === 0 ? 'publickey' : available(m, this.method);
    const k = keyOf(this.key);
    if (method === 'password') passwordAttempt(r.sim, s, true);
    if (method === 'keyboard-interactive') kbdintAttempt(r.sim, s, 'right');
    if (method === 'publickey') publickeyAttempt(r.sim, s, k.blob, 'accepted');
    const key = method === 'publickey' ? k.expected : null;
    // Refused after the credentials were accepted: decided where the refusal shows (ROOT_DENIED, ANS_PAM_ACCOUNT).
    if (c.uid === 0) {
      expectAuth(c, false, method, rootDenied(r.sim, s), key);
      m.story.push(`#${c.n} root's key verifies, PermitRootLogin no refuses it`);
      maybeTooMany(m, r, c, s);
      return;
    }
    expectAuth(c, false, method, pamAccount(r.sim, s, false)!, key);
    endPreauth(r.sim, s, 'drop');
    closeConn(c, r.sim.events, preauthEndReason(c, s, 'drop'));
    m.story.push(`#${c.n} ${method} for ${c.user} accepted, PAM account check refuses: disconnected`);
  }
  describe(): string {
    return `denied ${this.method} as ${this.userName}`;
  }
}

/** The client asks whether a key would do, hears yes, then never signs (agent refused, user cancelled). */
export class AbandonKeyCommand extends PreauthCommand {
  constructor(
    t: number,
    readonly userName: string,
    readonly key: number,
  ) {
    super(t);
  }
  override check(m: Readonly<Model>): boolean {
    const c = target(m, this.target);
    return c !== null && account(userOf(c, this.userName)) !== null;
  }
  run(m: Model, r: Real): void {
    const [c, s] = this.conn(m, r);
    ensureUser(r, c, s, this.userName);
    publickeyAttempt(r.sim, s, keyOf(this.key).blob, 'query-only');
    m.story.push(`#${c.n} key query allowed for ${c.user}, never signed`);
  }
  describe(): string {
    return `abandon key as ${this.userName}`;
  }
}

export class EndPreauthCommand extends PreauthCommand {
  constructor(
    t: number,
    readonly how: 'drop' | 'grace' | 'crash' | 'drop-at-prompt',
  ) {
    super(t);
  }
  run(m: Model, r: Real): void {
    const [c, s] = this.conn(m, r);
    if (this.how === 'drop-at-prompt' && m.setup.usePam && c.user !== null) {
      dropAtPamPrompt(r.sim, s);
      m.story.push(`#${c.n} client closed at the keyboard-interactive password prompt`);
      closeConn(c, r.sim.events, preauthEndReason(c, s, 'drop'));
    } else {
      const how = this.how === 'drop-at-prompt' ? 'drop' : this.how;
      endPreauth(r.sim, s, how);
      const what = {
        drop: 'client closed before login',
        grace: 'LoginGraceTime expired',
        crash: 'pre-auth child crashed (SIGSYS)',
      };
      m.story.push(`#${c.n} ${what[how]}`);
      closeConn(c, r.sim.events, preauthEndReason(c, s, how));
    }
  }
  describe(): string {
    return this.how;
  }
}
