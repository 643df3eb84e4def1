// Tracer: the BPF object's life: open, set knobs, resize maps, load, attach, detach, destroy.
#ifndef SSHTRACE_TRACER_H
#define SSHTRACE_TRACER_H

#include <cstdint>
#include <string>
#include <vector>

struct sshtrace;

struct TracerConfig {
  std::vector<std::string> familyNames;  // at most FAMILY_NAMES, each shorter than FAMILY_NAME_LEN
  uint32_t selfTgid = 0;
  uint32_t argvCap = 0;
  uint32_t ringBufferBytes = 0;
  bool fileWrites = false;
  bool syscallSends = false;  // read sends at syscall exit even where sock_send_length exists
};

class Tracer {
 public:
  // Main thread: open → knobs → resize maps → load; throws TracerFailure naming the step that failed.
  explicit Tracer(const TracerConfig& config);
  // Main thread: detaches if needed and frees the BPF object (after the drain thread has stopped).
  ~Tracer();
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  // Main thread: attaches every loaded program; throws TracerFailure("attach", ...).
  void Attach();
  // Drain thread during stop(), or main thread after the join: destroys all links; safe to call twice.
  void Detach();

  // Any thread: fds of the loaded maps (valid until destruction).
  int EventsFd() const;
  int CountersFd() const;
  // Main thread: tracked map access; throw std::out_of_range / std::runtime_error.
  void Track(uint32_t pid, uint8_t flags);
  uint8_t TrackedFlags(uint32_t pid) const;
  // Main thread: kfix_ programs left out because this kernel lacks their hook.
  const std::vector<std::string>& SkippedPrograms() const { return skippedPrograms_; }

 private:
  // Main thread, from the constructor and Attach.
  void Open();
  void SetKnobs(const TracerConfig& config);
  void ResizeMaps(const TracerConfig& config);
  void CheckLayouts();
  void Load(bool fileWrites, bool syscallSends);
  [[noreturn]] static void Fail(const char* step, const std::string& what, int err);

  sshtrace* skeleton_ = nullptr;
  uint32_t trackedEntries_ = 0;
  bool attached_ = false;
  std::vector<std::string> skippedPrograms_;
};

#endif  // SSHTRACE_TRACER_H
