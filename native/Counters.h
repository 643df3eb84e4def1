// Counters: the kernel's per-CPU `counters` map summed over CPUs, plus the drain thread's own losses.
#ifndef SSHTRACE_COUNTERS_H
#define SSHTRACE_COUNTERS_H

#include <napi.h>

#include <cstdint>

#include "events_cxx.h"

// A point-in-time copy, cheap to pass between threads. ToJs() gives TracerCounters (native/types.ts): the counter
// names stored in captures (capture/counters.ts), which keep their first words: msgDesync is stored as frameDesync,
// and userDroppedRecords counts kernel events dropped in user space.
struct CountersSnapshot {
  uint64_t emitted[EV_MAX] = {};
  uint64_t dropped[EV_MAX] = {};
  uint64_t truncated = 0;
  uint64_t msgDesync = 0;
  uint64_t trackFailed = 0;
  uint64_t readFailed = 0;
  uint64_t userDroppedRecords = 0;
  uint64_t userDroppedBatches = 0;
  uint64_t delivered = 0;
  uint64_t malformed = 0;

  // Any thread.
  uint64_t EmittedTotal() const;
  // Main thread only: builds the plain object that index.ts exposes as TracerCounters.
  Napi::Object ToJs(Napi::Env env) const;
};

// Reads and sums the PERCPU_ARRAY `counters` (key 0).
class KernelCounters {
 public:
  // Main thread (at load): fd of the loaded map.
  explicit KernelCounters(int mapFd);
  // Any thread: fills the kernel fields of `out`; returns false (out untouched) if the read failed.
  bool ReadInto(CountersSnapshot& out) const;

 private:
  int mapFd_;
  int possibleCpus_;
};

#endif  // SSHTRACE_COUNTERS_H
