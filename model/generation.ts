// Which generation (versions.ts) a connection belongs to, read from what its processes exec, never from names
// alone: the per-connection process re-exec'ing its listener's binary or exec'ing another, the pre-auth child
// exec'ing, or (from /proc) the binaries they run. Every rule here reads its generation off the table.
import type { Conn, State } from './state';
import {
  GENERATIONS,
  KNOWN_GENERATION_NAMES,
  versionAtLeast,
  type Generation,
  type GenerationName,
  type KnownGenerationName,
} from './versions';

function firstWhere(fact: (g: Generation) => boolean): KnownGenerationName {
  const found = KNOWN_GENERATION_NAMES.find((name) => fact(GENERATIONS[name]));
  if (found === undefined) throw new Error('the versions table lost a generation the detection rules need');
  return found;
}

/** The per-connection process execs its listener's own binary again. */
const REEXECS_LISTENER = firstWhere((g) => g.perConnectionExec === 'listener');
/** The first whose per-connection process execs another binary (sshd-session). */
const EXECS_SESSION_BINARY = firstWhere((g) => g.perConnectionExec !== 'listener');
/** The first whose pre-auth child execs (sshd-auth). */
const PREAUTH_EXECS = firstWhere((g) => g.preauthExec !== null);
/** The one where `sshd -r` leaves the per-connection process a copy of its listener, never exec'ing. */
const REEXEC_CAN_BE_OFF = firstWhere((g) => g.reexecCanBeOff);

function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/** An exec by the per-connection process: its listener's binary again with a trailing "-R", or another binary
 *  (the pre-auth child's exec, if any, raises it later: onPreauthExec). */
export function generationOnMonitorExec(
  filename: string,
  argv: readonly string[],
  listenerImage: string | null,
): GenerationName {
  const sameBinary = listenerImage !== null && basename(listenerImage) === basename(filename);
  if (sameBinary && argv[argv.length - 1] === '-R') return REEXECS_LISTENER;
  if (listenerImage !== null && !sameBinary) return EXECS_SESSION_BINARY;
  return 'unknown';
}

/** Only one generation's pre-auth child execs anything. */
export function generationOnPreauthExec(): GenerationName {
  return PREAUTH_EXECS;
}

/** A connection that never said its generation by an exec: a monitor seen forked (not found in /proc) that still
 *  runs its listener's image never exec'd, which only `sshd -r` does. */
export function generationAtEnd(s: State, c: Conn): GenerationName {
  if (c.generation !== 'unknown') return c.generation;
  const monitor = s.procs.get(c.monitor);
  const listenerImage = c.listener === null ? null : (s.procs.get(c.listener)?.image ?? null);
  return monitor !== undefined && !monitor.fromSnapshot && listenerImage !== null && monitor.image === listenerImage
    ? REEXEC_CAN_BE_OFF
    : 'unknown';
}

/** What /proc shows: a monitor running its listener's binary re-exec'd it; another binary is a later generation,
 *  the one whose pre-auth child execs when that child runs yet another binary or the monitor's version (from the
 *  capture header) is at least that generation's. `preauthExes`: the exe of each pre-auth child found. */
export function generationInSnapshot(
  listenerExe: string,
  monitorExe: string,
  preauthExes: readonly string[],
  monitorVersion: string,
): GenerationName {
  if (monitorExe === '' || listenerExe === '') return 'unknown';
  if (basename(monitorExe) === basename(listenerExe)) return REEXECS_LISTENER;
  const preauthExeced = preauthExes.some((exe) => exe !== '' && basename(exe) !== basename(monitorExe));
  const versionSays = versionAtLeast(monitorVersion, GENERATIONS[PREAUTH_EXECS].firstVersion);
  return preauthExeced || versionSays ? PREAUTH_EXECS : EXECS_SESSION_BINARY;
}
