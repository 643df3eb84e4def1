// TracerError (native/index.ts) → a known error with its exit code. Matched by name and shape, not
// instanceof, so this file never loads the addon.
import { EXIT, type ExitCode, SshtraceError } from '../capture/errors';

interface TracerErrorShape {
  name: string;
  step: string;
  message: string;
}

const isTracerError = (e: unknown): e is TracerErrorShape =>
  e instanceof Error && e.name === 'TracerError' && typeof (e as { step?: unknown }).step === 'string';

const EXIT_BY_STEP: Readonly<Record<string, ExitCode>> = {
  privileges: EXIT.privileges,
  addon: EXIT.addon,
  btf: EXIT.noBtf,
  tracefs: EXIT.noTracefs,
  bpffs: EXIT.noBpffs,
  // ringbuf, open, load, attach: the kernel refused the tracer (EXIT.kernel)
};

export function fromTracerError(error: unknown): unknown {
  if (!isTracerError(error)) return error;
  const code = EXIT_BY_STEP[error.step] ?? EXIT.kernel;
  return new SshtraceError(`cannot start the tracer (${error.step}): ${error.message}`, code);
}

export function addonMissing(detail: string): SshtraceError {
  return new SshtraceError(
    `the native tracer is not built or cannot load (${detail}): run npm run build (needs clang, libbpf-dev)`,
    EXIT.addon,
  );
}

export function notRoot(): SshtraceError {
  return new SshtraceError(
    'sshtrace record must run as root (it loads BPF programs and reads every process in /proc): run it with sudo',
    EXIT.privileges,
  );
}
