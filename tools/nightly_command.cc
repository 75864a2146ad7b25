// `rollcage nightly`: a fuzzing campaign over every libFuzzer target (tools/fuzz/nightly.h,
// docs/fuzzing.md). Exit 0: no finding; 1: findings (each written with its replay command);
// 2: usage; 4: the fuzzers could not be built or run.
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "base/file.h"
#include "base/time.h"
#include "harness/progress.h"
#include "harness/run_record.h"
#include "tools/cli/command.h"
#include "tools/fuzz/nightly.h"

namespace rollcage::tools {
namespace {

std::vector<std::string> SplitList(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    std::istringstream in(v);
    for (std::string t; std::getline(in, t, ',');) {
      if (!t.empty()) out.push_back(t);
    }
  }
  return out;
}

int Run(const cli::Args& args) {
  const std::string name = "nightly";
  fuzz::NightlyOptions o;
  std::error_code ec;
  const char* bwd = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  o.workspace = args.Get("workspace", bwd && *bwd ? bwd : std::filesystem::current_path(ec).string());
  o.fuzzers_dir = args.Get("fuzzers", "");
  o.corpus_root = args.Get("corpus", "");
  o.targets = SplitList(args.GetAll("targets"));
  o.mutant = args.Get("mutant", "");
  o.merge = !args.Has("no-merge") && o.mutant.empty();
  auto budget = args.GetDuration("budget", 600);
  if (!budget.ok()) return cli::Fail(name, budget.status());
  o.budget_s = double(*budget);
  auto jobs = args.GetInt("jobs", 1);
  if (!jobs.ok()) return cli::Fail(name, jobs.status());
  if (*jobs < 1 || *jobs > 256) return cli::Fail(name, UsageError("--jobs wants 1..256, got " + std::to_string(*jobs)));
  o.jobs = int(*jobs);
  auto timeout = args.GetDuration("timeout", 30);
  if (!timeout.ok()) return cli::Fail(name, timeout.status());
  o.input_timeout_s = double(*timeout);
  auto minimize = args.GetDuration("minimize", 30);
  if (!minimize.ok()) return cli::Fail(name, minimize.status());
  o.minimize_s = double(*minimize);
  if (o.budget_s <= 0) return cli::Fail(name, UsageError("--budget must be positive"));
  if (!o.mutant.empty() && o.mutant.find_first_of(" \n/") != std::string::npos) {
    return cli::Fail(name, UsageError("--mutant: not a mutant name: '" + o.mutant + "'"));
  }
  UnixTime started = RealClock::Now();
  const std::string results = args.Get("results", harness::ResultsDir());
  o.out_dir = args.Get("out", results + "/nightly-" + FormatTimeCompact(started));

  std::printf("rollcage nightly: budget %s, %d job(s)%s, output %s\n", harness::FormatSeconds(o.budget_s).c_str(),
              o.jobs, o.mutant.empty() ? "" : (", mutant " + o.mutant).c_str(), o.out_dir.c_str());
  std::fflush(stdout);
  harness::Progress progress("nightly", o.budget_s);
  o.phase = [&](const std::string& s) { progress.Line(s); };
  o.status = [&](const std::string& target, const fuzz::FuzzStats& s) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "%s: %.0f execs, %.0f exec/s, cov %.0f, corpus %.0f, crashes %.0f", target.c_str(),
                  s.executions, s.exec_per_s, s.coverage, s.corpus, s.crashes);
    progress.Update(buf);
  };
  auto r = fuzz::RunNightly(o);
  progress.Done();
  if (!r.ok()) return cli::Fail(name, r.status());

  std::string command = "rollcage nightly --budget " + std::to_string(int(o.budget_s)) + " --jobs " +
                        std::to_string(o.jobs) + (o.mutant.empty() ? "" : " --mutant " + o.mutant);
  harness::RunRecord rec = fuzz::ToRunRecord(o, *r, started, RealClock::Now(), command);
  Status st = WriteFileAtomic(o.out_dir + "/summary.json", rec.ToJson().dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  if (!st.ok()) return cli::Fail(name, st);
  (void)harness::WriteRunRecord(rec, results);

  std::printf("\n%-16s %8s %12s %9s %7s %13s %8s\n", "target", "seconds", "executions", "exec/s", "cov",
              "corpus (+new)", "findings");
  bool broken = false;
  for (const auto& t : r->targets) {
    std::printf("%-16s %8.0f %12.0f %9.1f %7.0f %6d (+%d) %8d%s%s\n", t.name.c_str(), t.seconds, t.stats.executions,
                t.seconds > 0 ? t.stats.executions / t.seconds : 0.0, t.stats.coverage, t.corpus_after, t.corpus_after - t.corpus_before, t.findings,
                t.error.empty() ? "" : "  ERROR: ", t.error.c_str());
    broken |= !t.error.empty();
  }
  if (!r->findings.empty()) {
    std::printf("\n%zu finding(s):\n", r->findings.size());
    for (const auto& f : r->findings) {
      std::printf("\n  [%s] %s (%d crash file(s))\n    %s\n", f.target.c_str(), f.report.cls.c_str(), f.count,
                  f.report.detail.substr(0, 240).c_str());
      for (size_t i = 0; i < f.report.frames.size() && i < 3; ++i) std::printf("      at %s\n", f.report.frames[i].c_str());
      std::printf("    reproducer: %s%s\n    replay:     %s\n", f.reproducer.c_str(), f.minimized ? " (minimized)" : "",
                  f.repro.c_str());
    }
  }
  std::printf("\n%s\nsummary: %s/summary.json\n", rec.summary.c_str(), o.out_dir.c_str());
  if (!r->findings.empty()) return kExitFindings;
  return broken ? kExitEnvironment : kExitOk;
}

cli::Command Make() {
  cli::Command c;
  c.name = "nightly";
  c.summary = "run every libFuzzer target, merge corpora, dedup and minimize crashes, write findings";
  c.usage = "[--budget DUR] [--jobs N] [--mutant NAME] [--targets a,b] [--fuzzers DIR] [--out DIR]";
  c.details =
      "Builds the fuzz targets with clang-14 (bazel build --config=fuzz) unless --fuzzers gives prebuilt\n"
      "ones (tools/oss-fuzz/build.sh's $OUT), then fuzzes each in turn with libFuzzer in fork mode (--jobs\n"
      "processes) for an equal share of the budget, starting from corpus/<target>/ and\n"
      "corpus/regressions/<target>/. Inputs that add coverage are merged into corpus/<target>/ (not\n"
      "with --mutant or --no-merge). Every crash file is replayed and classified (a rollcage property\n"
      "finding, a sanitizer report, a timeout, a leak, an OOM), deduplicated by class and top stack\n"
      "frames, minimized, and written to OUT/findings/NN-target-class/ with finding.txt and the exact\n"
      "replay command (scenario targets: rollcage repro FILE). OUT/summary.json and a run record in the\n"
      "results directory feed `rollcage report`. With --mutant only the scenario targets run, with the\n"
      "planted bug switched on. Exit 0: no finding; 1: findings; 4: fuzzers could not be built or run.";
  c.flags = {
      {"budget", "DUR", "total fuzzing time, shared equally by the targets (default 10m)"},
      {"jobs", "N", "libFuzzer fork-mode processes per target (default 1)"},
      {"mutant", "NAME", "switch on a planted bug in the scenario targets (rollcage mutants --list)"},
      {"targets", "LIST", "only these targets (comma-separated: scenario,zone,...)"},
      {"fuzzers", "DIR", "prebuilt fuzzers (<target>_fuzz files) instead of building them"},
      {"corpus", "DIR", "corpus root (default <workspace>/corpus)"},
      {"no-merge", "", "keep new inputs in OUT/new/ only"},
      {"timeout", "DUR", "per-input timeout (default 30s)"},
      {"minimize", "DUR", "time to minimize each finding (default 30s; 0: off)"},
      {"out", "DIR", "output directory (default RESULTS/nightly-TIME)"},
      {"results", "DIR", "results directory for the run record (default $ROLLCAGE_RESULTS or ./rollcage-results)"},
      {"workspace", "DIR", "the rollcage checkout (default: the current directory)"},
  };
  c.run = Run;
  return c;
}

RC_REGISTER_COMMAND(Make);

}  // namespace
}  // namespace rollcage::tools
