// Every OpenSSH difference the model knows, in one table (the model's core_fixes). A generation is
// recognised per connection from what the per-connection process and its children exec, never from names
// alone: a re-exec with a trailing "-R" of the listener's own binary, a different binary, or an exec in
// the pre-auth child. Checked against docs/openssh-versions.md and the corpus.

export type GenerationName = '8.4-9.7' | '9.8-9.9' | '10.0+' | 'unknown';

export interface Generation {
  readonly name: GenerationName;
  /** Whether a root login gets a post-auth child (up to 9.7 the monitor runs root's session itself). */
  readonly postauthForRoot: boolean;
  /** Whether the pre-auth child is a separate binary exec'd by the monitor (sshd-auth). */
  readonly preauthExecs: boolean;
  /** Exit codes of the per-connection process before authentication, and what they mean. */
  readonly preauthExitReasons: Readonly<Record<number, string>>;
}

const COMMON_EXITS = { 255: 'connection closed before authentication completed' } as const;

export const GENERATIONS: Readonly<Record<GenerationName, Generation>> = {
  '8.4-9.7': {
    name: '8.4-9.7', postauthForRoot: false, preauthExecs: false,
    preauthExitReasons: { ...COMMON_EXITS, 1: 'login grace time expired' },
  },
  '9.8-9.9': {
    name: '9.8-9.9', postauthForRoot: true, preauthExecs: false,
    preauthExitReasons: {
      ...COMMON_EXITS, 0: 'connection closed', 3: 'login grace time expired', 4: 'pre-auth child crashed',
      5: 'authentication failed', 6: 'connection refused by configuration',
    },
  },
  '10.0+': {
    name: '10.0+', postauthForRoot: true, preauthExecs: true,
    preauthExitReasons: {
      ...COMMON_EXITS, 0: 'connection closed', 3: 'login grace time expired', 4: 'pre-auth child crashed',
      5: 'authentication failed', 6: 'connection refused by configuration', 7: 'invalid user',
    },
  },
  unknown: {
    name: 'unknown', postauthForRoot: true, preauthExecs: false,
    preauthExitReasons: { ...COMMON_EXITS },
  },
};

/** What an exec by the per-connection process says about the generation: the same binary re-exec'd
 *  with a trailing "-R" is 8.4-9.7; another binary (sshd-session) is 9.8 or later (10.0+ once the
 *  pre-auth child execs too). */
export function generationFromMonitorExec(
  filename: string, argv: readonly string[], listenerImage: string | null,
): GenerationName {
  const sameBinary = listenerImage !== null && basename(listenerImage) === basename(filename);
  if (sameBinary && argv[argv.length - 1] === '-R') return '8.4-9.7';
  if (listenerImage !== null && !sameBinary) return '9.8-9.9';
  return 'unknown';
}

export function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}
