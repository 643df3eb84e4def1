// Recording: one run of the recorder, tying the Tracer and its DrainThread to JavaScript's stop() promise.
#ifndef SSHTRACE_RECORDING_H
#define SSHTRACE_RECORDING_H

#include <napi.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "Counters.h"
#include "DrainThread.h"
#include "Tracer.h"

class Recording {
 public:
  // Main thread: preflight, load, attach, start draining; throws TracerFailure.
  static std::shared_ptr<Recording> Start(Napi::Env env, const TracerConfig& tracer, const DrainOptions& drain,
                                          Napi::Function onBatch);
  Recording(const Recording&) = delete;
  Recording& operator=(const Recording&) = delete;

  // Main thread: tracked map access while recording; throw std::logic_error once stopped.
  void Track(uint32_t pid, uint8_t flags);
  uint8_t TrackedFlags(uint32_t pid);
  // Main thread: live counters, or the final ones once stopped.
  CountersSnapshot Counters() const;
  // Main thread: JavaScript's consumer took a batch.
  void Ack();
  // Main thread: the drain thread detaches, drains and finishes; the promise settles after the finaliser ran.
  Napi::Value Stop(Napi::Env env);
  // Main thread.
  const std::vector<std::string>& SkippedPrograms() const { return skippedPrograms_; }

 private:
  // Main thread.
  Recording() = default;
  // Main thread, from the thread-safe function's finaliser (after the join).
  void OnDrainFinished(Napi::Env env);
  // Main thread: the tracer, or std::logic_error once stopping.
  Tracer& RunningTracer();

  enum class State { Running, Stopping, Stopped };
  State state_ = State::Running;
  std::unique_ptr<Tracer> tracer_;
  std::unique_ptr<DrainThread> drain_;
  std::optional<Napi::Promise::Deferred> stopDeferred_;
  Napi::ObjectReference stopPromise_;
  CountersSnapshot finalCounters_;
  std::vector<std::string> skippedPrograms_;
};

#endif  // SSHTRACE_RECORDING_H
