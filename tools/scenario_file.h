// LoadScenarioFile: reads a scenario from a file — the text format, or (when the file is not text
// in that format) a libFuzzer input of the scenario fuzz target, decoded.
#ifndef ROLLCAGE_TOOLS_SCENARIO_FILE_H_
#define ROLLCAGE_TOOLS_SCENARIO_FILE_H_

#include <string>

#include "base/status.h"
#include "harness/scenario/scenario.h"

namespace rollcage::tools {

struct LoadedScenario {
  harness::Scenario scenario;
  bool decoded = false;  // came from a fuzzer input
};

enum class ScenarioFormat {
  kAuto,       // text when it has the 'rollcage-scenario' line; a fuzzer input when it has the
               // '#rollcage-fuzz' envelope or is not printable text; otherwise an error
  kText,       // the text format (docs/scenario.md)
  kFuzzInput,  // bytes of the scenario fuzz targets (harness/scenario/byte_decoder.h)
};

Result<LoadedScenario> LoadScenarioFile(const std::string& path, ScenarioFormat format = ScenarioFormat::kAuto);

}  // namespace rollcage::tools

#endif  // ROLLCAGE_TOOLS_SCENARIO_FILE_H_
