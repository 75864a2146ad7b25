// Runfiles: finds a file built by Bazel next to the running program (the chaos PKCS#11 module, test
// data), from a workspace-relative path. Looks in $TEST_SRCDIR and $RUNFILES_DIR (tests and
// `bazel run`), then PROGRAM.runfiles/, then the bazel-bin tree the program itself sits in.
#ifndef ROLLCAGE_BASE_RUNFILES_H_
#define ROLLCAGE_BASE_RUNFILES_H_

#include <string>

#include "base/status.h"

namespace rollcage {

// The absolute path of workspace-relative `path`, or kEnvironment naming where it looked.
Result<std::string> Rlocation(const std::string& path);

}  // namespace rollcage

#endif  // ROLLCAGE_BASE_RUNFILES_H_
