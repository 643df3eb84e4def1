#include "Preflight.h"

#include <bpf/libbpf.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <fstream>
#include <string>

#include "TracerFailure.h"

namespace {

constexpr int kCapSysAdmin = 21;
constexpr int kCapPerfmon = 38;
constexpr int kCapBpf = 39;
constexpr long kBpffsMagic = 0xcafe4a11;

uint64_t EffectiveCapabilities() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("CapEff:", 0) == 0) return std::stoull(line.substr(7), nullptr, 16);
  }
  return 0;
}

bool Exists(const char* path) {
  struct stat info;
  return stat(path, &info) == 0;
}

bool IsMountOf(const char* path, long magic) {
  struct statfs info;
  return statfs(path, &info) == 0 && long(info.f_type) == magic;
}

}  // namespace

void Preflight::Run() {
  CheckPrivileges();
  CheckBtf();
  CheckRingBuffer();
  EnsureTracefs();
  EnsureBpffs();
}

void Preflight::CheckPrivileges() {
  uint64_t caps = EffectiveCapabilities();
  auto has = [caps](int cap) { return (caps >> cap) & 1; };
  // CAP_SYS_ADMIN still implies the BPF capabilities (kernels before 5.8 know nothing else).
  if (has(kCapSysAdmin) || (has(kCapBpf) && has(kCapPerfmon))) return;
  throw TracerFailure("privileges", "recording needs root (or CAP_BPF and CAP_PERFMON): run it with sudo");
}

void Preflight::CheckBtf() {
  if (Exists("/sys/kernel/btf/vmlinux")) return;
  throw TracerFailure("btf",
                      "this kernel exposes no BTF (/sys/kernel/btf/vmlinux is missing): "
                      "use a kernel built with CONFIG_DEBUG_INFO_BTF=y (Debian/Ubuntu stock kernels have it)");
}

void Preflight::CheckRingBuffer() {
  int supported = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, nullptr);
  if (supported == 1) return;
  std::string why = supported == 0 ? "not supported" : "probe failed: " + ErrnoText(supported);
  throw TracerFailure("ringbuf", "this kernel has no BPF ring buffer (" + why + "): use Linux 5.8 or newer");
}

void Preflight::EnsureTracefs() {
  // libbpf looks up classic tracepoint ids under either path.
  if (Exists("/sys/kernel/tracing/events") || Exists("/sys/kernel/debug/tracing/events")) return;
  if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, nullptr) == 0) return;
  throw TracerFailure("tracefs", "tracefs is not mounted and mounting it failed (" + ErrnoText(errno) +
                                     "): run `mount -t tracefs nodev /sys/kernel/tracing`");
}

void Preflight::EnsureBpffs() {
  if (IsMountOf("/sys/fs/bpf", kBpffsMagic)) return;
  if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700") == 0) return;
  throw TracerFailure("bpffs", "bpffs is not mounted on /sys/fs/bpf and mounting it failed (" + ErrnoText(errno) +
                                   "): run `mount -t bpf bpf /sys/fs/bpf`");
}
