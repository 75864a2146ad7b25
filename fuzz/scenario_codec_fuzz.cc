// Fuzz target: the scenario text codec. Property: parsing arbitrary text never crashes, and
// whatever parses prints to text that parses to the same scenario (Parse(Print(s)) == s).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz/finding.h"
#include "harness/scenario/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  auto s = rollcage::harness::Parse(text, "fuzz");
  if (!s.ok()) return 0;
  std::string printed = rollcage::harness::Print(*s);
  auto again = rollcage::harness::Parse(printed, "printed");
  if (!again.ok() || !(*again == *s)) {
    std::fprintf(stderr, "scenario codec round trip broke:\n%s\n", printed.c_str());
    rollcage::fuzz::FuzzFinding("scenario-codec-roundtrip", again.ok() ? "parsed differently" : again.status().message());
  }
  return 0;
}
