#include "harness/faults/pkcs11/random_fault_plan.h"

#include <gtest/gtest.h>

#include <map>

namespace rollcage::faults {

// Readable plans in gtest failure messages.
void PrintTo(const FaultPlan& plan, std::ostream* os) { *os << "\n" << FaultPlanToText(plan); }

namespace {

TEST(RandomFaultPlan, SameSeedSamePlanDifferentSeedDifferentPlan) {
  RandomFaultPlanOptions o;
  o.seed = 1234;
  o.fault_budget = 6;
  FaultPlan a = GenerateRandomFaultPlan(o);
  FaultPlan b = GenerateRandomFaultPlan(o);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.seed, 1234u);
  o.seed = 1235;
  EXPECT_NE(GenerateRandomFaultPlan(o), a);
}

TEST(RandomFaultPlan, GoldenPlanIsStableAcrossBuilds) {
  // The generator is part of the replay contract: a seed printed by a run must give the same plan on
  // any later build, compiler or standard library.
  RandomFaultPlanOptions o;
  o.seed = 42;
  o.fault_budget = 6;
  o.tokens = {"hsm-a", "hsm-b"};
  EXPECT_EQ(FaultPlanToText(GenerateRandomFaultPlan(o)),
            "seed 42\n"
            "C_Sign call 9 rv CKR_SESSION_HANDLE_INVALID token hsm-b\n"
            "C_Sign call 8 corrupt\n"
            "C_Sign call 19 rv CKR_DEVICE_ERROR then operation-active\n"
            "C_Sign call 16 corrupt\n"
            "C_DestroyObject prob 0.5 rv CKR_DEVICE_ERROR token hsm-b max 2\n"
            "C_Sign call 7 rv CKR_SESSION_HANDLE_INVALID token hsm-b\n");
}

TEST(RandomFaultPlan, EveryPlanValidatesAndRoundTripsWithinBudget) {
  for (uint64_t seed = 0; seed < 500; ++seed) {
    RandomFaultPlanOptions o;
    o.seed = seed;
    o.fault_budget = static_cast<int>(seed % 7);
    o.tokens = {"hsm-a", "hsm-b"};
    FaultPlan plan = GenerateRandomFaultPlan(o);
    ASSERT_EQ(plan.rules.size(), static_cast<size_t>(o.fault_budget));
    for (const FaultRule& r : plan.rules) {
      Status st = ValidateFaultRule(r);
      ASSERT_TRUE(st.ok()) << st.message() << " in " << FaultRuleToText(r);
      if (r.action.kind == FaultAction::Kind::kLatency) EXPECT_LE(r.action.latency_us, 20000u);
      if (r.trigger.kind != Trigger::Kind::kCall && r.trigger.kind != Trigger::Kind::kCalls) {
        EXPECT_GT(r.max, 0u) << FaultRuleToText(r);  // repeating triggers are capped
      }
      if (r.token) EXPECT_TRUE(*r.token == "hsm-a" || *r.token == "hsm-b");
    }
    auto again = ParseFaultPlan(FaultPlanToText(plan));
    ASSERT_TRUE(again.ok()) << again.status().message();
    EXPECT_EQ(*again, plan);
  }
}

TEST(RandomFaultPlan, BiasedTowardTheCallsASignerMakes) {
  std::map<std::string, int> counts;
  int total = 0;
  for (uint64_t seed = 0; seed < 400; ++seed) {
    RandomFaultPlanOptions o;
    o.seed = seed;
    o.fault_budget = 5;
    for (const FaultRule& r : GenerateRandomFaultPlan(o).rules) {
      ++counts[r.function ? FunctionName(*r.function) : "*"];
      ++total;
    }
  }
  const int signer = counts["C_Sign"] + counts["C_GenerateKeyPair"] + counts["C_Login"] + counts["C_OpenSession"];
  EXPECT_GT(signer * 2, total) << "most faults should land on the signer's main calls";
  for (const char* f : {"C_Sign", "C_GenerateKeyPair", "C_Login", "C_OpenSession"}) {
    EXPECT_GT(counts[f], total / 25) << f;
  }
  EXPECT_GT(counts["C_Sign"], counts["C_GenerateKeyPair"]);
  EXPECT_GT(counts["C_Sign"], counts["C_FindObjects"]);
}

TEST(RandomFaultPlan, OptionsSwitchKindsOff) {
  for (uint64_t seed = 0; seed < 300; ++seed) {
    RandomFaultPlanOptions o;
    o.seed = seed;
    o.fault_budget = 5;
    o.allow_corrupt = o.allow_latency = o.allow_removed = o.allow_succeed_but_report = false;
    o.allow_operation_active = o.allow_probabilistic = false;
    for (const FaultRule& r : GenerateRandomFaultPlan(o).rules) {
      EXPECT_EQ(r.action.kind, FaultAction::Kind::kRv) << FaultRuleToText(r);
      EXPECT_TRUE(r.trigger.kind == Trigger::Kind::kCall || r.trigger.kind == Trigger::Kind::kCalls);
      EXPECT_FALSE(r.then_operation_active);
      EXPECT_FALSE(r.token.has_value());
    }
  }
}

TEST(RandomFaultPlan, CoversEveryFaultKind) {
  std::map<FaultAction::Kind, int> kinds;
  int op_active = 0, tokens = 0;
  for (uint64_t seed = 0; seed < 300; ++seed) {
    RandomFaultPlanOptions o;
    o.seed = seed;
    o.fault_budget = 4;
    o.tokens = {"a", "b", "c"};
    for (const FaultRule& r : GenerateRandomFaultPlan(o).rules) {
      ++kinds[r.action.kind];
      op_active += r.then_operation_active;
      tokens += r.token.has_value();
    }
  }
  EXPECT_GT(kinds[FaultAction::Kind::kRv], 0);
  EXPECT_GT(kinds[FaultAction::Kind::kSucceedButReport], 0);
  EXPECT_GT(kinds[FaultAction::Kind::kCorrupt], 0);
  EXPECT_GT(kinds[FaultAction::Kind::kLatency], 0);
  EXPECT_GT(kinds[FaultAction::Kind::kRemoved], 0);
  EXPECT_GT(op_active, 0);
  EXPECT_GT(tokens, 0);
}

}  // namespace
}  // namespace rollcage::faults
