#include "tools/scenario_file.h"

#include "base/file.h"

namespace rollcage::tools {

Result<LoadedScenario> LoadScenarioFile(const std::string& path) {
  RC_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  // Text files start with the magic line (after comments).
  if (bytes.find("rollcage-scenario") != std::string::npos) {
    auto s = harness::Parse(bytes, path);
    if (!s.ok()) return s.status();
    return LoadedScenario{*s, false};
  }
  return BadInput(path + ": not a rollcage scenario (expected the line 'rollcage-scenario 1')");
}

}  // namespace rollcage::tools
