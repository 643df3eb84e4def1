// The addon's JavaScript surface: exports, and argument checks that throw TypeError/RangeError at the boundary.
// Everything here runs on the main thread.
#include <napi.h>

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "Recording.h"
#include "TracerFailure.h"
#include "events_cxx.h"

namespace {

using RecordingHandle = Napi::External<std::shared_ptr<Recording>>;
// Marks handles made by start(), so a stray External cannot be taken for a recording ("sshtrace" "recordng").
constexpr napi_type_tag kRecordingTag = {0x7373687472616365ULL, 0x7265636f72646e67ULL};
// Events that may pile up natively while JavaScript is behind, unless options.maxPendingBytes says otherwise.
constexpr size_t kDefaultMaxPendingBytes = 64u << 20;

uint32_t ToUint32(Napi::Env env, Napi::Value value, const std::string& name, uint32_t max = UINT32_MAX) {
  if (!value.IsNumber()) throw Napi::TypeError::New(env, name + " must be a number");
  double number = value.As<Napi::Number>().DoubleValue();
  if (!(number >= 0 && number <= max && std::floor(number) == number)) {
    throw Napi::RangeError::New(env, name + " must be an integer from 0 to " + std::to_string(max));
  }
  return uint32_t(number);
}

std::vector<std::string> FamilyNames(Napi::Env env, Napi::Value value) {
  if (!value.IsArray()) throw Napi::TypeError::New(env, "options.familyNames must be an array of strings");
  Napi::Array array = value.As<Napi::Array>();
  if (array.Length() < 1 || array.Length() > FAMILY_NAMES) {
    throw Napi::RangeError::New(env, "options.familyNames must hold 1 to " + std::to_string(FAMILY_NAMES) + " names");
  }
  std::vector<std::string> names;
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value name = array.Get(i);
    if (!name.IsString()) throw Napi::TypeError::New(env, "options.familyNames must be an array of strings");
    names.push_back(name.As<Napi::String>().Utf8Value());
    if (names.back().empty() || names.back().size() >= FAMILY_NAME_LEN) {
      throw Napi::RangeError::New(env,
                                  "each family name must be 1 to " + std::to_string(FAMILY_NAME_LEN - 1) + " bytes");
    }
  }
  return names;
}

TracerConfig ToTracerConfig(Napi::Env env, Napi::Object options) {
  TracerConfig config;
  config.familyNames = FamilyNames(env, options.Get("familyNames"));
  config.selfTgid = ToUint32(env, options.Get("selfTgid"), "options.selfTgid");
  config.argvCap = ToUint32(env, options.Get("argvCap"), "options.argvCap", ARGV_CAP_MAX);
  config.ringBufferBytes = ToUint32(env, options.Get("ringBufferBytes"), "options.ringBufferBytes");
  Napi::Value fileWrites = options.Get("fileWrites");
  if (!fileWrites.IsBoolean()) throw Napi::TypeError::New(env, "options.fileWrites must be a boolean");
  config.fileWrites = fileWrites.As<Napi::Boolean>().Value();
  Napi::Value syscallSends = options.Get("syscallSends");
  if (!syscallSends.IsUndefined() && !syscallSends.IsBoolean())
    throw Napi::TypeError::New(env, "options.syscallSends must be a boolean");
  config.syscallSends = syscallSends.IsBoolean() && syscallSends.As<Napi::Boolean>().Value();
  return config;
}

DrainOptions ToDrainOptions(Napi::Env env, Napi::Object options) {
  DrainOptions drain;
  drain.batchBytes = ToUint32(env, options.Get("batchBytes"), "options.batchBytes", 16u << 20);
  drain.batchIntervalMs = ToUint32(env, options.Get("batchIntervalMs"), "options.batchIntervalMs", 60000);
  drain.maxQueuedBatches = ToUint32(env, options.Get("maxQueuedBatches"), "options.maxQueuedBatches", 4096);
  Napi::Value maxPending = options.Get("maxPendingBytes");
  drain.maxPendingBytes = maxPending.IsUndefined() ? kDefaultMaxPendingBytes
                                                   : ToUint32(env, maxPending, "options.maxPendingBytes", 1u << 30);
  if (drain.batchBytes == 0 || drain.batchIntervalMs == 0 || drain.maxQueuedBatches == 0) {
    throw Napi::RangeError::New(env, "options.batchBytes, batchIntervalMs and maxQueuedBatches must be positive");
  }
  if (drain.maxPendingBytes < drain.batchBytes) {
    throw Napi::RangeError::New(env, "options.maxPendingBytes must be at least options.batchBytes");
  }
  return drain;
}

Recording& Unwrap(const Napi::CallbackInfo& info) {
  Napi::Value handle = info[0];
  if (!handle.IsExternal() || !handle.As<RecordingHandle>().CheckTypeTag(&kRecordingTag)) {
    throw Napi::TypeError::New(info.Env(), "the first argument must be a handle returned by start()");
  }
  return **handle.As<RecordingHandle>().Data();
}

// Turns native failures into JavaScript errors; TracerFailure keeps its step for TracerError.
template <typename Body>
Napi::Value Guarded(Napi::Env env, Body body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const TracerFailure& failure) {
    Napi::Error error = Napi::Error::New(env, failure.what());
    error.Set("step", failure.step());
    throw error;
  } catch (const std::out_of_range& failure) {
    throw Napi::RangeError::New(env, failure.what());
  } catch (const std::exception& failure) {
    throw Napi::Error::New(env, failure.what());
  }
}

// start(options, onBatch(events, count, counters, final, error)) → { handle, skippedPrograms }
Napi::Value Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw Napi::TypeError::New(env, "start() needs an options object");
  if (!info[1].IsFunction()) throw Napi::TypeError::New(env, "start() needs an onBatch function");
  Napi::Object options = info[0].As<Napi::Object>();
  TracerConfig config = ToTracerConfig(env, options);
  DrainOptions drain = ToDrainOptions(env, options);
  return Guarded(env, [&]() -> Napi::Value {
    auto recording = Recording::Start(env, config, drain, info[1].As<Napi::Function>());
    auto handle = RecordingHandle::New(env, new std::shared_ptr<Recording>(recording),
                                       [](Napi::Env, std::shared_ptr<Recording>* owned) { delete owned; });
    handle.TypeTag(&kRecordingTag);
    Napi::Array skipped = Napi::Array::New(env);
    for (const std::string& name : recording->SkippedPrograms()) skipped.Set(skipped.Length(), name);
    Napi::Object result = Napi::Object::New(env);
    result.Set("handle", handle);
    result.Set("skippedPrograms", skipped);
    return result;
  });
}

// track(handle, pid, flags)
Napi::Value Track(const Napi::CallbackInfo& info) {
  Recording& recording = Unwrap(info);
  uint32_t pid = ToUint32(info.Env(), info[1], "pid");
  uint32_t flags = ToUint32(info.Env(), info[2], "flags", UINT8_MAX);
  return Guarded(info.Env(), [&]() -> Napi::Value {
    recording.Track(pid, uint8_t(flags));
    return info.Env().Undefined();
  });
}

// trackedFlags(handle, pid) → number
Napi::Value TrackedFlags(const Napi::CallbackInfo& info) {
  Recording& recording = Unwrap(info);
  uint32_t pid = ToUint32(info.Env(), info[1], "pid");
  return Guarded(info.Env(),
                 [&]() -> Napi::Value { return Napi::Number::New(info.Env(), recording.TrackedFlags(pid)); });
}

// counters(handle) → TracerCounters
Napi::Value Counters(const Napi::CallbackInfo& info) {
  Recording& recording = Unwrap(info);
  return Guarded(info.Env(), [&]() -> Napi::Value { return recording.Counters().ToJs(info.Env()); });
}

// ack(handle): the consumer took one batch
Napi::Value Ack(const Napi::CallbackInfo& info) {
  Unwrap(info).Ack();
  return info.Env().Undefined();
}

// stop(handle) → Promise<void>
Napi::Value Stop(const Napi::CallbackInfo& info) {
  Recording& recording = Unwrap(info);
  return Guarded(info.Env(), [&]() -> Napi::Value { return recording.Stop(info.Env()); });
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("start", Napi::Function::New(env, Start, "start"));
  exports.Set("track", Napi::Function::New(env, Track, "track"));
  exports.Set("trackedFlags", Napi::Function::New(env, TrackedFlags, "trackedFlags"));
  exports.Set("counters", Napi::Function::New(env, Counters, "counters"));
  exports.Set("ack", Napi::Function::New(env, Ack, "ack"));
  exports.Set("stop", Napi::Function::New(env, Stop, "stop"));
  exports.Set("eventsLayoutVersion", Napi::Number::New(env, EVENTS_LAYOUT_VERSION));
  return exports;
}

}  // namespace

NODE_API_MODULE(sshtrace, Init)
