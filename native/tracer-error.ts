// TracerError lives apart from index.ts so helpers can throw it without an import cycle; index.ts re-exports it.

export type TracerStep = 'privileges' | 'btf' | 'ringbuf' | 'tracefs' | 'bpffs' | 'addon' | 'open' | 'load' | 'attach';

const STEPS: ReadonlySet<string> = new Set<TracerStep>([
  'privileges',
  'btf',
  'ringbuf',
  'tracefs',
  'bpffs',
  'addon',
  'open',
  'load',
  'attach',
]);

/** A failure before recording could start; `step` names what failed, `message` says what to do. */
export class TracerError extends Error {
  constructor(
    readonly step: TracerStep,
    message: string,
  ) {
    super(message);
    this.name = 'TracerError';
  }
}

/** The addon throws plain Errors carrying `step`; anything else passes through unchanged. */
export function asTracerError(error: unknown): unknown {
  const step = (error as { step?: unknown } | null)?.step;
  if (error instanceof Error && typeof step === 'string' && STEPS.has(step)) {
    return new TracerError(step as TracerStep, error.message);
  }
  return error;
}
