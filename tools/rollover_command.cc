// `rollcage rollover`: runs the reference signer through simulated time under a key and signing
// policy (ZSK, KSK and, when the policy asks, algorithm rollovers), validates every zone version
// with the static oracle and the timeline with the temporal oracle, and writes the timeline.
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "base/file.h"
#include "base/time.h"
#include "harness/adapters/reference_adapter.h"
#include "harness/executor.h"
#include "harness/oracle_judge.h"
#include "harness/progress.h"
#include "harness/run_record.h"
#include "signer-under-test/kasp/policy.h"
#include "timeline/timeline.h"
#include "tools/cli/command.h"

namespace rollcage::tools {
namespace {

// The zone a rollover run signs: hosts, a wildcard, an empty non-terminal, and delegations with
// and without DS and glue.
std::vector<std::string> ZoneEvents() {
  return {"add www 3600 A 192.0.2.80",     "add www 3600 AAAA 2001:db8::80", "add mail 3600 A 192.0.2.25",
          "add @ 3600 MX 10 mail",         "add *.wild 3600 TXT \"wildcard\"", "add a.b.ent 3600 TXT \"ent\"",
          "delegate secure ds",            "delegate insecure",              "delegate outside no-glue",
          "delegate deep.secure2 ds"};
}

int Run(const cli::Args& args) {
  const std::string name = "rollover";
  harness::Scenario s;
  auto origin = dns::Name::FromText(args.Get("origin", "example."));
  if (!origin.ok()) return cli::Fail(name, UsageError("--origin: " + origin.status().message()));
  s.origin = *origin;
  auto seed = args.GetInt("seed", 1);
  auto hsms = args.GetInt("hsms", 0);
  auto duration = args.GetDuration("duration", 400 * 86400);
  for (const auto* r : {&seed, &hsms}) {
    if (!r->ok()) return cli::Fail(name, r->status());
  }
  if (!duration.ok()) return cli::Fail(name, duration.status());
  if (*hsms < 0 || *hsms > 8) return cli::Fail(name, UsageError("--hsms: 0 (in-process keys) to 8"));
  s.seed = uint64_t(*seed);
  s.hsms = int(*hsms);
  // The policy: defaults, then the file, then the scenario header carries it to the signer.
  signer::kasp::Policy policy;
  if (args.Has("policy")) {
    auto text = ReadFile(args.Get("policy"));
    if (!text.ok()) return cli::Fail(name, text.status());
    auto p = signer::kasp::Policy::Parse(*text, args.Get("policy"));
    if (!p.ok()) return cli::Fail(name, p.status());
    policy = *p;
  }
  s.algorithm = policy.algorithm;
  s.denial = policy.denial;
  std::string printed = policy.Print();
  for (size_t a = 0; a < printed.size();) {
    size_t b = printed.find('\n', a);
    std::string line = printed.substr(a, b - a);
    auto sp = line.find(' ');
    if (sp != std::string::npos) s.policy[line.substr(0, sp)] = line.substr(sp + 1);
    a = b == std::string::npos ? printed.size() : b + 1;
  }
  s.policy.erase("algorithm");
  s.policy.erase("denial");
  for (const auto& e : ZoneEvents()) {
    auto ev = harness::ParseEvent(e, s.origin);
    if (!ev.ok()) return cli::Fail(name, InternalError("built-in zone event '" + e + "': " + ev.status().message()));
    s.events.push_back(*ev);
  }
  // Advance in steps so progress shows, with a zone edit each month as an operator would make.
  int64_t left = *duration, month = 0;
  while (left > 0) {
    int64_t step = std::min<int64_t>(left, 30 * 86400);
    s.events.push_back(harness::Advance{step});
    left -= step;
    ++month;
    if (left > 0) {
      auto ev = harness::ParseEvent("add month" + std::to_string(month) + " 3600 TXT \"edit " + std::to_string(month) + "\"",
                                    s.origin);
      if (ev.ok()) s.events.push_back(*ev);
    }
  }

  std::string out = args.Get("out", harness::ResultsDir() + "/rollover-" + FormatTimeCompact(RealClock::Now()));
  // A fresh run: what an earlier run left in --out (its timeline and signer state) goes first.
  {
    std::error_code ec;
    for (const char* sub : {"zones", "parent", "signer-state"}) std::filesystem::remove_all(out + "/" + sub, ec);
    for (const char* f : {"index", "run.log"}) std::filesystem::remove(out + "/" + f, ec);
  }
  Status st = MakeDirs(out);
  if (!st.ok()) return cli::Fail(name, st);
  auto adapter = harness::ReferenceAdapter::Create(s, {.state_dir = out + "/signer-state"});
  if (!adapter.ok()) return cli::Fail(name, adapter.status());
  harness::OracleJudge judge;
  harness::Progress progress("rollover", 0);
  harness::ExecutorOptions eo;
  int64_t simulated = 0;
  harness::RunRecord rec;
  eo.progress = [&](size_t done, size_t total) {
    progress.Update(std::to_string(done) + "/" + std::to_string(total) + " events");
    // The report's scenarios-per-second chart: the share of this one scenario done so far.
    double elapsed = progress.elapsed(), share = total ? double(done) / double(total) : 0;
    if (rec.series.empty() || elapsed - rec.series.back().elapsed_s >= 0.5 || done == total) {
      rec.series.push_back({elapsed, share, 0, 0, elapsed > 0 ? share / elapsed : 0});
    }
  };
  (void)simulated;
  rec.kind = "rollover";
  rec.command = "rollcage rollover --duration " + harness::FormatDuration(*duration) +
                (args.Has("policy") ? " --policy " + args.Get("policy") : "");
  rec.started = RealClock::Now();
  rec.seed = s.seed;
  rec.policy = s.policy;
  rec.algorithms = {policy.algorithm};
  if (policy.next_algorithm) rec.algorithms.push_back(policy.next_algorithm);
  rec.hsms = s.hsms;
  harness::Executor ex(adapter->get(), &judge, eo);
  auto r = ex.Run(s);
  progress.Done();
  if (!r.ok()) return cli::Fail(name, r.status());
  st = timeline::WriteTimeline(r->timeline, out);
  if (!st.ok()) return cli::Fail(name, st);
  {
    std::string log;
    for (const auto& l : r->log) log += l + "\n";
    (void)WriteFileAtomic(out + "/run.log", log);
  }
  // Key life cycle summary.
  std::map<std::string, int> keys;
  std::set<uint8_t> algs;
  if (auto* rt = (*adapter)->runtime()) {
    for (const auto& k : rt->keys().keys()) {
      keys[signer::kasp::RoleName(k.role)]++;
      algs.insert(k.algorithm);
    }
  }
  std::printf("timeline: %s (%zu zone versions, %zu parent DS versions, %d signer ticks)\n", out.c_str(),
              r->timeline.zones.size(), r->timeline.parent_ds.size(), r->ticks);
  if (!r->timeline.zones.empty()) {
    std::printf("simulated %s from %s to %s\n", harness::FormatDuration(*duration).c_str(),
                FormatTimeIso(r->timeline.zones.front().published).c_str(), FormatTimeIso(r->end).c_str());
  }
  std::string key_line;
  for (const auto& [role, n] : keys) key_line += (key_line.empty() ? "" : ", ") + std::to_string(n) + " " + role;
  std::string alg_line;
  for (uint8_t a : algs) alg_line += (alg_line.empty() ? "" : ", ") + std::to_string(a);
  std::printf("keys: %s (algorithms %s)\n", key_line.c_str(), alg_line.c_str());
  size_t errors = 0;
  for (const auto& f : r->findings) {
    if (f.severity == "error") ++errors;
    std::printf("%s\n", harness::FormatFinding(f).c_str());
    rec.findings.push_back({f.cls, f.severity, "rollover", harness::FormatFinding(f), out, "rollcage validate --timeline " + out});
  }
  std::string summary = std::to_string(r->timeline.zones.size()) + " zone versions validated (static oracle on every version, temporal oracle on the timeline): " +
                        (errors ? std::to_string(errors) + " finding(s)" : std::string("zero findings"));
  std::printf("%s\n", summary.c_str());
  rec.finished = RealClock::Now();
  rec.scenarios = 1;
  rec.events = double(s.events.size());
  rec.executions = r->ticks;
  {
    // The rollover kinds this run exercised (the report's per-rollover bars).
    std::string kind = policy.csk ? "csk" : "zsk-prepublish+ksk-" + policy.ksk_method;
    if (policy.next_algorithm) {
      kind += "+algorithm-" + std::to_string(policy.algorithm) + "-to-" + std::to_string(policy.next_algorithm);
    }
    double seconds = double(rec.finished - rec.started);
    if (seconds <= 0) seconds = progress.elapsed();
    rec.targets.push_back({kind, seconds, 1, seconds > 0 ? 1 / seconds : 0, 0, 0, int(errors)});
  }
  rec.verdict = errors ? "fail" : "pass";
  rec.summary = summary;
  rec.extra = {{"timeline", out}, {"zone_versions", r->timeline.zones.size()},
               {"ds_versions", r->timeline.parent_ds.size()}, {"keys", keys}};
  if (Status w = harness::WriteRunRecord(rec); !w.ok()) std::fprintf(stderr, "rollcage rollover: %s\n", w.message().c_str());
  return errors ? kExitFindings : kExitOk;
}

cli::Command Make() {
  cli::Command c;
  c.name = "rollover";
  c.summary = "run the reference signer through a year of key rollovers and judge every version over time";
  c.usage = "[--policy FILE] [--duration 400d] [--out DIR] [--seed N] [--hsms N]";
  c.details =
      "Signs a small zone (hosts, wildcard, empty non-terminal, delegations with and without DS) with\n"
      "the reference signer under the policy (docs/kasp.md: ZSK and KSK lifetimes, double-KSK or\n"
      "double-DS, CSK, an algorithm rollover with next-algorithm/algorithm-rollover-at) over simulated\n"
      "time, with a simulated parent that serves the DS. Every zone version is validated by the static\n"
      "oracle and the timeline by the temporal oracle. The timeline (docs/timeline.md) is written to\n"
      "--out; `rollcage validate --timeline DIR` judges it again. Exit 0: zero findings; 1: findings.";
  c.flags = {
      {"policy", "FILE", "key and signing policy, 'key value' lines (docs/kasp.md); default: built-in"},
      {"duration", "DUR", "simulated time, e.g. 400d (default 400d)"},
      {"out", "DIR", "where the timeline goes (default rollcage-results/rollover-TIME)"},
      {"origin", "NAME", "zone origin (default example.)"},
      {"seed", "N", "seed for key material and jitter (default 1)"},
      {"hsms", "N", "0: in-process keys (default); N: N SoftHSM tokens"},
  };
  c.run = Run;
  return c;
}

RC_REGISTER_COMMAND(Make);

}  // namespace
}  // namespace rollcage::tools
