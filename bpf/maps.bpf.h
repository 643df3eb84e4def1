/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Knobs, maps and the one way events leave the kernel (emit). */
#ifndef SSHTRACE_MAPS_BPF_H
#define SSHTRACE_MAPS_BPF_H

#define PID_MAX_LIMIT 4194304
/* exec events: header + filename + argv, with room for a masked offset */
#define SCRATCH_SIZE (sizeof(struct exec_event) + 2 * ARGV_CAP_MAX)
#define EV_TYPE_MASK (EV_MAX - 1)

/* ---- Knobs: set through skel->rodata before load; the verifier prunes on them ---- */
const volatile __u32 self_tgid = 0; /* the recorder: never tracked */
/* Set by the loader from record/record-options.ts, which holds their defaults; zero until then */
const volatile char family_names[FAMILY_NAMES][FAMILY_NAME_LEN] = {};
const volatile __u32 argv_cap = 0; /* filename + argv bytes per exec, <= ARGV_CAP_MAX */

/* ---- Maps of the loader contract ---- */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PID_MAX_LIMIT); /* the loader may resize before load */
	__type(key, __u32);		    /* tgid */
	__type(value, __u8);		    /* TRACK_* */
} tracked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 23); /* the loader sets the real size */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct counters);
} counters SEC(".maps");

/* ---- Internal maps ---- */
struct scratch {
	__u8 buf[SCRATCH_SIZE];
};

/* Events are built here, then copied out with bpf_ringbuf_output(h.size) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

static __always_inline void *scratch_buf(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}

static __always_inline struct counters *counters_buf(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&counters, &zero);
}

static __always_inline void count_read_failed(void)
{
	struct counters *c = counters_buf();

	if (c)
		c->read_failed++;
}

static __always_inline void count_track_failed(void)
{
	struct counters *c = counters_buf();

	if (c)
		c->track_failed++;
}

/* uapi linux/bpf.h ring buffer flags and queries (vmlinux_min.h declares kernel types only) */
#define RB_NO_WAKEUP 1	  /* BPF_RB_NO_WAKEUP */
#define RB_FORCE_WAKEUP 2 /* BPF_RB_FORCE_WAKEUP */
#define RB_AVAIL_DATA 0	  /* BPF_RB_AVAIL_DATA */
#define RB_RING_SIZE 1	  /* BPF_RB_RING_SIZE */

/* Wake the drain thread once this much waits in the ring (at most a quarter of it) */
#define WAKEUP_BYTES (256 * 1024)

/*
 * Below WAKEUP_BYTES events do not wake the drain thread: it polls the ring every batch interval anyway,
 * and a login's ~120 events used to wake it ~30 times. Above it every event forces a wake-up, so a burst
 * is drained long before the ring fills.
 */
static __always_inline __u64 wakeup_flag(void)
{
	__u64 ring = bpf_ringbuf_query(&events, RB_RING_SIZE);
	__u64 threshold = ring / 4 < WAKEUP_BYTES ? ring / 4 : WAKEUP_BYTES;

	return bpf_ringbuf_query(&events, RB_AVAIL_DATA) >= threshold ? RB_FORCE_WAKEUP : RB_NO_WAKEUP;
}

/* Copies h.size bytes of a built event to the ring; a full ring is counted, never silent */
static __always_inline void emit(void *event)
{
	struct event_header *h = event;
	struct counters *c = counters_buf();
	__u32 size = h->size;
	__u32 type = h->type & EV_TYPE_MASK;
	long err;

	if (size > SCRATCH_SIZE)
		return;
	err = bpf_ringbuf_output(&events, event, size, wakeup_flag());
	if (!c)
		return;
	if (err) {
		c->dropped[type]++;
		return;
	}
	c->emitted[type]++;
	if (h->flags & EVF_TRUNCATED)
		c->truncated++;
}

/* ---- Tracking ---- */

/* Flags of the calling process: the one inlined array lookup every hook starts with */
static __always_inline __u8 *tracked_slot(__u32 tgid)
{
	return bpf_map_lookup_elem(&tracked, &tgid);
}

static __always_inline __u8 caller_flags(void)
{
	__u8 *slot = tracked_slot(bpf_get_current_pid_tgid() >> 32);

	return slot ? *slot : 0;
}

/* Fills the common header for the calling thread; size is set by the caller */
static __always_inline void fill_header(struct event_header *h, __u16 type, __u16 size, __u8 track_flags)
{
	__u64 id = bpf_get_current_pid_tgid();

	h->type = type;
	h->size = size;
	h->tgid = id >> 32;
	h->tid = (__u32)id;
	h->flags = (track_flags & TRACK_CHROOTED) ? EVF_PROC_CHROOTED : 0;
	h->ts_ns = bpf_ktime_get_boot_ns();
}

#endif /* SSHTRACE_MAPS_BPF_H */
