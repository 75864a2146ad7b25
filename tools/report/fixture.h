// Fixture: realistic run records of every kind (hunt, nightly, mutants, rollover, coverage, demo)
// for tests of the report and for trying `rollcage report` before the long commands have run
// (bazel run //tools/report:report_fixture -- DIR). The numbers are fixed, so tests can compare
// the report's figures with the records'.
#ifndef ROLLCAGE_TOOLS_REPORT_FIXTURE_H_
#define ROLLCAGE_TOOLS_REPORT_FIXTURE_H_

#include <vector>

#include "base/time.h"
#include "harness/run_record.h"

namespace rollcage::report {

struct FixtureOptions {
  UnixTime base = 1778000000;  // 2026-05-05T16:53:20Z: the first run starts here
  bool hunt = true, nightly = true, mutants = true, rollover = true, coverage = true, demo = true;
  bool signer_finding = false;    // a hunt finds an unexplained error (the verdict must be FAIL)
  bool surviving_mutant = false;  // one mutant survives (FAIL)
  bool hostile_text = false;      // details with <, &, quotes, control bytes and invalid UTF-8
  int coverage_runs = 3;          // coverage history points
};

std::vector<harness::RunRecord> FixtureRecords(const FixtureOptions& o = {});

}  // namespace rollcage::report

#endif  // ROLLCAGE_TOOLS_REPORT_FIXTURE_H_
