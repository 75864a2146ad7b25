// `rollcage demo`: the main job. Hunts the reference signer with the .DE planted bug (one key pair
// per HSM, identical metadata, one published) on three SoftHSM tokens, shows progress, then prints
// the shrunk reproducer and the diagnosis: how many RRSIGs carry a published key's tag yet verify
// under no published key, how many distinct keys made them, which HSMs hold which key, and how many
// delegations — signed and unsigned — resolvers would find bogus.
#include <cstdio>

#include "base/file.h"
#include "base/time.h"
#include "harness/diagnosis.h"
#include "harness/progress.h"
#include "harness/run_record.h"
#include "properties/hunt.h"
#include "tools/cli/command.h"

namespace rollcage::tools {
namespace {

int Run(const cli::Args& args) {
  const std::string name = "demo";
  auto seed = args.GetInt("seed", 1);
  auto budget = args.GetDuration("budget", 300);
  if (!seed.ok()) return cli::Fail(name, seed.status());
  if (!budget.ok()) return cli::Fail(name, budget.status());
  std::string out = args.Get("out", harness::ResultsDir() + "/demo-" + FormatTimeCompact(RealClock::Now()));
  std::printf(
      "rollcage demo: hunting a planted bug modelled on the .DE outage of 5 May 2026 — the rollover\n"
      "agent made one key pair per HSM (same label, same id), only one was published, and signing was\n"
      "spread over the HSMs. Signer: the reference signer with the mutant per-hsm-keypair, keys on 3\n"
      "SoftHSM tokens through the chaos PKCS#11 module. The oracle knows nothing about the mutant.\n\n");
  std::fflush(stdout);
  properties::HuntConfig c;
  c.scenario = properties::TemplateForMutant("per-hsm-keypair");
  c.scenario.hsms = 3;
  c.seed = uint64_t(*seed);
  c.budget_s = double(*budget);
  harness::Progress progress("demo", c.budget_s, 2);
  c.progress = [&](int n, double, int failures) {
    progress.Update(std::to_string(n) + " scenario(s) run, " +
                    (failures ? std::to_string(failures) + " failing so far: shrinking" : std::string("no failure yet")));
  };
  harness::RunRecord rec;
  rec.kind = "demo";
  rec.command = "rollcage demo --seed " + std::to_string(c.seed);
  rec.started = RealClock::Now();
  rec.seed = c.seed;
  rec.algorithms = {c.scenario.algorithm};
  rec.hsms = 3;
  rec.extra = {{"mutant", "per-hsm-keypair"}};
  auto r = properties::Hunt(c);
  progress.Done();
  if (!r.ok()) return cli::Fail(name, r.status());
  rec.finished = RealClock::Now();
  rec.scenarios = r->scenarios;
  if (!r->found) {
    std::printf("the planted bug was NOT found in %s (%d scenarios): the harness failed its demo\n",
                harness::FormatSeconds(r->elapsed_s).c_str(), r->scenarios);
    rec.verdict = "fail";
    rec.summary = "planted .DE bug not found";
    (void)harness::WriteRunRecord(rec);
    return kExitFindings;
  }
  Status st = MakeDirs(out);
  if (!st.ok()) return cli::Fail(name, st);
  std::string file = out + "/de-reproducer.scn";
  (void)WriteFileAtomic(file, "# rollcage demo: shrunk reproducer of the .DE planted bug\n" + harness::Print(r->counterexample));
  std::printf("FOUND after %d scenario(s) in %s; RapidCheck shrank it to %zu event(s):\n\n%s\n", r->scenarios,
              harness::FormatSeconds(r->first_failure_s).c_str(), r->counterexample.events.size(),
              harness::Print(r->counterexample).c_str());
  std::printf("what the oracles found:\n%s\n", harness::SummarizeFindings(r->replay.findings).c_str());

  // The diagnosis on a zone with delegations, as a registry has: the reproducer, then 10 signed and
  // 20 unsigned delegations.
  harness::Scenario wide = r->counterexample;
  for (int i = 1; i <= 30; ++i) {
    auto child = wide.origin.Prepend((i <= 10 ? "signed" : "unsigned") + std::to_string(i));
    if (child.ok()) wide.events.push_back(harness::Delegate{*child, i <= 10, true});
  }
  wide.events.push_back(harness::Advance{3600});
  auto w = properties::RunScenario(wide, out + "/run");
  if (!w.ok()) return cli::Fail(name, w.status());
  auto d = harness::Diagnose(*w);
  std::printf("diagnosis (the reproducer on a zone with 10 signed and 20 unsigned delegations):\n%s\n", d.text.c_str());
  std::printf("reproducer: %s\nreplay it:  rollcage repro %s\n", file.c_str(), file.c_str());
  rec.verdict = "pass";  // the demo's job is to find the planted bug
  rec.summary = "planted .DE bug found in " + harness::FormatSeconds(r->first_failure_s) + ", shrunk to " +
                std::to_string(r->counterexample.events.size()) + " events";
  rec.findings.push_back({"rrsig-unpublished-key-same-tag", "error", "per-hsm-keypair", "the .DE planted bug", file,
                          "rollcage repro " + file});
  rec.extra["de_rrsigs"] = d.report.de.rrsigs;
  rec.extra["de_share"] = d.report.de.share;
  rec.extra["unpublished_keys"] = d.report.de.unpublished_keys;
  rec.extra["bogus_delegations"] = d.report.resolver.bogus;
  rec.extra["bogus_unsigned"] = d.report.resolver.bogus_unsigned;
  (void)harness::WriteRunRecord(rec);
  return kExitOk;
}

cli::Command Make() {
  cli::Command c;
  c.name = "demo";
  c.summary = "the main job: find a planted .DE-style bug on SoftHSM tokens and print the shrunk reproducer";
  c.usage = "[--seed N] [--budget DUR] [--out DIR]";
  c.details = "Exit 0 when the planted bug was found, shrunk and diagnosed; 1 when it was not found.";
  c.flags = {
      {"seed", "N", "hunt seed (default 1)"},
      {"budget", "DUR", "time budget (default 300s)"},
      {"out", "DIR", "where the reproducer goes (default rollcage-results/demo-TIME)"},
  };
  c.run = Run;
  return c;
}

RC_REGISTER_COMMAND(Make);

}  // namespace
}  // namespace rollcage::tools
