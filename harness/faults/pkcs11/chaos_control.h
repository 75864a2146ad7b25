// ChaosControl: in-process control of a loaded chaos PKCS#11 module. The harness loads the module (or
// reuses the handle a signer loaded it with: dlopen of the same path returns the same instance), sets
// or replaces its fault plan between runs without restarting, and reads the injected-fault log
// without files. Plans are built with fault_plan.h / random_fault_plan.h and checked before they are
// handed over.
#ifndef ROLLCAGE_HARNESS_FAULTS_PKCS11_CHAOS_CONTROL_H_
#define ROLLCAGE_HARNESS_FAULTS_PKCS11_CHAOS_CONTROL_H_

#include <softhsm/cryptoki.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "harness/faults/pkcs11/chaos_abi.h"
#include "harness/faults/pkcs11/fault_plan.h"
#include "harness/faults/pkcs11/random_fault_plan.h"

namespace rollcage::faults {

// Where a test that lists the module in `data` finds it, relative to the workspace runfiles root.
inline constexpr char kChaosModuleRunfilesPath[] = "harness/faults/pkcs11/librollcage_chaos_pkcs11.so";

// One line of the chaos log (docs/fault-plan.md, "The log").
struct ChaosLogLine {
  std::string kind;                     // "injected", "forwarded", "error", "plan"
  uint64_t seq = 0;                     // call sequence number (injected, forwarded)
  std::string function;                 // "C_Sign"
  uint64_t call = 0;                    // the call number the rule counted
  std::optional<unsigned long> slot;
  std::optional<unsigned long> session;
  int rule = 0;                         // 1-based rule index (injected)
  std::string fault;                    // "rv:CKR_DEVICE_ERROR", "corrupt:part=0,byte=3,bit=1", ...
  std::string rv;                       // what the caller got
  std::string real;                     // what the real module returned, or "not-called"
  std::string text;                     // the whole line
};

// Parses one log line; unknown keys are ignored so the format can grow.
Result<ChaosLogLine> ParseChaosLogLine(std::string_view line);

class ChaosControl {
 public:
  // dlopens the module (RTLD_NOW | RTLD_LOCAL); it stays loaded for the life of the process.
  static Result<ChaosControl> Load(const std::string& module_path);
  // Uses a handle the caller got from dlopen of the chaos module.
  static Result<ChaosControl> FromHandle(void* dl_handle);

  // The module's PKCS#11 function list (C_GetFunctionList).
  CK_FUNCTION_LIST_PTR functions() const { return functions_; }
  void* handle() const { return handle_; }

  // Replaces the plan (see rollcage_chaos_set_plan); a rule that does not validate is kBadInput.
  Status SetPlan(const FaultPlan& plan);
  Status SetPlanText(std::string_view text);
  Status ClearPlan() { return SetPlanText(""); }
  std::string PlanText() const;
  // Drains the pending log.
  std::vector<ChaosLogLine> TakeLog();
  // Drains the pending log and keeps only the injected faults.
  std::vector<ChaosLogLine> TakeInjected();
  std::string Stats() const;

 private:
  ChaosControl() = default;

  void* handle_ = nullptr;
  CK_FUNCTION_LIST_PTR functions_ = nullptr;
  rollcage_chaos_set_plan_fn set_plan_ = nullptr;
  rollcage_chaos_take_log_fn take_log_ = nullptr;
  rollcage_chaos_get_plan_fn get_plan_ = nullptr;
  rollcage_chaos_stats_fn stats_ = nullptr;
};

}  // namespace rollcage::faults

#endif  // ROLLCAGE_HARNESS_FAULTS_PKCS11_CHAOS_CONTROL_H_
