// BPF programs the recorder could not load on its kernel (their hook is missing) and what a capture lacks then.
// `record`/`watch` say it when they start and `replay` says it for every capture made that way: never a silent gap.

const WHAT_IS_MISSING: Readonly<Record<string, string>> = {
  kfix_tp_btf__sock_send_length:
    'the sock_send_length tracepoint, so the capture has no monitor frames, fd passing, syslog, audit records or banners: ' +
    'no authentication records and no user names for attempts (processes, credentials and sessions are still recorded); ' +
    'record on a kernel that has it (Debian 12\'s 6.1 does not; a bookworm-backports kernel does)',
};

/** One sentence per skipped program, saying what is missing and what to do. */
export function describeSkippedPrograms(programs: readonly string[]): string[] {
  return programs.map((p) => `this kernel lacks ${WHAT_IS_MISSING[p] ?? `the hook of BPF program ${p}, which was not loaded`}`);
}

/** The programs a capture's header says were skipped (absent in captures from before the field existed). */
export function skippedProgramsOf(options: Readonly<Record<string, unknown>>): string[] {
  const skipped = options['skippedPrograms'];
  return Array.isArray(skipped) ? skipped.filter((p): p is string => typeof p === 'string') : [];
}
