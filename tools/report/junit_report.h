// JunitReport: the report as JUnit XML for CI dashboards — one <testsuite> per run kind (hunt,
// nightly, mutants, rollover, coverage, demo) plus a "verdict" suite, one <testcase> per property,
// fuzz target, mutant, rollover run or coverage measure; a finding or a surviving mutant is a
// <failure> carrying the repro command. A required kind with no run is one skipped testcase.
// All text is escaped and made valid UTF-8, so any XML parser accepts the file.
#ifndef ROLLCAGE_TOOLS_REPORT_JUNIT_REPORT_H_
#define ROLLCAGE_TOOLS_REPORT_JUNIT_REPORT_H_

#include <string>
#include <utility>
#include <vector>

#include "tools/report/report.h"

namespace rollcage::report {

struct JunitCase {
  std::string classname, name;
  double time = 0;
  bool failed = false;
  std::string failure_message, failure_type, failure_text;
  std::string skipped;  // non-empty: skipped with this message
  std::string system_out;
};

struct JunitSuite {
  std::string name;
  std::string timestamp;  // the latest run's start, ISO 8601
  double time = 0;        // seconds over the counted runs
  std::vector<std::pair<std::string, std::string>> properties;
  std::vector<JunitCase> cases;
  int failures() const;
  int skipped() const;
};

std::vector<JunitSuite> JunitSuites(const Report& r);
std::string RenderJunit(const Report& r);

}  // namespace rollcage::report

#endif  // ROLLCAGE_TOOLS_REPORT_JUNIT_REPORT_H_
