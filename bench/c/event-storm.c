// The event-rate ladder's load: a process the recorder follows (its binary is named in --family-names)
// making getsockname(2) calls, each one a 64-byte sockname event, at a steady target rate.
// Usage: sshtr-storm RATE_PER_S SECONDS  →  prints "calls seconds".
#define _GNU_SOURCE
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s RATE_PER_S SECONDS\n", argv[0]);
    return 2;
  }
  double rate = atof(argv[1]), seconds = atof(argv[2]);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 1;
  struct sockaddr_in addr;
  socklen_t len;
  long calls = 0;
  double start = now_s(), elapsed = 0;
  while (elapsed < seconds) {
    // 100 calls at a time, then wait until the schedule catches up: a steady rate, not bursts
    for (int i = 0; i < 100; i++, calls++) {
      len = sizeof(addr);
      syscall(SYS_getsockname, fd, &addr, &len);
    }
    do elapsed = now_s() - start;
    while (rate > 0 && calls > rate * elapsed && elapsed < seconds);
  }
  printf("%ld %.3f\n", calls, elapsed);
  return 0;
}
