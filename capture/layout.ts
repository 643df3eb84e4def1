// The kernel event layout: generated from bpf/events.h (layout.generated.ts), plus what the header does not define.
export * from './layout.generated';

/** Linux address families as they appear in events (sa_family values; not part of events.h). */
export const AF = { UNIX: 1, INET: 2, INET6: 10 } as const;
