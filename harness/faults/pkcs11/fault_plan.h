// FaultPlan: the seeded, line-based description of which PKCS#11 calls the chaos module makes fail and
// how (docs/fault-plan.md). Parsing never crashes on bad text: it returns a kBadInput Status whose
// message reads "source:line: what". Printing gives text that parses back to an equal plan.
#ifndef ROLLCAGE_HARNESS_FAULTS_PKCS11_FAULT_PLAN_H_
#define ROLLCAGE_HARNESS_FAULTS_PKCS11_FAULT_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "harness/faults/pkcs11/pkcs11_function.h"

namespace rollcage::faults {

// Which calls of the rule's counter a rule fires on. Calls are numbered from 1 per function (or per
// function and slot when the rule has a slot or token filter; "*" counts all functions together).
struct Trigger {
  enum class Kind {
    kCall,    // "call N": the Nth call only
    kCalls,   // "calls N-M": calls N to M inclusive
    kEvery,   // "every N": calls N, 2N, 3N, ...
    kAfter,   // "after N": every call after the Nth
    kProb,    // "prob P": each call with probability P, decided by the plan seed (deterministic)
    kAlways,  // "always": every call
  };
  Kind kind = Kind::kCall;
  uint64_t first = 1;        // N of call/calls/every/after
  uint64_t last = 1;         // M of calls
  double probability = 0;    // P of prob, in (0, 1]

  bool operator==(const Trigger&) const = default;
};

// What happens to a call a rule fires on.
struct FaultAction {
  enum class Kind {
    kRv,                // "rv CKR_X": the call never reaches the HSM and returns CKR_X
    kSucceedButReport,  // "succeed-but-report CKR_X": the HSM does the work, the caller gets CKR_X
    kCorrupt,           // "corrupt": one bit of the returned output is flipped
    kLatency,           // "latency 200ms": the call is delayed, then forwarded
    kRemoved,           // "removed [for N]": the token is removed (for the next N calls, or for good)
  };
  Kind kind = Kind::kRv;
  unsigned long rv = 0;        // CK_RV of rv / succeed-but-report
  uint64_t latency_us = 0;     // delay of latency
  uint64_t removed_for = 0;    // calls the removal lasts; 0 = until the plan is replaced

  bool operator==(const FaultAction&) const = default;
};

// One rule: FUNCTION TRIGGER ACTION [slot ID | token LABEL] [max N] [then operation-active].
struct FaultRule {
  std::optional<Pkcs11Function> function;  // nullopt: "*", every function but C_GetFunctionList
  Trigger trigger;
  FaultAction action;
  std::optional<unsigned long> slot;       // only calls addressing this slot ID (directly or by session)
  std::optional<std::string> token;        // only calls addressing the slot whose token has this label
  uint64_t max = 0;                        // fire at most this many times; 0 = no limit
  bool then_operation_active = false;      // after the fault the family's Init returns CKR_OPERATION_ACTIVE
                                           // on that session until the session is closed
  int line = 0;                            // source line, 0 when built in code (not compared)

  bool operator==(const FaultRule& o) const {
    return function == o.function && trigger == o.trigger && action == o.action && slot == o.slot &&
           token == o.token && max == o.max && then_operation_active == o.then_operation_active;
  }
};

struct FaultPlan {
  uint64_t seed = 0;
  std::vector<FaultRule> rules;

  bool operator==(const FaultPlan&) const = default;
};

// Longest latency a plan may ask for (a typo must not hang a test run).
inline constexpr uint64_t kMaxLatencyUs = 60ull * 1000 * 1000;

// Parses plan text; errors name "source:line: what".
Result<FaultPlan> ParseFaultPlan(std::string_view text, std::string_view source = "<plan>");
// Reads and parses a plan file (kIo when it cannot be read).
Result<FaultPlan> LoadFaultPlan(const std::string& path);
// Checks one rule built in code (the parser applies the same checks); errors say what is wrong.
Status ValidateFaultRule(const FaultRule& rule);

// Canonical text: "seed N" then one rule a line; ParseFaultPlan(FaultPlanToText(p)) == p.
std::string FaultPlanToText(const FaultPlan& plan);
std::string FaultRuleToText(const FaultRule& rule);
// "200ms", "2s", "150us".
std::string FormatLatency(uint64_t us);

}  // namespace rollcage::faults

#endif  // ROLLCAGE_HARNESS_FAULTS_PKCS11_FAULT_PLAN_H_
