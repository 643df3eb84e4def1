// DrainThread: empties the BPF ring buffer on its own thread and hands batches of raw events to JavaScript.
#ifndef SSHTRACE_DRAIN_THREAD_H
#define SSHTRACE_DRAIN_THREAD_H

#include <napi.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "Counters.h"

struct ring_buffer;

struct DrainOptions {
  size_t batchBytes = 0;
  uint32_t batchIntervalMs = 0;
  uint32_t maxQueuedBatches = 0;
  size_t maxPendingBytes = 0;  // past this, while JavaScript is behind, the pending batch is dropped (counted)
};

// One delivery to JavaScript; CallJs owns and frees it on every path.
struct BatchMessage {
  std::vector<uint8_t> events;  // ring-buffer samples back to back
  uint32_t count = 0;
  CountersSnapshot counters;
  bool final = false;
  std::string error;  // why the thread stopped on its own, if it did
};

class DrainThread {
 public:
  using Finished = std::function<void(Napi::Env)>;

  // Main thread: opens the ring buffer reader, an eventfd and an epoll set; throws TracerFailure("load").
  DrainThread(int eventsFd, int countersFd, const DrainOptions& options);
  // Main thread (after the finaliser joined): frees the reader and closes the fds.
  ~DrainThread();
  DrainThread(const DrainThread&) = delete;
  DrainThread& operator=(const DrainThread&) = delete;

  // Main thread: creates the thread-safe function and starts the thread; `finished` runs after the join.
  void Start(Napi::Env env, Napi::Function onBatch, Finished finished);
  // Main thread. With `detachLinks` the stop is graceful: the drain thread runs it (off the event loop: it
  // takes ~0.5 s), then drains everything and delivers the last batch. Without, the thread just quits.
  void RequestStop(std::function<void()> detachLinks = nullptr);
  // Main thread: JavaScript took a batch off its queue, so one more may be sent.
  void Ack();
  // Any thread: kernel counters plus this thread's own.
  CountersSnapshot Snapshot() const;

 private:
  using Clock = std::chrono::steady_clock;

  // Main thread, per queued batch; frees `message` on every path (env is null at teardown).
  static void CallJs(Napi::Env env, Napi::Function onBatch, DrainThread* self, BatchMessage* message);
  // Main thread, after the drain thread released the function or at environment teardown: joins, then `finished`.
  static void Finalize(Napi::Env env, Finished* finished, DrainThread* self);
  // Drain thread, inside ring_buffer__consume.
  static int OnSample(void* self, void* data, size_t size);

  void Run();                                     // drain thread
  bool WaitForWork(bool& ringReady);              // drain thread
  void Append(const uint8_t* data, size_t size);  // drain thread
  void CutIfDue(Clock::time_point now);           // drain thread
  bool Deliver(bool final);                       // drain thread
  void DropPending();                             // drain thread
  void DrainRemainder();                          // drain thread
  int TimeoutMs(Clock::time_point now) const;     // drain thread
  void Wake();                                    // any thread
  void CloseReader();                             // main thread

  using Tsfn = Napi::TypedThreadSafeFunction<DrainThread, BatchMessage, &DrainThread::CallJs>;

  const DrainOptions options_;
  const std::chrono::microseconds coalesce_;
  KernelCounters kernelCounters_;
  ring_buffer* ring_ = nullptr;
  int eventFd_ = -1;
  int epollFd_ = -1;
  Tsfn tsfn_;
  std::thread thread_;

  // Drain thread only.
  std::vector<uint8_t> pending_;
  uint32_t pendingCount_ = 0;
  Clock::time_point firstPendingAt_;
  Clock::time_point pollStart_;  // when the current wait began: events read after it waited in the ring since
  uint64_t seen_ = 0;            // samples read from the ring, kept or not
  bool closing_ = false;
  std::string error_;

  // Shared between threads.
  std::atomic<bool> stopRequested_{false};
  std::function<void()> detachLinks_;  // written before stopRequested_, read by the drain thread after
  std::atomic<bool> waitingForRoom_{false};
  std::atomic<uint32_t> outstanding_{0};
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> malformed_{0};
  std::atomic<uint64_t> userDroppedRecords_{0};
  std::atomic<uint64_t> userDroppedBatches_{0};
  mutable std::mutex kernelMutex_;
  mutable CountersSnapshot lastKernel_;  // last good read, kept if a later read fails
};

#endif  // SSHTRACE_DRAIN_THREAD_H
