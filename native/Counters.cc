#include "Counters.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <iterator>
#include <vector>

namespace {

// u64 counters fit a JS number exactly below 2^53, i.e. for centuries at any plausible rate.
Napi::Array ToJsArray(Napi::Env env, const uint64_t (&values)[EV_MAX]) {
  Napi::Array array = Napi::Array::New(env, EV_MAX);
  for (uint32_t i = 0; i < EV_MAX; i++) array.Set(i, Napi::Number::New(env, double(values[i])));
  return array;
}

}  // namespace

uint64_t CountersSnapshot::EmittedTotal() const {
  uint64_t total = 0;
  for (uint64_t value : emitted) total += value;
  return total;
}

Napi::Object CountersSnapshot::ToJs(Napi::Env env) const {
  Napi::Object object = Napi::Object::New(env);
  object.Set("emitted", ToJsArray(env, emitted));
  object.Set("dropped", ToJsArray(env, dropped));
  object.Set("truncated", double(truncated));
  object.Set("frameDesync", double(msgDesync));  // its stored name (capture/counters.ts)
  object.Set("trackFailed", double(trackFailed));
  object.Set("readFailed", double(readFailed));
  object.Set("userDroppedRecords", double(userDroppedRecords));
  object.Set("userDroppedBatches", double(userDroppedBatches));
  object.Set("delivered", double(delivered));
  object.Set("malformed", double(malformed));
  return object;
}

KernelCounters::KernelCounters(int mapFd) : mapFd_(mapFd), possibleCpus_(libbpf_num_possible_cpus()) {}

bool KernelCounters::ReadInto(CountersSnapshot& out) const {
  if (possibleCpus_ <= 0) return false;
  // A per-CPU lookup returns one 8-byte-aligned value per possible CPU; struct counters is all u64.
  std::vector<struct counters> perCpu(static_cast<size_t>(possibleCpus_));
  uint32_t key = 0;
  if (bpf_map_lookup_elem(mapFd_, &key, perCpu.data()) != 0) return false;
  CountersSnapshot sum;
  for (const struct counters& cpu : perCpu) {
    for (int i = 0; i < EV_MAX; i++) {
      sum.emitted[i] += cpu.emitted[i];
      sum.dropped[i] += cpu.dropped[i];
    }
    sum.truncated += cpu.truncated;
    sum.msgDesync += cpu.msg_desync;
    sum.trackFailed += cpu.track_failed;
    sum.readFailed += cpu.read_failed;
  }
  std::copy(std::begin(sum.emitted), std::end(sum.emitted), std::begin(out.emitted));
  std::copy(std::begin(sum.dropped), std::end(sum.dropped), std::begin(out.dropped));
  out.truncated = sum.truncated;
  out.msgDesync = sum.msgDesync;
  out.trackFailed = sum.trackFailed;
  out.readFailed = sum.readFailed;
  return true;
}
