#include "properties/hunt.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "harness/adapters/command_adapter.h"
#include "harness/adapters/reference_adapter.h"
#include "harness/oracle_judge.h"
#include "signer-under-test/mutants/mutants.h"

namespace rollcage::properties {
namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

Result<harness::RunResult> RunScenario(const harness::Scenario& s, const std::string& work_dir,
                                       const harness::ExecutorOptions& options, const std::string& signer_command) {
  std::error_code ec;
  std::filesystem::remove_all(work_dir, ec);
  std::unique_ptr<harness::SignerAdapter> adapter;
  if (signer_command.empty()) {
    auto a = harness::ReferenceAdapter::Create(s, {.state_dir = work_dir + "/signer-state"});
    if (!a.ok()) return a.status();
    adapter = std::move(a).value();
  } else {
    auto a = harness::CommandAdapter::Create(s, {.command = signer_command, .state_dir = work_dir + "/signer-state"});
    if (!a.ok()) return a.status();
    adapter = std::move(a).value();
  }
  harness::OracleJudge judge;
  harness::Executor ex(adapter.get(), &judge, options);
  auto r = ex.Run(s);
  adapter.reset();
  std::filesystem::remove_all(work_dir, ec);
  return r;
}

Status FillBounds(ScenarioTemplate* t) {
  harness::Scenario probe;
  probe.algorithm = t->algorithm;
  probe.denial = t->denial;
  probe.policy = t->policy;
  auto p = harness::PolicyFor(probe);
  if (!p.ok()) return p.status();
  // Half the smallest margin the signer keeps against clock error: inception backdating and the
  // publish/retire safety added to Ipub and Iret (a forward clock move shortens those waits).
  t->max_ahead = std::min({p->inception_offset, p->publish_safety, p->retire_safety}) / 2;
  t->max_publish_delay = p->propagation_delay;
  return Status::Ok();
}

ScenarioTemplate TemplateForMutant(const std::string& name) {
  ScenarioTemplate t;
  if (const auto* m = signer::mutants::Find(name)) {
    t.hsms = m->hsms;
    t.denial = m->denial;
    t.policy = m->policy;
    t.mutant = m->name;
  }
  // Focus: weight the events that give each planted bug its chance (the oracle stays general; the
  // generator only spends its budget where the bug can show).
  if (name == "sign-by-tag") {
    t.weights = {{"keygen", 12}, {"rollover", 2}};
    t.collide_always = true;
  } else if (name == "zsk-early-removal" || name == "zsk-early-use") {
    t.weights = {{"rollover", 12}, {"crash", 0}, {"restart", 0}};
  } else if (name == "ksk-early-removal") {
    t.weights = {{"rollover", 12}, {"crash", 0}, {"restart", 0}};
  } else if (name == "refresh-off-by-one") {
    t.weights = {{"advance", 30}, {"rollover", 1}};
  } else if (name == "no-inception-backdate") {
    t.weights = {{"skew", 12}, {"jump", 6}};
  } else if (name == "keygen-retry") {
    t.weights = {{"hsm-fault", 16}, {"rollover", 10}, {"keygen", 6}, {"crash", 0}};
    t.fault_functions = {"C_CreateObject"};
  } else if (name == "partial-zone") {
    t.weights = {{"hsm-fault", 16}, {"crash", 0}, {"hsm-remove", 0}};
    t.fault_functions = {"C_Sign"};
  } else if (name == "state-lost-on-crash") {
    t.weights = {{"crash", 12}, {"restart", 12}};
  }
  return t;
}

Result<HuntResult> Hunt(const HuntConfig& c) {
  HuntResult out;
  ScenarioTemplate t = c.scenario;
  RC_RETURN_IF_ERROR(FillBounds(&t));
  std::string work = c.work_dir;
  if (work.empty()) {
    const char* tmp = std::getenv("TEST_TMPDIR");
    work = std::string(tmp && *tmp ? tmp : "/tmp") + "/rollcage-hunt-" + std::to_string(getpid());
  }
  const double start = Now();
  int failures = 0;
  std::optional<harness::Scenario> last_failing;
  Status infra;  // the run itself could not happen (not a finding)
  harness::ExecutorOptions eo;
  eo.stop_at_first_finding = true;
  const bool show = std::getenv("ROLLCAGE_HUNT_SHOW") != nullptr;  // debugging the generator
  auto property = [&] {
    harness::Scenario s = *GenHuntScenario(t);
    s.seed = *rc::gen::inRange<uint64_t>(1, 1000000);
    if (show) std::fprintf(stderr, "--- scenario %d\n%s", out.scenarios + 1, harness::Print(s).c_str());
    auto r = RunScenario(s, work + "/run", eo, c.signer_command);
    ++out.scenarios;
    if (c.progress) c.progress(out.scenarios, Now() - start, failures);
    if (!r.ok()) {
      if (infra.ok()) infra = r.status();
      return;  // not the signer's fault: do not shrink toward it
    }
    if (r->Failed()) {
      if (out.first_failure_s < 0) out.first_failure_s = Now() - start;
      ++failures;
      last_failing = s;
    }
    RC_ASSERT(!r->Failed());
  };
  uint64_t batch_seed = Mix(c.seed);
  while (Now() - start < c.budget_s && (c.max_scenarios <= 0 || out.scenarios < c.max_scenarios)) {
    rc::detail::TestParams params;
    params.seed = batch_seed;
    params.maxSuccess = c.batch;
    params.maxSize = c.max_size;
    params.disableShrinking = !c.shrink;
    rc::detail::TestMetadata meta;
    auto result = rc::detail::checkProperty(rc::detail::toProperty(property), meta, params);
    if (!infra.ok()) return infra;
    rc::detail::FailureResult failure;
    if (result.match(failure)) {
      out.found = true;
      out.failing_seed = batch_seed;
      break;
    }
    batch_seed = Mix(batch_seed);
  }
  out.elapsed_s = Now() - start;
  if (out.found && last_failing) {
    // RapidCheck's last failing call during shrinking is the minimal counterexample.
    out.counterexample = *last_failing;
    harness::ExecutorOptions full;  // judge everything for the report
    auto r = RunScenario(out.counterexample, work + "/replay", full, c.signer_command);
    if (!r.ok()) return r.status();
    out.replay = std::move(r).value();
  }
  std::error_code ec;
  std::filesystem::remove_all(work, ec);
  return out;
}

}  // namespace rollcage::properties
