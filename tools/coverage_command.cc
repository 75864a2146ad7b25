// `rollcage coverage`: measures clang source-based line, branch and function coverage of the signer
// code (signer-under-test/, without its tests) under a workload — the signer's own tests and the
// executor's scenario tests — and writes a RunRecord of kind "coverage" for `rollcage report`
// (tools/coverage/coverage_run.h, docs/report.md). Runs Bazel in the checkout, so it is started
// from the checkout (./rollcage coverage) or given --workspace. Exit codes: 0 measured, 2 usage,
// 3 I/O, 4 environment (no checkout, clang/llvm missing, the build failed).
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "base/status.h"
#include "base/time.h"
#include "harness/progress.h"
#include "harness/run_record.h"
#include "tools/cli/command.h"
#include "tools/coverage/coverage_run.h"
#include "tools/report/text.h"

namespace rollcage::tools {
namespace {

nlohmann::json CountsJson(const report::CoverageCounts& c) {
  nlohmann::json j = c.ToJson();
  j.erase("line_percent");
  j.erase("branch_percent");
  j.erase("function_percent");
  return j;
}

int Run(const cli::Args& args) {
  const std::string cmd = "coverage";
  coverage::CoverageRunOptions o;
  const char* bwd = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  std::error_code ec;
  o.workspace = args.Get("workspace", bwd && *bwd ? bwd : std::filesystem::current_path(ec).string());
  const std::string results = args.Get("results", harness::ResultsDir());
  o.out_dir = args.Get("out", results + "/coverage");
  if (args.Has("target")) o.targets = args.GetAll("target");
  auto timeout = args.GetDuration("timeout", 3600);
  if (!timeout.ok()) return cli::Fail(cmd, timeout.status());
  o.timeout_s = double(*timeout);

  harness::RunRecord rec;
  rec.kind = "coverage";
  rec.command = "rollcage coverage";
  for (const auto& t : args.GetAll("target")) rec.command += " --target " + t;
  rec.started = RealClock::Now();
  rec.budget_s = o.timeout_s;

  // The measurement runs in a thread; this one keeps the progress line alive.
  std::mutex mu;
  std::string phase = "starting";
  o.phase = [&](const std::string& p) {
    std::lock_guard<std::mutex> l(mu);
    phase = p;
  };
  std::atomic<bool> done{false};
  Result<coverage::CoverageRunResult> result = InternalError("not run");
  std::thread worker([&] {
    result = coverage::RunCoverage(o);
    done = true;
  });
  {
    harness::Progress progress("coverage", 0, 30);
    progress.Update("starting");  // marks the start of the rate limit, so the first phase line is not doubled
    std::string last = "starting";
    while (!done) {
      std::string p;
      {
        std::lock_guard<std::mutex> l(mu);
        p = phase;
      }
      if (progress.tty()) {
        progress.Update(p);
      } else if (p != last) {
        // Off a terminal: one log line per phase (Update would repeat it).
        progress.Line("coverage: " + harness::FormatSeconds(progress.elapsed()) + "  " + p);
      } else {
        progress.Update(p);  // rate-limited: a line every 30 s during a long phase
      }
      last = p;
      for (int i = 0; i < 5 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    progress.Done();
  }
  worker.join();
  if (!result.ok()) return cli::Fail(cmd, result.status());
  const auto& r = *result;
  rec.finished = RealClock::Now();

  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : r.summary.files) files.push_back(CountsJson(f));
  rec.extra = {{"scope", r.summary.scope},
               {"workload", o.targets},
               {"test_targets", r.test_targets},
               {"objects", r.objects.size()},
               {"profiles", r.profiles},
               {"tests_failed", r.tests_failed},
               {"failed_tests", r.failed_tests},
               {"total", CountsJson(r.summary.total)},
               {"files", files},
               {"out_dir", o.out_dir}};
  rec.scenarios = 0;
  rec.executions = double(r.test_targets.size());
  const auto& t = r.summary.total;
  rec.summary = "coverage of " + r.summary.scope + ": lines " + report::FormatPercent(t.line_percent()) + " (" +
                report::FormatCount(t.lines_covered) + "/" + report::FormatCount(t.lines) + "), branches " +
                report::FormatPercent(t.branch_percent()) + " (" + report::FormatCount(t.branches_covered) + "/" +
                report::FormatCount(t.branches) + "), functions " + report::FormatPercent(t.function_percent()) +
                (r.tests_failed ? "; some workload tests FAILED" : "");
  rec.verdict = "pass";
  Status s = harness::WriteRunRecord(rec, results);
  if (!s.ok()) return cli::Fail(cmd, s);

  std::printf("%-52s %16s %9s %16s %9s\n", "file", "lines", "line %", "branches", "branch %");
  for (const auto& f : r.summary.files) {
    std::printf("%-52s %16s %9s %16s %9s\n", f.file.c_str(),
                (report::FormatCount(f.lines_covered) + "/" + report::FormatCount(f.lines)).c_str(),
                report::FormatPercent(f.line_percent()).c_str(),
                f.branches > 0 ? (report::FormatCount(f.branches_covered) + "/" + report::FormatCount(f.branches)).c_str() : "-",
                f.branches > 0 ? report::FormatPercent(f.branch_percent()).c_str() : "-");
  }
  std::printf("%s\n", rec.summary.c_str());
  if (r.tests_failed) std::printf("failing workload tests:\n%s", r.failed_tests.c_str());
  std::printf("workload: %zu test targets, %d raw profiles; profiles and llvm-cov output in %s\n",
              r.test_targets.size(), r.profiles, o.out_dir.c_str());
  std::printf("run record written to %s\n", results.c_str());
  return kExitOk;
}

cli::Command Make() {
  cli::Command c;
  c.name = "coverage";
  c.summary = "measure clang source-based coverage of the signer code (for rollcage report)";
  c.usage = "[--workspace DIR] [--out DIR] [--results DIR] [--target LABEL]...";
  c.details =
      "Builds the workload with clang-14 (-fprofile-instr-generate -fcoverage-mapping on signer-under-test/,\n"
      "bazel --config=coverage), runs it, merges the raw profiles with llvm-profdata-14 and exports line,\n"
      "branch and function coverage per signer file with llvm-cov-14. The default workload is the signer's\n"
      "own tests and the executor's scenario tests (//signer-under-test/... //harness:executor_test).\n"
      "Writes a run record of kind coverage into the results directory. About 3-5 minutes on 2 cores\n"
      "from a cold cache. Exit codes: 0 measured, 2 usage, 3 I/O, 4 environment or build failure.";
  c.flags = {
      {"workspace", "DIR", "the rollcage checkout (default: $BUILD_WORKSPACE_DIRECTORY or the current directory)"},
      {"out", "DIR", "raw and merged profiles, llvm-cov export and report (default RESULTS/coverage)"},
      {"results", "DIR", "the results directory (default $ROLLCAGE_RESULTS or ./rollcage-results)"},
      {"target", "LABEL", "a workload target pattern instead of the default (repeatable)", true},
      {"timeout", "DUR", "time limit for building and running the workload (default 1h)"},
  };
  c.run = Run;
  return c;
}

RC_REGISTER_COMMAND(Make);

}  // namespace
}  // namespace rollcage::tools
