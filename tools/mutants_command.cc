// `rollcage mutants`: hunts each planted bug and prints the kill table — the harness is only as good
// as the mutants it kills.
#include <algorithm>
#include <cstdio>

#include "base/file.h"
#include "base/time.h"
#include "harness/progress.h"
#include "harness/run_record.h"
#include "properties/hunt.h"
#include "signer-under-test/mutants/mutants.h"
#include "tools/cli/command.h"

namespace rollcage::tools {
namespace {

double Median(std::vector<double> v) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int Run(const cli::Args& args) {
  const std::string name = "mutants";
  const auto& all = signer::mutants::All();
  if (args.Has("list")) {
    for (const auto& m : all) {
      std::printf("%-26s %s\n", m.name.c_str(), m.summary.c_str());
      if (args.Has("verbose")) std::printf("    %s\n\n", m.paragraph.c_str());
    }
    return kExitOk;
  }
  auto budget = args.GetDuration("budget-per-mutant", 60);
  auto seeds = args.GetInt("seeds", 3);
  auto first_seed = args.GetInt("seed", 1);
  if (!budget.ok()) return cli::Fail(name, budget.status());
  if (!seeds.ok()) return cli::Fail(name, seeds.status());
  if (!first_seed.ok()) return cli::Fail(name, first_seed.status());
  if (*seeds < 1 || *seeds > 100) return cli::Fail(name, UsageError("--seeds: 1 to 100"));
  std::vector<const signer::mutants::Mutant*> chosen;
  for (const auto& only : args.GetAll("only")) {
    const auto* m = signer::mutants::Find(only);
    if (!m) return cli::Fail(name, UsageError("--only: no mutant '" + only + "' (rollcage mutants --list)"));
    chosen.push_back(m);
  }
  if (chosen.empty()) {
    for (const auto& m : all) chosen.push_back(&m);
  }
  std::string out = args.Get("out", harness::ResultsDir() + "/mutants-" + FormatTimeCompact(RealClock::Now()));
  Status st = MakeDirs(out);
  if (!st.ok()) return cli::Fail(name, st);

  harness::RunRecord rec;
  rec.kind = "mutants";
  rec.command = "rollcage mutants --budget-per-mutant " + std::to_string(*budget) + " --seeds " + std::to_string(*seeds);
  rec.started = RealClock::Now();
  rec.seed = uint64_t(*first_seed);
  rec.budget_s = double(*budget) * double(chosen.size()) * double(*seeds);
  rec.algorithms = {13};
  harness::Progress progress("mutants", rec.budget_s);
  int killed_total = 0;
  double elapsed_all = 0;
  std::printf("%-26s %-9s %-12s %-10s %s\n", "mutant", "killed", "median t", "reproducer", "finding class");
  std::fflush(stdout);
  for (const auto* m : chosen) {
    harness::MutantRow row;
    row.name = m->name;
    std::vector<double> times;
    std::vector<int> lengths;
    for (int k = 0; k < *seeds; ++k) {
      properties::HuntConfig c;
      c.scenario = properties::TemplateForMutant(m->name);
      c.seed = uint64_t(*first_seed + k);
      c.budget_s = double(*budget);
      c.progress = [&](int n, double e, int f) {
        progress.Update(m->name + " seed " + std::to_string(c.seed) + ": " + std::to_string(n) + " sequences" +
                        (f ? ", shrinking" : "") + " (" + std::to_string(killed_total) + " killed so far)");
      };
      auto r = properties::Hunt(c);
      if (!r.ok()) return cli::Fail(name, r.status().WithContext(m->name));
      ++row.seeds;
      rec.scenarios += r->scenarios;
      elapsed_all += r->elapsed_s;
      if (!r->found) continue;
      ++row.kills;
      times.push_back(r->first_failure_s);
      lengths.push_back(int(r->counterexample.events.size()));
      for (const auto& f : r->replay.findings) {
        if (f.severity == "error") {
          if (row.finding_class.empty()) row.finding_class = f.cls;
          break;
        }
      }
      std::string file = out + "/" + m->name + "-seed" + std::to_string(c.seed) + ".scn";
      std::string text = "# planted bug " + m->name + ", hunt seed " + std::to_string(c.seed) + "\n" +
                         harness::Print(r->counterexample);
      if (WriteFileAtomic(file, text).ok() && row.reproducer.empty()) row.reproducer = file;
      rec.findings.push_back({row.finding_class, "error", m->name, m->summary, file, "rollcage repro " + file});
    }
    row.killed = row.kills > 0;
    row.median_s = Median(times);
    if (!lengths.empty()) row.reproducer_events = *std::min_element(lengths.begin(), lengths.end());
    killed_total += row.killed;
    progress.Done();
    char median[32] = "-";
    if (row.median_s >= 0) std::snprintf(median, sizeof median, "%.1fs", row.median_s);
    std::string killed = std::to_string(row.kills) + "/" + std::to_string(row.seeds);
    std::printf("%-26s %-9s %-12s %-10s %s\n", m->name.c_str(), killed.c_str(), median,
                row.reproducer_events >= 0 ? (std::to_string(row.reproducer_events) + " events").c_str() : "-",
                row.finding_class.empty() ? "(survived)" : row.finding_class.c_str());
    std::fflush(stdout);
    rec.mutants.push_back(row);
  }
  rec.finished = RealClock::Now();
  bool all_killed = killed_total == int(chosen.size());
  rec.verdict = all_killed ? "pass" : "fail";
  rec.summary = std::to_string(killed_total) + "/" + std::to_string(chosen.size()) + " mutants killed" +
                (all_killed ? "" : " (survivors listed above)");
  rec.extra = {{"reproducers", out}};
  (void)harness::WriteRunRecord(rec);
  std::printf("%s; reproducers in %s\n", rec.summary.c_str(), out.c_str());
  return all_killed ? kExitOk : kExitFindings;
}

cli::Command Make() {
  cli::Command c;
  c.name = "mutants";
  c.summary = "hunt every planted bug and print which were killed, how fast, and by which finding";
  c.usage = "[--budget-per-mutant S] [--seeds N] [--only NAME] [--list]";
  c.details =
      "Each planted bug (signer-under-test/mutants, docs/mutants.md) is hunted with the properties engine\n"
      "on the scenario setup that gives it a chance (HSM count, denial, policy), once per seed. A mutant\n"
      "is killed when a hunt finds a failure; the table shows kills per seed, the median time to the\n"
      "first failure, the shortest shrunk reproducer and the finding class. Exit 0 when every mutant was\n"
      "killed, 1 when one survived.";
  c.flags = {
      {"budget-per-mutant", "S", "time budget per mutant and seed (default 60s)"},
      {"seeds", "N", "seeds per mutant (default 3)"},
      {"seed", "N", "first seed (default 1)"},
      {"only", "NAME", "only this mutant", true},
      {"out", "DIR", "where reproducers go (default rollcage-results/mutants-TIME)"},
      {"list", "", "list the mutants and exit"},
      {"verbose", "", "with --list: the failure class each one models"},
  };
  c.run = Run;
  return c;
}

RC_REGISTER_COMMAND(Make);

}  // namespace
}  // namespace rollcage::tools
