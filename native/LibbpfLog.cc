#include "LibbpfLog.h"

#include <bpf/libbpf.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <vector>

namespace {

// Leaked on purpose: libbpf may print from exit-time paths after static destructors ran.
struct Captured {
  std::mutex mutex;
  std::vector<std::string> warnings;
  bool echo = std::getenv("SSHTRACE_LIBBPF_DEBUG") != nullptr;
};
Captured& State() {
  static Captured* state = new Captured();
  return *state;
}

std::string Trimmed(const char* text) {
  std::string line(text);
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  if (line.rfind("libbpf: ", 0) == 0) line.erase(0, 8);
  return line;
}

// Called by libbpf on whichever thread made the failing libbpf call.
int Print(enum libbpf_print_level level, const char* format, va_list args) {
  Captured& state = State();
  va_list copy;
  va_copy(copy, args);
  char buffer[1024];
  vsnprintf(buffer, sizeof(buffer), format, copy);
  va_end(copy);
  if (state.echo) fprintf(stderr, "%s", buffer);
  if (level != LIBBPF_WARN) return 0;
  std::lock_guard<std::mutex> lock(state.mutex);
  if (state.warnings.size() < 4096) state.warnings.push_back(Trimmed(buffer));
  return 0;
}

}  // namespace

void LibbpfLog::BeginCapture() {
  static std::once_flag installed;
  std::call_once(installed, [] { libbpf_set_print(Print); });
  std::lock_guard<std::mutex> lock(State().mutex);
  State().warnings.clear();
}

std::string LibbpfLog::MostTellingWarning() {
  Captured& state = State();
  std::lock_guard<std::mutex> lock(state.mutex);
  // libbpf ends with generic lines ("failed to load object"); the line naming a program says why.
  for (auto it = state.warnings.rbegin(); it != state.warnings.rend(); ++it) {
    if (it->rfind("prog '", 0) == 0 || it->rfind("map '", 0) == 0) return *it;
  }
  return state.warnings.empty() ? std::string() : state.warnings.back();
}
