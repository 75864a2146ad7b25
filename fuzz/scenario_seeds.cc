// scenario_seeds: writes the seed corpora of the scenario fuzz targets from readable scenarios.
// Each SRC_DIR/NAME.scn (docs/scenario.md) is encoded with EncodeScenario into OUT_DIR/NAME.
//   bazel run //fuzz:scenario_seeds -- $PWD/fuzz/seeds/scenario $PWD/corpus/scenario
// With --check nothing is written: exit 1 when an OUT_DIR file is missing or differs (the seed test
// uses this so corpus files never drift from their sources).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "base/file.h"
#include "harness/scenario/byte_decoder.h"
#include "harness/scenario/scenario.h"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  using namespace rollcage;
  std::vector<std::string> args(argv + 1, argv + argc);
  bool check = !args.empty() && args[0] == "--check";
  if (check) args.erase(args.begin());
  if (args.size() != 2) {
    std::fprintf(stderr, "usage: scenario_seeds [--check] SRC_DIR OUT_DIR\n");
    return 2;
  }
  std::vector<fs::path> sources;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(args[0], ec)) {
    if (e.path().extension() == ".scn") sources.push_back(e.path());
  }
  if (ec || sources.empty()) {
    std::fprintf(stderr, "scenario_seeds: no .scn files in %s\n", args[0].c_str());
    return 2;
  }
  std::sort(sources.begin(), sources.end());
  int bad = 0;
  for (const auto& src : sources) {
    auto text = ReadFile(src.string());
    if (!text.ok()) {
      std::fprintf(stderr, "scenario_seeds: %s\n", text.status().message().c_str());
      return 3;
    }
    auto s = harness::Parse(*text, src.string());
    if (!s.ok()) {
      std::fprintf(stderr, "scenario_seeds: %s\n", s.status().message().c_str());
      return 2;
    }
    auto bytes = harness::EncodeScenario(*s);
    if (!bytes.ok()) {
      std::fprintf(stderr, "scenario_seeds: %s: %s\n", src.c_str(), bytes.status().message().c_str());
      return 2;
    }
    fs::path out = fs::path(args[1]) / src.stem();
    if (check) {
      auto have = ReadFile(out.string());
      if (!have.ok() || *have != *bytes) {
        std::fprintf(stderr, "scenario_seeds: %s is %s its source %s\n", out.c_str(),
                     have.ok() ? "out of date with" : "missing for", src.c_str());
        ++bad;
      }
      continue;
    }
    Status st = WriteFileAtomic(out.string(), *bytes);
    if (!st.ok()) {
      std::fprintf(stderr, "scenario_seeds: %s\n", st.message().c_str());
      return 3;
    }
    std::printf("%s -> %s (%zu bytes, %zu events)\n", src.c_str(), out.c_str(), bytes->size(), s->events.size());
  }
  return bad ? 1 : 0;
}
