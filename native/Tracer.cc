#include "Tracer.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "LibbpfLog.h"
#include "ProgramFilter.h"
#include "TracerFailure.h"
#include "events_cxx.h"
#include "sshtrace.skel.h"

namespace {

// The array needs one slot per possible pid; most kernels run with pid_max far below the compiled-in 4Mi.
uint32_t TrackedEntriesFor(uint32_t compiledMax) {
  std::ifstream file("/proc/sys/kernel/pid_max");
  uint64_t pidMax = 0;
  if (!(file >> pidMax) || pidMax == 0) return compiledMax;
  uint64_t entries = 1;
  while (entries < pidMax) entries <<= 1;
  return entries < compiledMax ? uint32_t(entries) : compiledMax;
}

// What to do next, for the failures seen in practice.
std::string HintFor(const std::string& step, int err) {
  switch (std::abs(err)) {
    case EMFILE:
      return "raise the open-file limit (ulimit -n 4096)";
    case ENOMEM:
      return "use a smaller ringBufferBytes or free memory";
    case EPERM:
    case EACCES:
      return "the kernel refused it (lockdown, an LSM, or missing CAP_BPF/CAP_PERFMON): run as root on a "
             "kernel that allows BPF tracepoints; SSHTRACE_LIBBPF_DEBUG=1 shows libbpf's log";
    case ENOENT:
      return "this kernel lacks a hook the program needs; SSHTRACE_LIBBPF_DEBUG=1 names it";
  }
  if (step == "load") return "the verifier rejected it: set SSHTRACE_LIBBPF_DEBUG=1 to see the verifier log";
  return "set SSHTRACE_LIBBPF_DEBUG=1 to see libbpf's log";
}

}  // namespace

Tracer::Tracer(const TracerConfig& config) {
  LibbpfLog::BeginCapture();
  try {
    Open();
    SetKnobs(config);
    ResizeMaps(config);
    CheckLayouts();
    Load(config.fileWrites, config.syscallSends);
  } catch (...) {
    sshtrace__destroy(skeleton_);
    throw;
  }
}

Tracer::~Tracer() {
  sshtrace__destroy(skeleton_);
}

// Every failure goes through here so the message names the step, libbpf's own reason and what to do.
void Tracer::Fail(const char* step, const std::string& what, int err) {
  std::string reason = LibbpfLog::MostTellingWarning();
  std::string cause = reason.empty() ? ErrnoText(err) : reason + " (" + ErrnoText(err) + ")";
  throw TracerFailure(step, what + " failed: " + cause + ": " + HintFor(step, err));
}

void Tracer::Open() {
  skeleton_ = sshtrace__open();
  if (!skeleton_) Fail("open", "opening the BPF object", errno);
}

void Tracer::SetKnobs(const TracerConfig& config) {
  auto* rodata = skeleton_->rodata;
  rodata->self_tgid = config.selfTgid;
  rodata->argv_cap = config.argvCap;
  for (size_t i = 0; i < FAMILY_NAMES; i++) {
    const std::string name = i < config.familyNames.size() ? config.familyNames[i] : std::string();
    for (size_t j = 0; j < FAMILY_NAME_LEN; j++) rodata->family_names[i][j] = j < name.size() ? name[j] : '\0';
  }
}

void Tracer::ResizeMaps(const TracerConfig& config) {
  trackedEntries_ = TrackedEntriesFor(bpf_map__max_entries(skeleton_->maps.tracked));
  int err = bpf_map__set_max_entries(skeleton_->maps.tracked, trackedEntries_);
  if (err) Fail("open", "resizing map tracked to " + std::to_string(trackedEntries_) + " entries", err);
  err = bpf_map__set_max_entries(skeleton_->maps.events, config.ringBufferBytes);
  if (err) Fail("open", "resizing ring buffer events to " + std::to_string(config.ringBufferBytes) + " bytes", err);
}

// The addon and the BPF object are built from the same events.h; a mismatch means a stale build.
void Tracer::CheckLayouts() {
  uint32_t countersSize = bpf_map__value_size(skeleton_->maps.counters);
  uint32_t trackedSize = bpf_map__value_size(skeleton_->maps.tracked);
  if (countersSize == sizeof(struct counters) && trackedSize == 1) return;
  throw TracerFailure("open", "the BPF object does not match bpf/events.h (counters value " +
                                  std::to_string(countersSize) + " bytes, tracked value " +
                                  std::to_string(trackedSize) + " bytes): rebuild with `npm run build`");
}

void Tracer::Load(bool fileWrites, bool syscallSends) {
  ProgramFilter filter(fileWrites, syscallSends);
  skippedPrograms_ = filter.Apply(skeleton_->obj);
  int err = sshtrace__load(skeleton_);
  if (err) Fail("load", "loading the BPF programs into the kernel", err);
}

void Tracer::Attach() {
  LibbpfLog::BeginCapture();
  int err = sshtrace__attach(skeleton_);
  if (err) Fail("attach", "attaching the BPF programs", err);
  attached_ = true;
}

void Tracer::Detach() {
  if (!attached_) return;
  sshtrace__detach(skeleton_);
  attached_ = false;
}

int Tracer::EventsFd() const {
  return bpf_map__fd(skeleton_->maps.events);
}

int Tracer::CountersFd() const {
  return bpf_map__fd(skeleton_->maps.counters);
}

void Tracer::Track(uint32_t pid, uint8_t flags) {
  if (pid >= trackedEntries_) {
    throw std::out_of_range("pid " + std::to_string(pid) + " is beyond the tracked map (" +
                            std::to_string(trackedEntries_) + " entries, from kernel.pid_max)");
  }
  if (bpf_map_update_elem(bpf_map__fd(skeleton_->maps.tracked), &pid, &flags, BPF_ANY) != 0) {
    throw std::runtime_error("tracking pid " + std::to_string(pid) + " failed: " + ErrnoText(errno));
  }
}

uint8_t Tracer::TrackedFlags(uint32_t pid) const {
  if (pid >= trackedEntries_) return 0;
  uint8_t flags = 0;
  if (bpf_map_lookup_elem(bpf_map__fd(skeleton_->maps.tracked), &pid, &flags) != 0) {
    throw std::runtime_error("reading tracked flags of pid " + std::to_string(pid) + " failed: " + ErrnoText(errno));
  }
  return flags;
}
