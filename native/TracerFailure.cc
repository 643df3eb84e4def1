#include "TracerFailure.h"

#include <cstdlib>
#include <cstring>

std::string ErrnoText(int err) {
  int code = std::abs(err);
  return std::string(strerror(code)) + " (errno " + std::to_string(code) + ")";
}
