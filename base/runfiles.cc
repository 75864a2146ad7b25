#include "base/runfiles.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace rollcage {

Result<std::string> Rlocation(const std::string& path) {
  namespace fs = std::filesystem;
  std::vector<std::string> candidates;
  for (const char* env : {"TEST_SRCDIR", "RUNFILES_DIR"}) {
    if (const char* d = std::getenv(env); d && *d) candidates.push_back(std::string(d) + "/rollcage/" + path);
  }
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.string() + ".runfiles/rollcage/" + path);
    // bazel-bin/tools/rollcage -> bazel-bin/<path>: walk up until the path exists.
    for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
      candidates.push_back((dir / path).string());
    }
  }
  for (const auto& c : candidates) {
    if (fs::exists(c, ec)) return fs::absolute(c, ec).string();
  }
  return EnvironmentError("cannot find " + path + " next to the rollcage binary (build it with bazel)");
}

}  // namespace rollcage
