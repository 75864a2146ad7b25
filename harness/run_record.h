// RunRecord: what a long command (hunt, nightly, mutants, rollover, demo) did, written as JSON into
// the results directory so `rollcage report` can gather the last runs (docs/report.md). One file
// per run: RESULTS/<kind>-<UTC time>-<pid>.json, written crash-safely at the end of the run (and
// periodically during long runs).
#ifndef ROLLCAGE_HARNESS_RUN_RECORD_H_
#define ROLLCAGE_HARNESS_RUN_RECORD_H_

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "base/time.h"

namespace rollcage::harness {

struct SeriesPoint {
  double elapsed_s = 0;
  double executions = 0;   // cumulative executions (fuzzing) or scenarios (properties)
  double coverage = 0;     // edges/features (fuzzing), 0 when unknown
  double findings = 0;     // cumulative
  double exec_per_s = 0;
};

struct RecordedFinding {
  std::string cls;
  std::string severity = "error";
  std::string target;      // fuzz target, property or mutant
  std::string detail;
  std::string file;        // the reproducer (scenario or crash file)
  std::string repro;       // the exact command
};

struct MutantRow {
  std::string name;
  bool killed = false;
  double median_s = -1;       // median time to the first failure over the seeds that killed it
  int seeds = 0, kills = 0;
  int reproducer_events = -1;
  std::string finding_class;
  std::string reproducer;     // file
};

struct TargetStats {
  std::string name;
  double seconds = 0;
  double executions = 0;
  double exec_per_s = 0;
  double coverage = 0;
  int corpus = 0;
  int crashes = 0;
};

struct RunRecord {
  std::string kind;          // hunt | nightly | mutants | rollover | demo | fuzz
  std::string command;       // how it was invoked
  UnixTime started = 0, finished = 0;
  uint64_t seed = 0;
  double budget_s = 0;
  // What was tested.
  std::string signer = "reference";
  std::string signer_version = "rollcage 0.1.0";
  std::map<std::string, std::string> policy;
  std::vector<int> algorithms;
  int hsms = 0;
  // How much.
  double scenarios = 0, executions = 0, events = 0;
  std::vector<TargetStats> targets;
  std::vector<SeriesPoint> series;
  // What was found.
  std::vector<RecordedFinding> findings;
  std::vector<MutantRow> mutants;
  std::string verdict = "pass";  // pass | fail
  std::string summary;           // the run's last line
  nlohmann::json extra;          // kind-specific details

  nlohmann::json ToJson() const;
  static Result<RunRecord> FromJson(const nlohmann::json& j);
};

// $ROLLCAGE_RESULTS, else "rollcage-results" in the current directory.
std::string ResultsDir();
// Writes the record as RESULTS/<kind>-<time>-<pid>.json (same file on every call of one run).
Status WriteRunRecord(const RunRecord& r, const std::string& dir = ResultsDir());
// Every record in dir, oldest first; unreadable files are skipped and listed in `skipped`.
std::vector<RunRecord> ReadRunRecords(const std::string& dir, std::vector<std::string>* skipped = nullptr);

}  // namespace rollcage::harness

#endif  // ROLLCAGE_HARNESS_RUN_RECORD_H_
