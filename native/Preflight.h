// Checks that recording can work here, before touching BPF, each with a one-line fix.
#ifndef SSHTRACE_PREFLIGHT_H
#define SSHTRACE_PREFLIGHT_H

class Preflight {
 public:
  // Main thread: throws TracerFailure with step privileges / btf / ringbuf / tracefs / bpffs.
  // Mounts tracefs and bpffs when they are missing and we are allowed to.
  static void Run();

 private:
  static void CheckPrivileges();
  static void CheckBtf();
  static void CheckRingBuffer();
  static void EnsureTracefs();
  static void EnsureBpffs();
};

#endif  // SSHTRACE_PREFLIGHT_H
