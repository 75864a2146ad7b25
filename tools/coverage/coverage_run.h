// CoverageRun: measures clang source-based coverage of the signer. It builds and runs a workload
// (the signer's own tests and the executor's scenario tests, which drive the reference signer
// through rollovers, crashes and HSM faults) with `bazel test --config=coverage` (.bazelrc:
// clang-14, -fprofile-instr-generate -fcoverage-mapping on signer-under-test/ only), merges the raw
// profiles with llvm-profdata-14 and exports per-file line, branch and function counts with
// llvm-cov-14. Failing workload tests do not stop the measurement; they are counted and reported.
#ifndef ROLLCAGE_TOOLS_COVERAGE_COVERAGE_RUN_H_
#define ROLLCAGE_TOOLS_COVERAGE_COVERAGE_RUN_H_

#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "tools/coverage/llvm_cov_export.h"
#include "tools/report/report.h"

namespace rollcage::coverage {

// The default workload: every test of the signer plus the executor's scenario tests.
inline const std::vector<std::string> kDefaultWorkload = {"//signer-under-test/...", "//harness:executor_test"};

struct CoverageRunOptions {
  std::string workspace;  // the rollcage checkout (has a WORKSPACE file)
  std::string out_dir;    // raw profiles, merged profile, export JSON, text report
  std::vector<std::string> targets = kDefaultWorkload;
  std::string bazel = "bazel", profdata = "llvm-profdata-14", llvm_cov = "llvm-cov-14";
  double timeout_s = 3600;
  ExportOptions scope;
  // Called with a short phase description while the run goes on (for a progress line).
  std::function<void(const std::string&)> phase;
};

struct CoverageRunResult {
  report::CoverageSummary summary;
  std::vector<std::string> test_targets;  // the test targets the workload expanded to
  std::vector<std::string> objects;       // instrumented binaries given to llvm-cov
  int profiles = 0;                       // raw profiles merged
  bool tests_failed = false;              // some workload test failed (coverage may be understated)
  std::string failed_tests;               // their labels, one per line
  std::string report_text;                // `llvm-cov report` for the signer files
};

Result<CoverageRunResult> RunCoverage(const CoverageRunOptions& options);

}  // namespace rollcage::coverage

#endif  // ROLLCAGE_TOOLS_COVERAGE_COVERAGE_RUN_H_
