#include "base/status.h"

namespace rollcage {

int ExitCodeFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kOk: return kExitOk;
    case ErrorKind::kBadInput:
    case ErrorKind::kUsage:
    case ErrorKind::kKey: return kExitBadInput;
    case ErrorKind::kIo: return kExitIo;
    case ErrorKind::kEnvironment: return kExitEnvironment;
    case ErrorKind::kInternal: return kExitInternal;
  }
  return kExitInternal;
}

const char* ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kOk: return "ok";
    case ErrorKind::kBadInput: return "bad input";
    case ErrorKind::kUsage: return "usage";
    case ErrorKind::kKey: return "key";
    case ErrorKind::kIo: return "io";
    case ErrorKind::kEnvironment: return "environment";
    case ErrorKind::kInternal: return "internal";
  }
  return "internal";
}

}  // namespace rollcage
