// Every OpenSSH difference the model knows, in one table (the model's core_fixes). A generation is
// recognised per connection from what the per-connection process and its children exec, never from names
// alone: a re-exec with a trailing "-R" of the listener's own binary, a different binary, or an exec in
// the pre-auth child. Checked against docs/openssh-versions.md and the corpus.

export type GenerationName = '8.4-9.7' | '9.8-9.9' | '10.0+' | 'unknown';

export interface Generation {
  readonly name: GenerationName;
  /** Exit codes of the per-connection process before authentication, and what they mean. */
  readonly preauthExitReasons: Readonly<Record<number, string>>;
  /** What differs and how the model copes without special-casing it (it follows behaviour instead). */
  readonly differences: readonly string[];
}

const COMMON_EXITS = { 255: 'connection closed before authentication completed' } as const;

export const GENERATIONS: Readonly<Record<GenerationName, Generation>> = {
  '8.4-9.7': {
    name: '8.4-9.7',
    preauthExitReasons: { ...COMMON_EXITS, 1: 'login grace time expired' },
    differences: [
      'no post-auth child for root: the monitor forks the channel processes, which call setsid first',
      'the per-connection process re-execs the listener binary with a trailing -R',
    ],
  },
  '9.8-9.9': {
    name: '9.8-9.9',
    differences: ['the per-connection process execs another binary (sshd-session); root gets a post-auth child'],
    preauthExitReasons: {
      ...COMMON_EXITS, 0: 'connection closed', 3: 'login grace time expired', 4: 'pre-auth child crashed',
      5: 'authentication failed', 6: 'connection refused by configuration',
    },
  },
  '10.0+': {
    name: '10.0+',
    differences: [
      'the pre-auth child execs sshd-auth (it is still the monitor\'s first child)',
      'PAM >= 1.6 (trixie) runs unix_chkpwd from the monitor for every password: a helper, never a command',
      '10.3+: the banner is written by sshd-auth; invalid users exit 5 like failed ones in 10.6',
    ],
    preauthExitReasons: {
      ...COMMON_EXITS, 0: 'connection closed', 3: 'login grace time expired', 4: 'pre-auth child crashed',
      5: 'authentication failed', 6: 'connection refused by configuration', 7: 'invalid user',
    },
  },
  unknown: {
    name: 'unknown', preauthExitReasons: { ...COMMON_EXITS }, differences: [],
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
