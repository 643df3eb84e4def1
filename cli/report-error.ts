// The one place errors become output: a single line on stderr and an exit code (docs/cli.md).
import { EXIT, type ExitCode, SshtraceError } from '../capture/errors';

export interface ErrorReport {
  readonly line: string;
  readonly exitCode: ExitCode;
  readonly stack?: string | undefined;
}

/** yargs' own validation errors (unknown option, missing argument, failed coerce). */
const isYargsError = (e: unknown): boolean => e instanceof Error && e.name === 'YError';

export function reportFor(error: unknown, command: string): ErrorReport {
  const hint = `run sshtrace ${command ? `${command} ` : ''}--help for usage`;
  if (error instanceof SshtraceError) {
    return {
      line: `sshtrace: ${error.message}${error.exitCode === EXIT.usage ? ` (${hint})` : ''}`,
      exitCode: error.exitCode,
    };
  }
  if (isYargsError(error)) return { line: `sshtrace: ${(error as Error).message} (${hint})`, exitCode: EXIT.usage };
  const message = error instanceof Error ? error.message : String(error);
  return {
    line: `sshtrace: internal error: ${message} (a bug: please report it; SSHTRACE_DEBUG=1 prints the stack)`,
    exitCode: EXIT.internal,
    stack: error instanceof Error ? error.stack : undefined,
  };
}
