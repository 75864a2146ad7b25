// `rollcage hunt`: generated scenarios against the signer until the budget ends; on a failure the
// shrunk scenario is written as a file and printed, with the findings and the diagnosis.
#include <cstdio>

#include "base/file.h"
#include "base/time.h"
#include "harness/diagnosis.h"
#include "harness/progress.h"
#include "harness/run_record.h"
#include "properties/hunt.h"
#include "signer-under-test/mutants/mutants.h"
#include "tools/cli/command.h"

namespace rollcage::tools {
namespace {

int Run(const cli::Args& args) {
  const std::string name = "hunt";
  std::string engine = args.Get("engine", "properties");
  if (engine != "properties") {
    return cli::Fail(name, UsageError("--engine: only 'properties' runs in-process; coverage-guided fuzzing is "
                                      "'rollcage nightly'"));
  }
  auto seed = args.GetInt("seed", int64_t(RealClock::Now() % 1000000));
  auto budget = args.GetDuration("budget", 60);
  auto hsms = args.GetInt("hsms", -1);
  auto alg = args.GetInt("algorithm", 13);
  for (const auto* r : {&seed, &hsms, &alg}) {
    if (!r->ok()) return cli::Fail(name, r->status());
  }
  if (!budget.ok()) return cli::Fail(name, budget.status());
  properties::HuntConfig c;
  c.seed = uint64_t(*seed);
  c.budget_s = double(*budget);
  c.scenario.algorithm = uint8_t(*alg);
  c.scenario.denial = args.Get("denial", "nsec3");
  std::string mutant = args.Get("mutant", "");
  if (!mutant.empty()) {
    auto m = signer::mutants::Find(mutant);
    if (!m) return cli::Fail(name, UsageError("--mutant: no mutant '" + mutant + "'; 'rollcage mutants --list' lists them"));
    c.scenario = properties::TemplateForMutant(mutant);
  }
  if (*hsms >= 0) c.scenario.hsms = int(*hsms);
  for (const auto& kv : args.GetAll("policy")) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) return cli::Fail(name, UsageError("--policy wants KEY=VALUE, got '" + kv + "'"));
    c.scenario.policy[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  c.signer_command = args.Get("signer-cmd", "");
  std::string out = args.Get("out", harness::ResultsDir() + "/hunt-" + FormatTimeCompact(RealClock::Now()));
  std::string signer = c.signer_command.empty() ? "reference" : "command " + c.signer_command;
  std::printf("rollcage hunt: seed %llu, budget %s, signer %s%s, %d HSM(s), algorithm %d, %s\n",
              (unsigned long long)c.seed, harness::FormatSeconds(c.budget_s).c_str(), signer.c_str(),
              mutant.empty() ? "" : (" with mutant " + mutant).c_str(), c.scenario.hsms, c.scenario.algorithm,
              c.scenario.denial.c_str());
  std::fflush(stdout);
  harness::Progress progress("hunt", c.budget_s);
  harness::RunRecord rec;
  rec.kind = "hunt";
  rec.command = "rollcage hunt --seed " + std::to_string(c.seed) + " --budget " + std::to_string(int(c.budget_s)) +
                (mutant.empty() ? "" : " --mutant " + mutant) +
                (c.signer_command.empty() ? "" : " --signer-cmd " + c.signer_command);
  rec.started = RealClock::Now();
  rec.seed = c.seed;
  rec.budget_s = c.budget_s;
  rec.policy = c.scenario.policy;
  rec.algorithms = {c.scenario.algorithm};
  rec.hsms = c.scenario.hsms;
  rec.extra = {{"mutant", mutant}, {"engine", engine}};
  double last_point = -10;
  c.progress = [&](int n, double elapsed, int failures) {
    progress.Update(std::to_string(n) + " sequences, " + std::to_string(failures) + " failing" +
                    (failures ? " (shrinking)" : ""));
    if (elapsed - last_point >= 5) {
      rec.series.push_back({elapsed, double(n), 0, double(failures), elapsed > 0 ? n / elapsed : 0});
      last_point = elapsed;
    }
  };
  auto r = properties::Hunt(c);
  progress.Done();
  if (!r.ok()) return cli::Fail(name, r.status());
  rec.finished = RealClock::Now();
  rec.scenarios = r->scenarios;
  rec.series.push_back({r->elapsed_s, double(r->scenarios), 0, r->found ? 1.0 : 0.0,
                        r->elapsed_s > 0 ? r->scenarios / r->elapsed_s : 0});
  if (!r->found) {
    std::string line = "no failure: " + std::to_string(r->scenarios) + " scenarios in " +
                       harness::FormatSeconds(r->elapsed_s) + " (seed " + std::to_string(c.seed) + ")";
    std::printf("%s\n", line.c_str());
    rec.summary = line;
    (void)harness::WriteRunRecord(rec);
    return kExitOk;
  }
  Status st = MakeDirs(out);
  if (!st.ok()) return cli::Fail(name, st);
  std::string file = out + "/counterexample-seed" + std::to_string(c.seed) + ".scn";
  std::string text = "# rollcage hunt --seed " + std::to_string(c.seed) + (mutant.empty() ? "" : " --mutant " + mutant) +
                     ": shrunk counterexample (" + std::to_string(r->counterexample.events.size()) + " events)\n";
  for (const auto& f : r->replay.findings) {
    if (f.severity == "error") text += "# " + harness::FormatFinding(f).substr(0, 300) + "\n";
  }
  text += harness::Print(r->counterexample);
  st = WriteFileAtomic(file, text);
  if (!st.ok()) return cli::Fail(name, st);
  std::printf("FAILED after %d scenarios; first failure at %s; shrunk to %zu events:\n\n%s\n", r->scenarios,
              harness::FormatSeconds(r->first_failure_s).c_str(), r->counterexample.events.size(),
              harness::Print(r->counterexample).c_str());
  std::printf("findings:\n%s\n", harness::SummarizeFindings(r->replay.findings).c_str());
  std::printf("diagnosis:\n%s\n", harness::Diagnose(r->replay).text.c_str());
  std::printf("reproducer: %s\nreplay it:  rollcage repro %s\n", file.c_str(), file.c_str());
  for (const auto& f : r->replay.findings) {
    if (f.severity != "error") continue;
    rec.findings.push_back({f.cls, f.severity, mutant.empty() ? "properties" : mutant, harness::FormatFinding(f), file,
                            "rollcage repro " + file});
    break;  // one line per hunt: the first
  }
  rec.verdict = "fail";
  rec.summary = "failed: " + (rec.findings.empty() ? std::string("?") : rec.findings[0].cls) + ", reproducer " + file;
  rec.extra["first_failure_s"] = r->first_failure_s;
  rec.extra["reproducer_events"] = r->counterexample.events.size();
  (void)harness::WriteRunRecord(rec);
  return kExitFindings;
}

cli::Command Make() {
  cli::Command c;
  c.name = "hunt";
  c.summary = "generate scenarios against the signer until the budget ends; shrink and save any failure";
  c.usage = "[--engine properties] [--mutant NAME] [--seed N] [--budget SECONDS] [--out DIR]";
  c.details =
      "Runs the property \"every zone the signer emits validates, and its timeline is cache-safe\" over\n"
      "scenarios from the RapidCheck state machine (properties/scenario_model.h): zone edits, time,\n"
      "key events, HSM faults, clock faults, crashes. On a failure RapidCheck shrinks the scenario; the\n"
      "shrunk scenario is written to DIR/counterexample-seedN.scn and printed with the findings and a\n"
      "diagnosis. Exit 0: the budget passed with nothing found; 1: a failure (reproducer written).";
  c.flags = {
      {"engine", "NAME", "properties (the default and only in-process engine)"},
      {"mutant", "NAME", "switch on a planted bug (rollcage mutants --list)"},
      {"seed", "N", "seed (default: from the clock; printed)"},
      {"budget", "DUR", "time budget, e.g. 60 or 10m (default 60s)"},
      {"out", "DIR", "where a counterexample goes (default rollcage-results/hunt-TIME)"},
      {"hsms", "N", "0: in-process keys; N: N SoftHSM tokens through the chaos module"},
      {"algorithm", "N", "8, 13 or 15 (default 13)"},
      {"denial", "MODE", "nsec, nsec3 or nsec3-optout (default nsec3)"},
      {"policy", "KEY=VALUE", "policy override (docs/kasp.md)", true},
      {"signer-cmd", "CMD", "hunt an external signer run as a command (docs/adapters.md)"},
  };
  c.run = Run;
  return c;
}

RC_REGISTER_COMMAND(Make);

}  // namespace
}  // namespace rollcage::tools
