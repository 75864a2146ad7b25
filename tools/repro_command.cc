// `rollcage repro FILE`: replays a scenario file (a hunt's counterexample, a corpus file, a
// libFuzzer crash file) against the reference signer and prints what happened: the timeline (what
// was published when, which keys on which HSMs, which faults were injected), the findings and the
// diagnosis. Exit 1 when it still fails, 0 when it passes now.
#include <unistd.h>

#include <cstdio>

#include "base/file.h"
#include "harness/diagnosis.h"
#include "harness/scenario/byte_decoder.h"
#include "harness/scenario/scenario.h"
#include "properties/hunt.h"
#include "timeline/timeline.h"
#include "tools/cli/command.h"
#include "tools/scenario_file.h"

namespace rollcage::tools {
namespace {

int Run(const cli::Args& args) {
  const std::string name = "repro";
  const std::string file = args.positional()[0];
  auto s = LoadScenarioFile(file, args.Has("fuzz-input") ? ScenarioFormat::kFuzzInput : ScenarioFormat::kAuto);
  if (!s.ok()) return cli::Fail(name, s.status());
  if (args.Has("mutant")) s->scenario.mutant = args.Get("mutant");
  if (args.Has("clean")) s->scenario.mutant.clear();
  if (s->decoded) {
    std::printf("decoded from a fuzzer input (%s, byte format %d)%s; as a scenario:\n\n%s\n", file.c_str(),
                harness::kByteFormatVersion,
                s->scenario.mutant.empty() ? "" : (", mutant " + s->scenario.mutant).c_str(),
                harness::Print(s->scenario).c_str());
  } else {
    std::printf("scenario %s (%zu events%s):\n\n%s\n", file.c_str(), s->scenario.events.size(),
                s->scenario.mutant.empty() ? "" : (", mutant " + s->scenario.mutant).c_str(),
                harness::Print(s->scenario).c_str());
  }
  std::string work = args.Get("out", "");
  std::string scratch = work.empty() ? "/tmp/rollcage-repro-" + std::to_string(::getpid()) : work + "/run";
  auto r = properties::RunScenario(s->scenario, scratch, {}, args.Get("signer-cmd", ""));
  if (!r.ok()) return cli::Fail(name, r.status());
  std::printf("timeline:\n");
  for (const auto& l : r->log) std::printf("  %s\n", l.c_str());
  if (!r->hsm_keys.empty()) {
    std::printf("keys on the HSMs at the end:\n");
    for (const auto& k : r->hsm_keys) {
      std::printf("  HSM %d: '%s' id %s\n", k.hsm, k.label.c_str(), k.key_id.substr(0, 16).c_str());
    }
  }
  if (!work.empty()) {
    Status st = timeline::WriteTimeline(r->timeline, work);
    if (!st.ok()) return cli::Fail(name, st);
    std::printf("timeline written to %s (rollcage validate --timeline %s)\n", work.c_str(), work.c_str());
  }
  if (r->findings.empty()) {
    std::printf("\nverdict: PASS — no findings (%zu zone versions, %zu parent DS versions)\n",
                r->timeline.zones.size(), r->timeline.parent_ds.size());
    return kExitOk;
  }
  std::printf("\nfindings:\n%s", harness::SummarizeFindings(r->findings).c_str());
  std::printf("\ndiagnosis:\n%s", harness::Diagnose(*r).text.c_str());
  bool errors = r->Failed();
  std::printf("\nverdict: %s\n", errors ? "FAIL — the scenario still fails" : "PASS with warnings");
  return errors ? kExitFindings : kExitOk;
}

cli::Command Make() {
  cli::Command c;
  c.name = "repro";
  c.summary = "replay a scenario or crash file and print the timeline, findings and diagnosis";
  c.usage = "FILE [--out DIR] [--mutant NAME | --clean]";
  c.details =
      "FILE is a scenario in the text format (docs/scenario.md) — a hunt's counterexample or a file from\n"
      "corpus/ — or a libFuzzer input of the scenario targets (a crash file, a corpus entry, or the\n"
      "enveloped copy `rollcage nightly` writes), which is decoded and printed as text first.\n"
      "A raw crash file carries no mutant: pass the one the fuzzer ran with (--mutant NAME).\n"
      "--out DIR keeps the timeline (docs/timeline.md). Exit 1 when the scenario still fails.";
  c.flags = {
      {"out", "DIR", "write the timeline there"},
      {"mutant", "NAME", "replay with this planted bug switched on instead of the file's"},
      {"clean", "", "replay on the clean signer (ignore the file's mutant line)"},
      {"fuzz-input", "", "FILE is a libFuzzer input of the scenario targets even if it looks like text"},
      {"signer-cmd", "CMD", "replay against an external signer run as a command (docs/adapters.md)"},
  };
  c.min_positional = 1;
  c.max_positional = 1;
  c.run = Run;
  return c;
}

RC_REGISTER_COMMAND(Make);

}  // namespace
}  // namespace rollcage::tools
