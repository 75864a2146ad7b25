// Report: the pre-release assurance report gathered from the run records in the results directory
// (harness/run_record.h) — what was tested, how much, how well, what was found, and a verdict with
// its reasons. BuildReport never fails: missing kinds, unreadable files and empty directories are
// stated in the report (verdict NO EVIDENCE or INCOMPLETE), never silently passed. The writers
// (html_report.h, junit_report.h, markdown_report.h, ReportJson) only format what BuildReport
// decided. The rules are in VerdictRules() and docs/report.md.
#ifndef ROLLCAGE_TOOLS_REPORT_REPORT_H_
#define ROLLCAGE_TOOLS_REPORT_REPORT_H_

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "base/time.h"
#include "harness/run_record.h"

namespace rollcage::report {

enum class Verdict { kPass, kFail, kIncomplete, kNoEvidence };
// "PASS", "FAIL", "INCOMPLETE", "NO EVIDENCE".
std::string VerdictName(Verdict v);

struct ReportOptions {
  std::string results_dir;
  UnixTime now = 0;                // when the report is made
  UnixTime since = 0;              // records started before this are not counted (0: all)
  double min_line_coverage = 75;   // percent of signer lines executed, required for PASS
  double min_branch_coverage = 60; // percent of signer branch outcomes taken, required for PASS
  double min_fuzz_seconds = 0;     // per nightly fuzz target, summed over the counted runs
  double min_hunt_scenarios = 0;   // scenarios over all counted hunts
};

// Kinds of run record the report knows; the required ones must all be present for PASS. "fuzz" is an
// ad-hoc fuzzing run: its work and findings count, but it does not stand in for the nightly run.
inline const std::vector<std::string> kRequiredKinds = {"hunt", "nightly", "mutants", "rollover", "coverage"};
inline const std::vector<std::string> kAllKinds = {"hunt", "nightly", "fuzz", "mutants", "rollover", "coverage", "demo"};
bool IsRequiredKind(const std::string& kind);

// One file's (or the total's) clang source-based coverage counts.
struct CoverageCounts {
  std::string file;  // repository-relative; empty for the total
  double lines = 0, lines_covered = 0;
  double branches = 0, branches_covered = 0;
  double functions = 0, functions_covered = 0;
  double line_percent() const { return lines > 0 ? 100.0 * lines_covered / lines : 0; }
  double branch_percent() const { return branches > 0 ? 100.0 * branches_covered / branches : 0; }
  double function_percent() const { return functions > 0 ? 100.0 * functions_covered / functions : 0; }
  nlohmann::json ToJson() const;
  static CoverageCounts FromJson(const nlohmann::json& j);
};

// The coverage run's result, as a "coverage" RunRecord carries it in `extra` (tools/coverage/).
struct CoverageSummary {
  bool present = false;
  UnixTime when = 0;
  std::string scope;                  // "signer-under-test/"
  std::vector<std::string> workload;  // what ran (test targets, corpus replays)
  CoverageCounts total;
  std::vector<CoverageCounts> files;
  bool tests_failed = false;  // some workload test failed: coverage may be understated
  std::string failed_tests;
};
// Reads extra.{scope, workload, total, files} of a coverage record; an error names the bad field.
Result<CoverageSummary> CoverageFromRecord(const harness::RunRecord& r);

// Work per fuzz target or property, summed over the counted runs.
struct TargetTotal {
  std::string kind;  // nightly | hunt | ...
  std::string name;
  int runs = 0;
  double seconds = 0, executions = 0;
  double coverage = 0;  // the highest reported (edges/features)
  int corpus = 0;       // the latest reported
  int crashes = 0;      // summed
  double exec_per_s() const { return seconds > 0 ? executions / seconds : 0; }
};

struct FindingRow {
  int run = -1;           // index into Report::runs
  std::string kind;
  UnixTime when = 0;      // the run's start
  bool planted = false;   // caused by a planted bug (mutant) switched on in that run: expected
  harness::RecordedFinding finding;
};

struct Report {
  ReportOptions options;
  std::vector<harness::RunRecord> runs;  // every readable record, oldest first
  std::vector<std::string> run_status;   // parallel to runs: "counted" or why not
  std::vector<std::string> skipped;      // unreadable files in the results directory
  // The release under test: signer and version of the newest record.
  std::string signer, signer_version;
  // Tested what (over the counted runs).
  std::vector<std::string> policies;  // distinct policies as "key=value, ..." text
  std::vector<int> algorithms;        // union, sorted
  std::vector<int> hsm_counts;        // distinct, sorted
  // Counted runs per kind (indices into runs, oldest first).
  std::map<std::string, std::vector<int>> by_kind;
  // How much.
  double hunt_scenarios = 0, hunt_events = 0, rollover_scenarios = 0, rollover_events = 0;
  std::vector<uint64_t> hunt_seeds;
  double fuzz_seconds = 0, fuzz_executions = 0;
  std::vector<TargetTotal> targets;  // nightly targets, then hunt properties
  // How well.
  CoverageSummary coverage;                    // the latest counted coverage run
  std::vector<CoverageSummary> coverage_history;  // every counted coverage run, oldest first
  // What was found.
  std::vector<FindingRow> findings;           // counted runs, planted ones included (marked)
  std::vector<harness::MutantRow> mutants;    // the latest counted mutants run
  int mutants_run = -1;
  // The verdict.
  Verdict verdict = Verdict::kNoEvidence;
  std::vector<std::string> fail_reasons, incomplete_reasons, pass_notes;

  bool counted(int i) const { return run_status[i] == "counted"; }
  int latest(const std::string& kind) const;  // index of the latest counted run of kind, or -1
  // The reasons for the verdict, failures first.
  std::vector<std::string> reasons() const;
  int error_findings() const;  // counted, not planted, severity error
};

Report BuildReport(std::vector<harness::RunRecord> runs, std::vector<std::string> skipped,
                   const ReportOptions& options);

// The rules BuildReport applies, in words (stated in every output and docs/report.md).
std::vector<std::string> VerdictRules(const ReportOptions& options);

// The aggregated report as JSON ("format": "rollcage-report-1").
nlohmann::json ReportJson(const Report& r);

// True when the run switched a planted bug on (kind mutants or demo, or extra.mutant set): its findings
// and its failing verdict are expected.
bool RunHasPlantedBug(const harness::RunRecord& r);

// One-line description of a run: "nightly 2026-05-05T12:00:00Z (seed 7)".
std::string RunLabel(const harness::RunRecord& r);

}  // namespace rollcage::report

#endif  // ROLLCAGE_TOOLS_REPORT_REPORT_H_
