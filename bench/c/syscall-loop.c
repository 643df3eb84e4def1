// The untracked-process benchmark's workload: N cheap syscalls in a loop, timed with CLOCK_MONOTONIC.
// Usage: syscall-loop getpid|write ITERATIONS  →  prints nanoseconds per call.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s getpid|write ITERATIONS\n", argv[0]);
    return 2;
  }
  long n = atol(argv[2]);
  int use_write = strcmp(argv[1], "write") == 0;
  int fd = open("/dev/null", O_WRONLY);
  char buf[64] = {0};
  if (fd < 0) return 1;
  double start = now_ns();
  for (long i = 0; i < n; i++) {
    // syscall(2), not glibc wrappers: each iteration must enter the kernel once
    if (use_write) syscall(SYS_write, fd, buf, sizeof(buf));
    else syscall(SYS_getpid);
  }
  printf("%.2f\n", (now_ns() - start) / n);
  return 0;
}
