// Decides which BPF programs load: optin_* only on request, kfix_* only where the kernel has their hook,
// kalt_* (their syscall-exit substitutes) only where it does not or when asked.
#ifndef SSHTRACE_PROGRAM_FILTER_H
#define SSHTRACE_PROGRAM_FILTER_H

#include <string>
#include <vector>

struct bpf_object;
struct bpf_program;
struct btf;

class ProgramFilter {
 public:
  // Main thread, between open and load.
  ProgramFilter(bool fileWrites, bool syscallSends);
  ~ProgramFilter();
  ProgramFilter(const ProgramFilter&) = delete;
  ProgramFilter& operator=(const ProgramFilter&) = delete;

  // Main thread: sets autoload on every program of `object`; returns the names it turned off as unsupported.
  std::vector<std::string> Apply(bpf_object* object);

 private:
  // Main thread, from Apply.
  bool HookExists(const bpf_program* program);
  bool BtfTracepointExists(const std::string& name);

  bool fileWrites_;
  bool syscallSends_;
  btf* vmlinux_ = nullptr;  // loaded on first need: parsing it costs tens of milliseconds
};

#endif  // SSHTRACE_PROGRAM_FILTER_H
