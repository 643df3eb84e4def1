// BPF programs the recorder could not load on its kernel (their hook is missing) and what that means for a
// capture. `record`/`watch` say it when they start and `replay` says it for every capture it leaves incomplete:
// never a silent gap.

/** kfix_ programs with a kalt_ substitute (bpf/send.bpf.h): the capture is complete, read another way. */
const SUBSTITUTED: Readonly<Record<string, string>> = {
  kfix_tp_btf__sock_send_length:
    'the sock_send_length tracepoint: monitor frames, syslog and banners are read at the exit of write, writev, ' +
    'sendto and sendmsg instead (the same records; every write() on the machine pays one map lookup)',
};

/** What a capture lacks when a program had no substitute (recorders before the substitutes existed). */
const MISSING: Readonly<Record<string, string>> = {
  kfix_tp_btf__sock_send_length:
    'the sock_send_length tracepoint, so the capture has no monitor frames, fd passing, syslog, audit records or banners: ' +
    'no authentication records and no user names for attempts (processes, credentials and sessions are still recorded); ' +
    'record again with this version of sshtrace, which reads them at syscall exit there',
};

/** Lines for `record`/`watch` at start: a note when a substitute loaded, a warning when something is missing. */
export function describeAtStart(skipped: readonly string[]): string[] {
  return skipped.map((p) =>
    SUBSTITUTED[p] !== undefined
      ? `sshtrace: note: this kernel lacks ${SUBSTITUTED[p]}`
      : `sshtrace: warning: this kernel lacks the hook of BPF program ${p}, which was not loaded`,
  );
}

/** What a capture made with these header options misses, one sentence each (none when nothing is missing). */
export function missingEvidence(options: Readonly<Record<string, unknown>>): string[] {
  const substitutes = 'syscallSends' in options; // recorded by every recorder that has the kalt_ programs
  return skippedProgramsOf(options)
    .filter((p) => !(substitutes && SUBSTITUTED[p] !== undefined))
    .map((p) => `this kernel lacked ${MISSING[p] ?? `the hook of BPF program ${p}, which was not loaded`}`);
}

/** The programs a capture's header says were skipped (absent in captures from before the field existed). */
function skippedProgramsOf(options: Readonly<Record<string, unknown>>): string[] {
  const skipped = options.skippedPrograms;
  return Array.isArray(skipped) ? skipped.filter((p): p is string => typeof p === 'string') : [];
}
