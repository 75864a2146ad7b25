// The properties of issue 5 on the reference signer, with a bounded number of generated scenarios
// (long campaigns are `rollcage hunt`): every emitted zone validates, the timeline is cache-safe,
// key state survives crashes, and under random HSM fault plans the signer fails closed and never
// publishes a zone the oracles reject.
#include <gtest/gtest.h>

#include "properties/hunt.h"

namespace rollcage::properties {
namespace {

HuntResult RunHunt(HuntConfig c) {
  c.budget_s = 600;  // the scenario count bounds these, not the clock
  auto r = Hunt(c);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : HuntResult{};
}

std::string Explain(const HuntResult& r) {
  if (!r.found) return "";
  std::string s = harness::Print(r.counterexample);
  for (const auto& f : r.replay.findings) s += harness::FormatFinding(f) + "\n";
  return s;
}

TEST(SignerProperty, EveryZoneValidatesAndTheTimelineIsCacheSafe) {
  HuntConfig c;
  c.seed = 11;
  c.max_scenarios = 40;
  c.scenario.allow_collisions = false;
  auto r = RunHunt(c);
  EXPECT_FALSE(r.found) << Explain(r);
  EXPECT_GE(r.scenarios, 40);
}

TEST(SignerProperty, KeyStateSurvivesCrashesAtEveryStep) {
  HuntConfig c;
  c.seed = 12;
  c.max_scenarios = 25;
  c.scenario.weights = {{"crash", 10}, {"restart", 10}, {"rollover", 8}};
  c.scenario.allow_collisions = false;  // key-tag collisions cost a key search each; see sign-by-tag
  auto r = RunHunt(c);
  EXPECT_FALSE(r.found) << Explain(r);
}

TEST(SignerProperty, UnderRandomHsmFaultsTheSignerFailsClosed) {
  HuntConfig c;
  c.seed = 13;
  c.max_scenarios = 20;
  c.scenario.hsms = 2;
  c.scenario.weights = {{"hsm-fault", 14}, {"hsm-remove", 3}, {"hsm-restore", 3}, {"rollover", 6}};
  c.scenario.allow_collisions = false;
  auto r = RunHunt(c);
  EXPECT_FALSE(r.found) << Explain(r);
}

TEST(SignerProperty, TheHarnessCatchesAPlantedBug) {
  HuntConfig c;
  c.seed = 14;
  c.max_scenarios = 200;
  c.scenario = TemplateForMutant("zsk-early-use");
  auto r = RunHunt(c);
  ASSERT_TRUE(r.found) << "the zsk-early-use mutant survived 200 scenarios";
  EXPECT_LE(r.counterexample.events.size(), 5u) << Explain(r);
  bool temporal = false;
  for (const auto& f : r.replay.findings) temporal |= f.cls == "key-used-too-early";
  EXPECT_TRUE(temporal) << Explain(r);
}

}  // namespace
}  // namespace rollcage::properties
