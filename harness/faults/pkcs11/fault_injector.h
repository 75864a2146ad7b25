// FaultInjector: the decision engine of the chaos PKCS#11 module. It counts calls (per function, and
// per function and slot), decides from the fault plan which calls fail and how, keeps the state faults
// leave behind (removed tokens, sessions stuck with an active operation), and writes one log line per
// injected fault. It never calls a PKCS#11 module itself (except through the label resolver), so it
// is tested without one. Thread-safe; decisions depend only on the plan, its seed and the order of calls.
#ifndef ROLLCAGE_HARNESS_FAULTS_PKCS11_FAULT_INJECTOR_H_
#define ROLLCAGE_HARNESS_FAULTS_PKCS11_FAULT_INJECTOR_H_

#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "base/status.h"
#include "harness/faults/pkcs11/fault_plan.h"

namespace rollcage::faults {

// One call as the module sees it: the function and, when known, the slot and session it addresses.
struct CallInfo {
  Pkcs11Function function = Pkcs11Function::kC_Initialize;
  std::optional<unsigned long> slot;
  std::optional<unsigned long> session;
};

// One injected fault of a call, as it will be logged.
struct InjectedFault {
  int rule = 0;         // 1-based index of the plan rule behind it
  uint64_t call = 0;    // the call number the rule counted
  std::string fault;    // "rv:CKR_DEVICE_ERROR", "latency:200ms", "corrupt:part=0,byte=3,bit=5", ...
};

// What the module does with a call.
struct Verdict {
  enum class Kind {
    kForward,           // call the real module
    kFail,              // do not call it (beyond ending an active operation); return rv
    kSucceedButReport,  // call it; when it succeeds, return rv instead
  };
  Kind kind = Kind::kForward;
  unsigned long rv = 0;
  uint64_t latency_us = 0;        // sleep this long first
  uint64_t seq = 0;               // sequence number of the call (1, 2, ... over the module's life)
  uint64_t call = 0;              // number of this call among calls of its function
  bool removal_started = false;   // a token was removed by this call: close its real sessions
  std::optional<unsigned long> removed_slot;  // which; nullopt with removal_started: every slot
  std::vector<InjectedFault> faults;
};

// Which output byte a corrupt fault flips.
struct Corruption {
  size_t part = 0;  // index among the output parts passed to AfterOutput
  size_t byte = 0;
  int bit = 0;
};

class FaultInjector {
 public:
  // The label of the token in a slot, or nullopt when it cannot be read; used by "token LABEL" rules.
  using LabelResolver = std::function<std::optional<std::string>(unsigned long slot)>;

  FaultInjector() = default;
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;

  // Installs a plan: counters, removed tokens and stuck sessions start afresh; the sequence number and
  // the log go on. source names the plan in the log ("plan.txt", "<api>").
  void SetPlan(FaultPlan plan, const std::string& source);
  FaultPlan plan() const;
  void SetLabelResolver(LabelResolver resolver);
  // Also appends every log line to this file (opened for append; flushed after each line).
  Status OpenLogFile(const std::string& path);
  // Also logs calls that were forwarded without a fault ("forwarded ..." lines).
  void SetLogCalls(bool on);

  // Decides a call before it reaches the real module.
  Verdict Before(const CallInfo& call);
  // After a successful call that returned output parts of these lengths (zero-length parts are
  // skipped): decides whether a corrupt rule flips a bit, and records it in the verdict.
  std::optional<Corruption> AfterOutput(const CallInfo& call, Verdict& verdict,
                                        const std::vector<size_t>& part_lengths);
  // Records the outcome: one "injected" log line per fault of the verdict (real_rv: what the real
  // module returned, nullopt when it was not called; returned_rv: what the caller got).
  void Finish(const CallInfo& call, const Verdict& verdict, std::optional<unsigned long> real_rv,
              unsigned long returned_rv);
  // While the token in slot is removed by the plan: the 1-based index of the rule that removed it.
  std::optional<int> RemovedBy(unsigned long slot);
  bool AnyRemoved();

  // Session bookkeeping, so session calls are attributed to their slot.
  void OnSessionOpened(unsigned long session, unsigned long slot);
  void OnSessionClosed(unsigned long session);
  void OnAllSessionsClosed(unsigned long slot);
  // The real module's sessions in slot are gone (token removed): forget their stuck operations.
  void OnSlotSessionsDropped(std::optional<unsigned long> slot);
  void OnFinalize();
  void OnTokensChanged();  // C_InitToken: token labels may have changed
  std::optional<unsigned long> SlotOfSession(unsigned long session);

  // Logs "error <message>" (a plan that failed to load, a real module that failed to load).
  void LogError(const std::string& message);
  // Removes and returns pending log lines (each without its newline).
  std::vector<std::string> TakeLogLines();
  // Removes and copies whole pending lines ("line\n") into buf (NUL-terminated) while they fit; a
  // first line longer than the buffer is truncated rather than left to stall. Returns bytes copied.
  size_t TakeLog(char* buf, size_t len);
  // "C_Sign calls=12 injected=2" per called function, then "total calls=N injected=M".
  std::string Stats();

 private:
  using CounterKey = std::tuple<int, bool, unsigned long>;  // (function or -1, has slot, slot)
  struct Removal {
    bool all = false;
    unsigned long slot = 0;
    uint64_t until_seq = 0;  // last affected call; 0 = until the plan is replaced
    int rule = 0;
  };

  void AppendLine(const std::string& line);  // needs mu_
  bool Matches(const FaultRule& rule, const CallInfo& call);
  std::optional<std::string> Label(unsigned long slot);
  CounterKey KeyFor(const FaultRule& rule, const CallInfo& call) const;
  bool Fires(const FaultRule& rule, size_t index, uint64_t n) const;
  const Removal* ActiveRemoval(const CallInfo& call, uint64_t seq);
  std::string LineStart(const char* kind, const CallInfo& call, const Verdict& verdict, uint64_t call_no);

  std::mutex mu_;
  FaultPlan plan_;
  LabelResolver resolver_;
  std::map<unsigned long, std::string> labels_;
  FILE* log_file_ = nullptr;
  bool log_calls_ = false;
  std::deque<std::string> log_;
  uint64_t seq_ = 0;
  std::map<CounterKey, uint64_t> calls_;        // calls per (function, slot)
  std::map<CounterKey, uint64_t> outputs_;      // successful calls with output, for corrupt rules
  std::vector<uint64_t> fired_;                 // per rule
  std::vector<Removal> removals_;
  std::map<unsigned long, unsigned long> session_slot_;
  std::map<unsigned long, std::map<OperationFamily, int>> stuck_;  // session -> family -> rule
  std::map<int, std::pair<uint64_t, uint64_t>> stats_;             // function -> (calls, injected)
};

}  // namespace rollcage::faults

#endif  // ROLLCAGE_HARNESS_FAULTS_PKCS11_FAULT_INJECTOR_H_
