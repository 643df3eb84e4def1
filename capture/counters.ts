// The recorder's counters: one list says which exist, who counts them, how a capture stores them and what each
// means for a replay. Everything else (the stored shape, the upcaster, the reader's counters event, the model's
// loss test, the recorder's warnings, test fixtures) is derived from it.

/** Counted per event type, in arrays indexed by bpf/events.h's EV_* numbers. */
export const PER_TYPE_COUNTERS = ['emitted', 'dropped'] as const;

interface CounterSpec {
  /** `kernel`: the BPF program's per-CPU map (struct counters); `recorder`: the addon's drain thread. */
  readonly countedBy: 'kernel' | 'recorder';
  /** Its name in the reader's counters event (null: not passed on to the model). */
  readonly eventField: 'truncated' | 'frameDesync' | 'trackFailed' | 'readFailed' | 'userDropped' | null;
  /** Evidence is missing when it grows: the model marks what is open incomplete. */
  readonly losesEvidence: boolean;
  /** `record` warns about it on stderr while recording (the other losses show in the replay). */
  readonly warnsWhileRecording: boolean;
  readonly meaning: string;
}

/** Counted once per recording, cumulative; stored under these names in counters entries and the trailer. */
export const COUNTERS = {
  truncated: {
    countedBy: 'kernel',
    eventField: 'truncated',
    losesEvidence: false,
    warnsWhileRecording: false,
    meaning: 'a variable field (argv, a message body) was cut at its cap; the event says so itself',
  },
  frameDesync: {
    // a stored and dumped name, kept: counts message desyncs (EV_MSG_DESYNC)
    countedBy: 'kernel',
    eventField: 'frameDesync',
    losesEvidence: true,
    warnsWhileRecording: false,
    meaning: 'the monitor message splitter lost sync with a socket stream',
  },
  trackFailed: {
    countedBy: 'kernel',
    eventField: 'trackFailed',
    losesEvidence: true,
    warnsWhileRecording: true,
    meaning: 'a process could not be tracked (tracked map full)',
  },
  readFailed: {
    countedBy: 'kernel',
    eventField: 'readFailed',
    losesEvidence: true,
    warnsWhileRecording: false,
    meaning: 'the kernel could not read bytes an event needed',
  },
  userDroppedRecords: {
    countedBy: 'recorder',
    eventField: 'userDropped',
    losesEvidence: true,
    warnsWhileRecording: true,
    meaning: 'events dropped in user space (the queue to JavaScript was full: the recorder fell behind)',
  },
  userDroppedBatches: {
    countedBy: 'recorder',
    eventField: null,
    losesEvidence: false,
    warnsWhileRecording: false,
    meaning: 'batches those events came in',
  },
  delivered: {
    countedBy: 'recorder',
    eventField: null,
    losesEvidence: false,
    warnsWhileRecording: false,
    meaning: 'events delivered to JavaScript',
  },
  malformed: {
    countedBy: 'recorder',
    eventField: null,
    losesEvidence: false,
    warnsWhileRecording: true,
    meaning: 'ring-buffer samples whose size did not match their header (never expected)',
  },
} as const satisfies Record<string, CounterSpec>;

export type CounterName = keyof typeof COUNTERS;
export const COUNTER_NAMES = Object.keys(COUNTERS) as CounterName[];

/** The counters as a capture stores them (counters entries, trailer) and the addon reports them. */
export type CounterFields = { readonly [K in (typeof PER_TYPE_COUNTERS)[number]]: readonly number[] } & {
  readonly [K in CounterName]: number;
};

/** Every counter at zero (arrays of `types` zeros), with some set: for writers and tests. */
export function zeroCounters(overrides: Partial<CounterFields> = {}, types = 0): CounterFields {
  const zeros = new Array<number>(types).fill(0);
  const scalars = Object.fromEntries(COUNTER_NAMES.map((name) => [name, 0])) as Record<CounterName, number>;
  return { emitted: zeros, dropped: zeros, ...scalars, ...overrides };
}

/** A copy that shares nothing with `c` (the addon reuses nothing, but callers may). */
export function copyCounters(c: CounterFields): CounterFields {
  const scalars = Object.fromEntries(COUNTER_NAMES.map((name) => [name, c[name]])) as Record<CounterName, number>;
  return { emitted: [...c.emitted], dropped: [...c.dropped], ...scalars };
}

/** Counter fields the reader passes to the model, under their event names. */
export type EventCounterField = NonNullable<(typeof COUNTERS)[CounterName]['eventField']>;

export const EVENT_COUNTERS = COUNTER_NAMES.flatMap((name) => {
  const field = COUNTERS[name].eventField;
  return field === null ? [] : [{ name, field, losesEvidence: COUNTERS[name].losesEvidence as boolean }];
});
