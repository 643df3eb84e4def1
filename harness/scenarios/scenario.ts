// What a scenario is: a named function that drives real clients against the fixture and returns the
// ground truth of what it did.
import { randomBytes } from 'node:crypto';
import type { PrivateSshd } from '../fixture/types';
import type { GroundTruth } from './ground-truth';

export interface ScenarioContext {
  readonly fixture: PrivateSshd;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Needs a fixture whose LoginGraceTime is at most this many seconds (the grace scenario). */
  readonly maxLoginGraceTime?: number;
  /** Needs the fixture's LoginGraceTime to be at least this, so slow failures finish first. */
  readonly minLoginGraceTime?: number;
  run(context: ScenarioContext): Promise<GroundTruth>;
}

/** Every wrong password a scenario types matches this, so a test can search a capture for any of them. */
export const WRONG_PASSWORD_PATTERN = /sshtr-wrong-[0-9a-f]{18}/;

// Every wrong password handed out since the last takeWrongPasswords(), so `corpus record` can list what a
// scenario typed beside its capture (scenarios run one at a time there).
let handedOut: string[] = [];

/** A wrong password that cannot be anyone's real one (real ones are base64url of 18 random bytes). */
export function wrongPassword(): string {
  const password = `sshtr-wrong-${randomBytes(9).toString('hex')}`;
  handedOut.push(password);
  return password;
}

/** The wrong passwords handed out since the last call (in order), and forgets them. */
export function takeWrongPasswords(): string[] {
  const taken = handedOut;
  handedOut = [];
  return taken;
}

/** ssh exits 255 when authentication fails or the connection breaks (ssh.1, EXIT STATUS). */
export const SSH_FAILURE_EXIT = 255;
