// Captures libbpf's messages so a failed step can name libbpf's own reason in one line.
#ifndef SSHTRACE_LIBBPF_LOG_H
#define SSHTRACE_LIBBPF_LOG_H

#include <string>

class LibbpfLog {
 public:
  // Main thread: installs the print callback once and forgets earlier messages.
  static void BeginCapture();
  // Main thread: the most telling warning since BeginCapture ("" if none), e.g. "prog 'x': failed to load: -13".
  static std::string MostTellingWarning();
};

#endif  // SSHTRACE_LIBBPF_LOG_H
