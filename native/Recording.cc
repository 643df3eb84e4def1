#include "Recording.h"

#include <stdexcept>

#include "Preflight.h"

std::shared_ptr<Recording> Recording::Start(Napi::Env env, const TracerConfig& tracer, const DrainOptions& drain,
                                            Napi::Function onBatch) {
  Preflight::Run();
  std::shared_ptr<Recording> recording(new Recording());
  recording->tracer_ = std::make_unique<Tracer>(tracer);
  recording->skippedPrograms_ = recording->tracer_->SkippedPrograms();
  recording->drain_ =
      std::make_unique<DrainThread>(recording->tracer_->EventsFd(), recording->tracer_->CountersFd(), drain);
  recording->tracer_->Attach();
  // The finaliser's copy keeps the recording alive until the thread is joined, whatever JavaScript drops.
  recording->drain_->Start(env, onBatch, [recording](Napi::Env finalEnv) { recording->OnDrainFinished(finalEnv); });
  return recording;
}

Tracer& Recording::RunningTracer() {
  if (state_ != State::Running) throw std::logic_error("the tracer is stopped: start a new one");
  return *tracer_;
}

void Recording::Track(uint32_t pid, uint8_t flags) {
  RunningTracer().Track(pid, flags);
}

uint8_t Recording::TrackedFlags(uint32_t pid) {
  return RunningTracer().TrackedFlags(pid);
}

CountersSnapshot Recording::Counters() const {
  return drain_ ? drain_->Snapshot() : finalCounters_;
}

void Recording::Ack() {
  if (drain_) drain_->Ack();
}

Napi::Value Recording::Stop(Napi::Env env) {
  if (state_ == State::Stopped) {
    auto done = Napi::Promise::Deferred::New(env);
    done.Resolve(env.Undefined());
    return done.Promise();
  }
  if (state_ == State::Running) {
    state_ = State::Stopping;
    // Detaching takes ~0.5 s of synchronize_rcu; the drain thread does it so the event loop stays free.
    // From here until the join, only the drain thread touches the tracer.
    Tracer* tracer = tracer_.get();
    drain_->RequestStop([tracer] { tracer->Detach(); });
    stopDeferred_.emplace(Napi::Promise::Deferred::New(env));
    stopPromise_ = Napi::Persistent(stopDeferred_->Promise().As<Napi::Object>());
  }
  return stopPromise_.Value();
}

void Recording::OnDrainFinished(Napi::Env env) {
  finalCounters_ = drain_->Snapshot();
  state_ = State::Stopped;
  tracer_->Detach();
  if (stopDeferred_) {
    // During environment teardown JavaScript may be gone; there is nobody left to tell.
    try {
      stopDeferred_->Resolve(env.Undefined());
    } catch (...) {
    }
    stopDeferred_.reset();
  }
  drain_.reset();
  tracer_.reset();  // the skeleton goes last, after the promise is settled
}
