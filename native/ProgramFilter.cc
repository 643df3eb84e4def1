#include "ProgramFilter.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <sys/stat.h>

#include "TracerFailure.h"

namespace {

bool StartsWith(const std::string& text, const char* prefix) {
  return text.rfind(prefix, 0) == 0;
}

bool TracefsEventExists(const std::string& categoryAndName) {
  struct stat info;
  for (const char* root : {"/sys/kernel/tracing/events/", "/sys/kernel/debug/tracing/events/"}) {
    if (stat((root + categoryAndName).c_str(), &info) == 0) return true;
  }
  return false;
}

}  // namespace

ProgramFilter::ProgramFilter(bool fileWrites, bool syscallSends)
    : fileWrites_(fileWrites), syscallSends_(syscallSends) {}

ProgramFilter::~ProgramFilter() {
  btf__free(vmlinux_);
}

std::vector<std::string> ProgramFilter::Apply(bpf_object* object) {
  std::vector<std::string> unsupported;
  bpf_program* program;
  // kfix_ programs cover hooks that only some kernels have; where one is missing (or syscallSends asks for
  // it) the kalt_ programs, which see the same sends at syscall exit, load instead (bpf/send.bpf.h).
  bool substitute = syscallSends_;
  bpf_object__for_each_program(program, object) {
    std::string name = bpf_program__name(program);
    if (StartsWith(name, "kfix_") && !HookExists(program)) {
      unsupported.push_back(name);
      substitute = true;
    }
  }
  bpf_object__for_each_program(program, object) {
    std::string name = bpf_program__name(program);
    bool load = true;
    if (StartsWith(name, "optin_")) load = fileWrites_;
    if (StartsWith(name, "kfix_")) load = !substitute;
    if (StartsWith(name, "kalt_")) load = substitute;
    int err = bpf_program__set_autoload(program, load);
    if (err) throw TracerFailure("open", "choosing program " + name + " failed: " + ErrnoText(err));
  }
  return unsupported;
}

// Reads the hook from the section name: tp_btf/X and raw_tp/X need BTF's btf_trace_X,
// tracepoint/C/X needs tracefs's events/C/X; any other kind is assumed present.
bool ProgramFilter::HookExists(const bpf_program* program) {
  std::string section = bpf_program__section_name(program);
  size_t slash = section.find('/');
  if (slash == std::string::npos) return true;
  std::string kind = section.substr(0, slash), target = section.substr(slash + 1);
  if (kind == "tp_btf" || kind == "raw_tp" || kind == "raw_tracepoint") return BtfTracepointExists(target);
  if (kind == "tracepoint" || kind == "tp") return TracefsEventExists(target);
  return true;
}

bool ProgramFilter::BtfTracepointExists(const std::string& name) {
  if (!vmlinux_) vmlinux_ = btf__load_vmlinux_btf();
  if (!vmlinux_) throw TracerFailure("btf", "reading /sys/kernel/btf/vmlinux failed: " + ErrnoText(errno));
  return btf__find_by_name_kind(vmlinux_, ("btf_trace_" + name).c_str(), BTF_KIND_TYPEDEF) >= 0;
}
