#include "DrainThread.h"

#include <bpf/libbpf.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <system_error>

#include "TracerFailure.h"
#include "events_cxx.h"

namespace {

// Room for the event that crosses batchBytes, so a batch rarely reallocates.
constexpr size_t kSlackBytes = 64u << 10;
constexpr uint32_t kRingTag = 0;
constexpr uint32_t kWakeTag = 1;
// After the links are gone, wait at most this long for events still being written.
constexpr int kSettleTries = 50;
constexpr auto kSettlePause = std::chrono::milliseconds(2);
// Past the BPF side's wake-up threshold (bpf/maps.bpf.h) every event wakes the reader; letting a burst gather
// this long first cut the drain thread's CPU per event about fivefold in a fork/exec loop (see the e2e measure
// test). Below it events wake no one and the epoll timeout (batchIntervalMs) collects them. Capped by batchIntervalMs
// / 2.
constexpr auto kCoalesce = std::chrono::microseconds(2000);

void EpollAdd(int epollFd, int fd, uint32_t tag) {
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u32 = tag;
  if (epoll_ctl(epollFd, EPOLL_CTL_ADD, fd, &event) != 0) {
    throw TracerFailure("load", "watching the ring buffer failed: " + ErrnoText(errno));
  }
}

// Zero-copy hand-over: the Buffer's finaliser frees the vector.
Napi::Value ToBuffer(Napi::Env env, std::vector<uint8_t>& events) {
  if (events.empty()) return Napi::Buffer<uint8_t>::New(env, 0);
  auto holder = std::make_unique<std::vector<uint8_t>>(std::move(events));
  auto buffer = Napi::Buffer<uint8_t>::NewOrCopy(
      env, holder->data(), holder->size(), [](Napi::Env, uint8_t*, std::vector<uint8_t>* owned) { delete owned; },
      holder.get());
  holder.release();
  return buffer;
}

}  // namespace

DrainThread::DrainThread(int eventsFd, int countersFd, const DrainOptions& options)
    : options_(options),
      coalesce_(std::min<std::chrono::microseconds>(kCoalesce, std::chrono::milliseconds(options.batchIntervalMs) / 2)),
      kernelCounters_(countersFd) {
  try {
    ring_ = ring_buffer__new(eventsFd, OnSample, this, nullptr);
    if (!ring_) throw TracerFailure("load", "opening the ring buffer reader failed: " + ErrnoText(errno));
    eventFd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    epollFd_ = epoll_create1(EPOLL_CLOEXEC);
    if (eventFd_ < 0 || epollFd_ < 0)
      throw TracerFailure("load", "creating the wake-up fds failed: " + ErrnoText(errno));
    EpollAdd(epollFd_, ring_buffer__epoll_fd(ring_), kRingTag);
    EpollAdd(epollFd_, eventFd_, kWakeTag);
  } catch (...) {
    CloseReader();
    throw;
  }
  pending_.reserve(options_.batchBytes + kSlackBytes);
}

DrainThread::~DrainThread() {
  // Only reached without a join if Start was never called or the finaliser could not run.
  if (thread_.joinable()) {
    RequestStop();
    thread_.join();
  }
  CloseReader();
}

void DrainThread::CloseReader() {
  ring_buffer__free(ring_);
  ring_ = nullptr;
  if (eventFd_ >= 0) close(eventFd_);
  if (epollFd_ >= 0) close(epollFd_);
  eventFd_ = epollFd_ = -1;
}

void DrainThread::Start(Napi::Env env, Napi::Function onBatch, Finished finished) {
  // One extra slot so the final batch never waits behind a full queue for long.
  tsfn_ = Tsfn::New(env, onBatch, "sshtrace-drain", options_.maxQueuedBatches + 1, 1, this, Finalize,
                    new Finished(std::move(finished)));
  try {
    thread_ = std::thread(&DrainThread::Run, this);
  } catch (const std::system_error& error) {
    tsfn_.Release();  // the finaliser still runs and cleans up
    throw TracerFailure("load", std::string("starting the drain thread failed: ") + error.what());
  }
}

void DrainThread::RequestStop(std::function<void()> detachLinks) {
  if (stopRequested_.load()) return;
  detachLinks_ = std::move(detachLinks);
  stopRequested_.store(true);
  Wake();
}

void DrainThread::Ack() {
  uint32_t current = outstanding_.load();
  while (current > 0 && !outstanding_.compare_exchange_weak(current, current - 1)) {
  }
  if (waitingForRoom_.load()) Wake();
}

void DrainThread::Wake() {
  uint64_t one = 1;
  // A full eventfd counter (EAGAIN) already means "wake up".
  ssize_t ignored = write(eventFd_, &one, sizeof(one));
  (void)ignored;
}

CountersSnapshot DrainThread::Snapshot() const {
  CountersSnapshot snapshot;
  {
    std::lock_guard<std::mutex> lock(kernelMutex_);
    kernelCounters_.ReadInto(lastKernel_);
    snapshot = lastKernel_;
  }
  snapshot.delivered = delivered_.load();
  snapshot.malformed = malformed_.load();
  snapshot.userDroppedRecords = userDroppedRecords_.load();
  snapshot.userDroppedBatches = userDroppedBatches_.load();
  return snapshot;
}

// Main thread, from the queue; `message` is freed on every path, including teardown (env is null).
void DrainThread::CallJs(Napi::Env env, Napi::Function onBatch, DrainThread*, BatchMessage* message) {
  std::unique_ptr<BatchMessage> owned(message);
  if (env == nullptr || onBatch.IsEmpty()) return;
  try {
    Napi::Value events = ToBuffer(env, owned->events);
    Napi::Value error = owned->error.empty() ? env.Undefined() : Napi::String::New(env, owned->error);
    onBatch.Call({events, Napi::Number::New(env, owned->count), owned->counters.ToJs(env),
                  Napi::Boolean::New(env, owned->final), error});
  } catch (const Napi::Error& error) {
    error.ThrowAsJavaScriptException();  // surfaces as an uncaught exception, as for any callback
  }
}

// Main thread, once the drain thread released the function or the environment is going away.
void DrainThread::Finalize(Napi::Env env, Finished* finished, DrainThread* self) {
  std::unique_ptr<Finished> owned(finished);
  self->RequestStop();
  if (self->thread_.joinable()) self->thread_.join();
  (*owned)(env);
}

// Drain thread: wait, consume, cut; then the final drain and the last batch.
void DrainThread::Run() {
  pthread_setname_np(pthread_self(), "sshtrace-drain");
  while (!stopRequested_.load() && !closing_) {
    bool ringReady = false;
    pollStart_ = Clock::now();
    if (!WaitForWork(ringReady)) break;
    if (ringReady && !stopRequested_.load()) std::this_thread::sleep_for(coalesce_);
    int consumed = ring_buffer__consume(ring_);
    if (consumed < 0) {
      error_ = "reading the ring buffer failed: " + ErrnoText(consumed);
      break;
    }
    CutIfDue(Clock::now());
  }
  DrainRemainder();
  tsfn_.Release();
}

bool DrainThread::WaitForWork(bool& ringReady) {
  epoll_event events[2];
  int ready = epoll_wait(epollFd_, events, 2, TimeoutMs(Clock::now()));
  if (ready < 0 && errno != EINTR) {
    error_ = "waiting on the ring buffer failed: " + ErrnoText(errno);
    return false;
  }
  for (int i = 0; i < ready; i++) {
    uint64_t count;
    if (events[i].data.u32 == kRingTag) ringReady = true;
    if (events[i].data.u32 == kWakeTag) {
      ssize_t ignored = read(eventFd_, &count, sizeof(count));
      (void)ignored;
    }
  }
  return true;
}

// Never longer than batchIntervalMs, so a partial batch leaves on time; never 0, so idle never spins.
int DrainThread::TimeoutMs(Clock::time_point now) const {
  int interval = int(options_.batchIntervalMs);
  if (pendingCount_ == 0 || waitingForRoom_.load()) return interval;
  auto due = firstPendingAt_ + std::chrono::milliseconds(interval);
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(due - now).count() + 1;
  return int(std::clamp<long long>(left, 1, interval));
}

int DrainThread::OnSample(void* self, void* data, size_t size) {
  static_cast<DrainThread*>(self)->Append(static_cast<const uint8_t*>(data), size);
  return 0;
}

void DrainThread::Append(const uint8_t* data, size_t size) {
  seen_++;
  event_header header{};
  std::memcpy(&header, data, std::min(size, sizeof(header)));
  bool wellFormed = size >= sizeof(header) && header.size == size;
  // A malformed sample is still delivered, with `size` rewritten so the stream stays walkable.
  size_t length = wellFormed ? size : std::min<size_t>(std::max(size, sizeof(header)), UINT16_MAX);
  if (!wellFormed) malformed_.fetch_add(1);
  // Only while JavaScript is behind can the pile outgrow a batch; past the cap it is dropped, and counted.
  if (waitingForRoom_.load() && pending_.size() + length > options_.maxPendingBytes) DropPending();
  // Events that woke no one waited in the ring since the wait began: their batch is that old already.
  if (pendingCount_ == 0) firstPendingAt_ = pollStart_;
  size_t offset = pending_.size();
  pending_.resize(offset + length, 0);
  std::memcpy(&pending_[offset], data, std::min(size, length));
  if (!wellFormed) {
    header.size = uint16_t(length);
    std::memcpy(&pending_[offset], &header, sizeof(header));
  }
  pendingCount_++;
  // Only a full batch leaves mid-consume; an old one leaves after it (Run), else every event of a ring that
  // waited since pollStart_ would leave alone.
  if (pending_.size() >= options_.batchBytes) CutIfDue(Clock::now());
}

void DrainThread::CutIfDue(Clock::time_point now) {
  if (pendingCount_ == 0 || closing_) return;
  bool full = pending_.size() >= options_.batchBytes;
  bool old = now - firstPendingAt_ >= std::chrono::milliseconds(options_.batchIntervalMs);
  if (full || old) Deliver(false);
}

// The only place events leave: non-blocking while running, blocking for the final batch.
bool DrainThread::Deliver(bool final) {
  if (!final && outstanding_.load() >= options_.maxQueuedBatches) {
    waitingForRoom_.store(true);
    return false;
  }
  auto message = std::make_unique<BatchMessage>();
  message->events.swap(pending_);
  message->count = pendingCount_;
  message->final = final;
  message->error = error_;
  delivered_.fetch_add(pendingCount_);
  message->counters = Snapshot();
  napi_status status = final ? tsfn_.BlockingCall(message.get()) : tsfn_.NonBlockingCall(message.get());
  if (status == napi_ok) {
    message.release();
    outstanding_.fetch_add(1);
    waitingForRoom_.store(false);
    pendingCount_ = 0;
    pending_.reserve(options_.batchBytes + kSlackBytes);
    return true;
  }
  delivered_.fetch_sub(message->count);
  pending_.swap(message->events);
  if (status == napi_queue_full) {
    waitingForRoom_.store(true);
  } else {
    closing_ = true;  // JavaScript is going away: nothing more can be delivered
  }
  return false;
}

void DrainThread::DropPending() {
  userDroppedRecords_.fetch_add(pendingCount_);
  userDroppedBatches_.fetch_add(1);
  pending_.clear();
  pendingCount_ = 0;
}

// After stop(): detach the links, wait out programs still running, read the rest, send the last batch.
void DrainThread::DrainRemainder() {
  if (detachLinks_ && !closing_) {
    detachLinks_();  // first, so nothing new enters the ring while it is drained
    // A global membarrier waits for an RCU grace period, i.e. for BPF programs that started before the detach.
    syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
    ring_buffer__consume(ring_);
    for (int i = 0; i < kSettleTries && Snapshot().EmittedTotal() > seen_; i++) {
      std::this_thread::sleep_for(kSettlePause);
      ring_buffer__consume(ring_);
    }
  }
  if (closing_) return;
  if (!Deliver(true)) DropPending();
}
