// The one error type of the native side: `step` becomes TracerError.step in native/index.ts.
#ifndef SSHTRACE_TRACER_FAILURE_H
#define SSHTRACE_TRACER_FAILURE_H

#include <stdexcept>
#include <string>
#include <utility>

// step is one of: privileges btf ringbuf tracefs bpffs open load attach.
class TracerFailure : public std::runtime_error {
 public:
  // Any thread.
  TracerFailure(std::string step, const std::string& message) : std::runtime_error(message), step_(std::move(step)) {}
  // Any thread.
  const std::string& step() const { return step_; }

 private:
  std::string step_;
};

// Any thread: "strerror (errno N)" for a negative libbpf return or a positive errno.
std::string ErrnoText(int err);

#endif  // SSHTRACE_TRACER_FAILURE_H
