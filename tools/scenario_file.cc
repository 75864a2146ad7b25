#include "tools/scenario_file.h"

#include "base/file.h"
#include "harness/scenario/byte_decoder.h"

namespace rollcage::tools {
namespace {

// Text: printable ASCII, tabs and line ends only (scenario files are ASCII; docs/scenario.md).
bool LooksLikeText(const std::string& bytes) {
  for (unsigned char c : bytes) {
    if (c == '\n' || c == '\r' || c == '\t') continue;
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

Result<LoadedScenario> LoadScenarioFile(const std::string& path, ScenarioFormat format) {
  RC_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  bool envelope = bytes.rfind(harness::kEnvelopeMagic, 0) == 0;
  bool text = format == ScenarioFormat::kText ||
              (format == ScenarioFormat::kAuto && !envelope && bytes.find("rollcage-scenario") != std::string::npos);
  if (text) {
    auto s = harness::Parse(bytes, path);
    if (!s.ok()) return s.status();
    return LoadedScenario{*s, false};
  }
  if (format == ScenarioFormat::kFuzzInput || envelope || !LooksLikeText(bytes) || bytes.empty()) {
    auto s = harness::DecodeScenario(bytes);
    if (!s.ok()) return BadInput(path + ": " + s.status().message());
    return LoadedScenario{*s, true};
  }
  return BadInput(path +
                  ": not a rollcage scenario (expected the line 'rollcage-scenario 1'); if it is a libFuzzer "
                  "input of the scenario target, pass --fuzz-input");
}

}  // namespace rollcage::tools
