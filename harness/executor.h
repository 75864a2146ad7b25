// Executor: runs a scenario against a signer adapter over simulated time, applies the faults,
// collects the timeline (every zone version and parent DS version with its publication time) and
// runs the oracles: static on every version, temporal on the timeline, and the HSM pool check.
// Deterministic: the same scenario gives the same timeline and verdict.
#ifndef ROLLCAGE_HARNESS_EXECUTOR_H_
#define ROLLCAGE_HARNESS_EXECUTOR_H_

#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "dns/zone.h"
#include "harness/adapters/signer_adapter.h"
#include "harness/finding.h"
#include "harness/scenario/scenario.h"
#include "timeline/timeline.h"

namespace rollcage::harness {

struct ExecutorOptions {
  UnixTime start = 1767225600;          // 2026-01-01T00:00:00Z
  // Outages are bounded so a correct signer can recover (docs/scenario.md): a crashed signer is
  // restarted, and a removed HSM restored, this long after at most.
  int64_t max_downtime = 3600;
  int64_t max_hsm_outage = 2 * 86400;
  bool check_each_version = true;       // the static oracle on every zone version
  bool check_temporal = true;           // the temporal oracle on the timeline
  bool stop_at_first_finding = false;   // fuzzing: stop judging once something is found
  bool keep_log = true;                 // RunResult::log (fuzzing: off, formatting it is a few per cent of a run)
  // Progress: called after each scenario event with (events done, events total).
  std::function<void(size_t, size_t)> progress;
};

struct RunResult {
  timeline::Timeline timeline;
  std::vector<Finding> findings;
  std::vector<std::string> log;      // readable, time-stamped: publications, DS changes, faults, keys
  std::vector<HsmKey> hsm_keys;      // the pool at the end
  int ticks = 0;
  int refusals = 0;                  // ticks where the signer failed closed
  UnixTime end = 0;
  bool Failed() const;               // any error-severity finding
};

// The unsigned zone a scenario starts from: SOA, NS and the name server's address at the apex.
dns::Zone BaseZone(const dns::Name& origin);
// Applies one zone-edit event to an unsigned zone; false when the event is not a zone edit.
bool ApplyZoneEdit(const Event& e, dns::Zone* zone, uint64_t seed);

class Executor {
 public:
  Executor(SignerAdapter* signer, RunJudge* judge, ExecutorOptions options)
      : signer_(signer), judge_(judge), options_(std::move(options)) {}
  // A Status only when the run itself could not happen (the signer could not start at all).
  Result<RunResult> Run(const Scenario& scenario);

 private:
  SignerAdapter* signer_;
  RunJudge* judge_;
  ExecutorOptions options_;
};

}  // namespace rollcage::harness

#endif  // ROLLCAGE_HARNESS_EXECUTOR_H_
