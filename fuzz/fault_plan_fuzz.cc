// Fuzz target: the chaos PKCS#11 fault-plan parser (docs/fault-plan.md). Property: any text parses
// or is refused with an error (never a crash), and a plan that parses prints to canonical text that
// parses back to the same plan, whose text is the same again.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz/finding.h"
#include "harness/faults/pkcs11/fault_plan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rollcage::faults;
  if (size > 8192) return -1;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto plan = ParseFaultPlan(text, "fuzz");
  if (!plan.ok()) return 0;
  std::string printed = FaultPlanToText(*plan);
  auto again = ParseFaultPlan(printed, "printed");
  if (!again.ok() || !(*again == *plan) || FaultPlanToText(*again) != printed) {
    std::fprintf(stderr, "fault plan round trip broke:\n---- input\n%.*s\n---- printed\n%s", int(size), text.data(),
                 printed.c_str());
    rollcage::fuzz::FuzzFinding("fault-plan-roundtrip", again.ok() ? "reparsed differently" : again.status().message());
  }
  return 0;
}
