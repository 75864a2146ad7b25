// `rollcage report`: gathers the run records in the results directory (hunt, nightly, mutants,
// rollover, coverage, demo; harness/run_record.h) into the pre-release assurance report — one
// self-contained HTML page with inline SVG charts, JSON, JUnit XML and a Markdown summary
// (tools/report/, docs/report.md) — and prints the verdict with its reasons. With no records it
// still writes all four files and says NO EVIDENCE. Exit codes: 0 the report was written (any
// verdict; with --check: 0 only for PASS, 1 FAIL, 4 INCOMPLETE or NO EVIDENCE), 2 usage, 3 I/O.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/status.h"
#include "base/time.h"
#include "harness/run_record.h"
#include "tools/cli/command.h"
#include "tools/report/report.h"
#include "tools/report/report_writer.h"

namespace rollcage::tools {
namespace {

Result<double> GetNumber(const cli::Args& args, const std::string& flag, double fallback, double lo, double hi) {
  if (!args.Has(flag)) return fallback;
  std::string v = args.Get(flag);
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || end == nullptr || *end != '\0' || !(d >= lo && d <= hi)) {
    return UsageError("--" + flag + " must be a number from " + std::to_string(int(lo)) + " to " +
                      std::to_string(int(hi)) + ", got '" + v + "'");
  }
  return d;
}

int Run(const cli::Args& args) {
  const std::string cmd = "report";
  report::ReportOptions o;
  o.results_dir = args.Get("results", harness::ResultsDir());
  o.now = RealClock::Now();
  if (args.Has("since")) {
    auto t = ParseTime(args.Get("since"));
    if (!t.ok()) return cli::Fail(cmd, UsageError("--since: " + t.status().message()));
    o.since = *t;
  }
  auto line = GetNumber(args, "min-line-coverage", o.min_line_coverage, 0, 100);
  if (!line.ok()) return cli::Fail(cmd, line.status());
  o.min_line_coverage = *line;
  auto branch = GetNumber(args, "min-branch-coverage", o.min_branch_coverage, 0, 100);
  if (!branch.ok()) return cli::Fail(cmd, branch.status());
  o.min_branch_coverage = *branch;
  auto fuzz = args.GetDuration("min-fuzz-time", 0);
  if (!fuzz.ok()) return cli::Fail(cmd, fuzz.status());
  o.min_fuzz_seconds = double(*fuzz);
  auto scenarios = args.GetInt("min-hunt-scenarios", 0);
  if (!scenarios.ok()) return cli::Fail(cmd, scenarios.status());
  if (*scenarios < 0) return cli::Fail(cmd, UsageError("--min-hunt-scenarios must be >= 0"));
  o.min_hunt_scenarios = double(*scenarios);
  const std::string out = args.Get("out", "rollcage-report");

  std::vector<std::string> skipped;
  auto records = harness::ReadRunRecords(o.results_dir, &skipped);
  report::Report r = report::BuildReport(std::move(records), std::move(skipped), o);
  auto files = report::WriteReportFiles(r, out);
  if (!files.ok()) return cli::Fail(cmd, files.status());

  std::printf("verdict: %s\n", report::VerdictName(r.verdict).c_str());
  for (const auto& reason : r.reasons()) std::printf("  - %s\n", reason.c_str());
  std::printf("%zu run record(s) from %s", r.runs.size(), o.results_dir.c_str());
  if (!r.skipped.empty()) std::printf(" (%zu unreadable, skipped)", r.skipped.size());
  std::printf("\n");
  for (const auto& f : *files) std::printf("wrote %s\n", f.c_str());
  std::fflush(stdout);
  if (!args.Has("check")) return kExitOk;
  switch (r.verdict) {
    case report::Verdict::kPass: return kExitOk;
    case report::Verdict::kFail: return kExitFindings;
    default: return kExitEnvironment;
  }
}

cli::Command Make() {
  cli::Command c;
  c.name = "report";
  c.summary = "the pre-release assurance report (HTML, JSON, JUnit XML, Markdown) from the last runs";
  c.usage = "[--out DIR] [--results DIR] [--since T] [--min-line-coverage PCT] [--min-branch-coverage PCT] [--check]";
  c.details =
      "Reads the run records that hunt, nightly, mutants, rollover, coverage and demo write into the results\n"
      "directory ($ROLLCAGE_RESULTS, default ./rollcage-results) and writes DIR/report.html (self-contained,\n"
      "inline SVG charts), DIR/report.json, DIR/report-junit.xml and DIR/report.md. It states what was tested,\n"
      "how much, how well (clang coverage of the signer from `rollcage coverage`), what was found (with repro\n"
      "commands) and a verdict: PASS, FAIL, INCOMPLETE or NO EVIDENCE, with the reasons. Rules: docs/report.md.\n"
      "Exit codes: 0 the report was written; with --check 0 only for PASS, 1 FAIL, 4 INCOMPLETE or NO EVIDENCE;\n"
      "2 usage; 3 I/O error.";
  c.flags = {
      {"out", "DIR", "where to write the report files (default ./rollcage-report)"},
      {"results", "DIR", "the results directory (default $ROLLCAGE_RESULTS or ./rollcage-results)"},
      {"since", "T", "count only runs started at or after T (ISO 8601, YYYYMMDDHHmmSS or Unix seconds)"},
      {"min-line-coverage", "PCT", "line coverage of the signer required for PASS (default 75)"},
      {"min-branch-coverage", "PCT", "branch coverage of the signer required for PASS (default 60)"},
      {"min-fuzz-time", "DUR", "fuzzing time per nightly target required for PASS (e.g. 1h; default 0)"},
      {"min-hunt-scenarios", "N", "scenarios over all hunts required for PASS (default 0)"},
      {"check", "", "exit with the verdict: 0 PASS, 1 FAIL, 4 INCOMPLETE or NO EVIDENCE"},
  };
  c.run = Run;
  return c;
}

RC_REGISTER_COMMAND(Make);

}  // namespace
}  // namespace rollcage::tools
