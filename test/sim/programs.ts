// Arbitraries for what users run: program trees (forks, execs, subshells, exec-in-place, exits by code or
// signal), exec-request command lines, and readable descriptions for shrunk counterexamples.
import fc from 'fast-check';
import type { ProcessEnd } from './kernel';
import type { Program } from './sshd-session';

const TOOLS: readonly (readonly [string, readonly string[]])[] = [
  ['/usr/bin/ls', ['ls', '-la']],
  ['/usr/bin/id', ['id', '-u']],
  ['/usr/bin/cat', ['cat', '/etc/hostname']],
  ['/usr/bin/grep', ['grep', '-r', 'TODO', '.']],
  ['/usr/bin/sleep', ['sleep', '1']],
  ['/usr/bin/uname', ['uname', '-a']],
  ['/usr/bin/vim', ['vim', 'notes.txt']],
  ['/usr/bin/python3', ['python3', '-c', 'print(1)']],
  ['/usr/bin/git', ['git', 'status']],
  ['/usr/bin/make', ['make', '-j2']],
  ['/usr/bin/dircolors', ['dircolors', '-b']],
  ['/usr/bin/sh', ['sh', '-c', 'exit 3']],
  ['/usr/bin/env', ['env', 'python3', 'app.py']],
];

export const EXEC_COMMANDS: readonly string[] = [
  'id -u',
  'uptime',
  "sh -c 'exit 3'",
  'ls /tmp; true',
  'cat /etc/os-release',
  'tar czf - /srv',
  'true',
  'make -C src',
];

/** Mostly clean exits, sometimes failures, sometimes a signal (SIGHUP, SIGINT, SIGKILL, SIGPIPE, SIGTERM). */
export const processEnd: fc.Arbitrary<ProcessEnd> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ code: 0 }) },
  { weight: 3, arbitrary: fc.constantFrom(1, 2, 3, 127, 130, 255).map((code) => ({ code })) },
  { weight: 2, arbitrary: fc.constantFrom(1, 2, 9, 13, 15).map((signal) => ({ signal })) },
);

const tool = fc.constantFrom(...TOOLS);

/** A program tree of bounded depth: each node execs a tool (or is a subshell), may run children, may exec on. */
export function program(depth: number): fc.Arbitrary<Program> {
  const children = depth <= 0 ? fc.constant([]) : fc.array(program(depth - 1), { maxLength: 2 });
  const execs =
    depth <= 0
      ? fc.constant(null)
      : fc.option(
          program(depth - 1).map((p) => ({ ...p, exec: true })),
          { freq: 5 },
        );
  // One node in ten is a subshell: a fork that never execs (its image is the parent shell's).
  return fc
    .record({ tool, children, execs, end: processEnd, subshellDice: fc.nat(9) })
    .map(({ tool: [path, argv], children: kids, execs: next, end, subshellDice }) => ({
      path,
      argv,
      exec: subshellDice !== 0,
      children: kids,
      execs: next,
      end,
    }));
}

/** What an exec channel's shell runs last: bash -c's exec of its last simple command, or nothing. */
export const lastExec: fc.Arbitrary<Program | null> = fc.option(
  program(1).map((p) => ({ ...p, exec: true })),
  { freq: 2 },
);

export function describeEnd(end: ProcessEnd): string {
  return 'code' in end ? `exit ${end.code}` : `killed by signal ${end.signal}`;
}

/** "ls -la [grep …, (subshell)] → exec python3 …; exit 0" */
export function describeProgram(p: Program): string {
  const head = p.exec ? p.argv.join(' ') : '(subshell)';
  const kids = p.children.length === 0 ? '' : ` [${p.children.map(describeProgram).join(', ')}]`;
  const tail = p.execs === null ? `; ${describeEnd(p.end)}` : ` → exec ${describeProgram(p.execs)}`;
  return `${head}${kids}${tail}`;
}

/** A hand-written program for unit tests: prog(['make', '-C', 'src'], { end: { code: 2 } }). */
export function prog(
  argv: readonly string[],
  opts: { children?: readonly Program[]; execs?: Program; end?: ProcessEnd; path?: string } = {},
): Program {
  return {
    path: opts.path ?? `/usr/bin/${argv[0]}`,
    argv,
    exec: true,
    children: opts.children ?? [],
    execs: opts.execs ?? null,
    end: opts.end ?? { code: 0 },
  };
}
