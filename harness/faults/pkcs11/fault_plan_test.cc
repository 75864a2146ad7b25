#include "harness/faults/pkcs11/fault_plan.h"

#include <gtest/gtest.h>
#include <softhsm/cryptoki.h>

#include <string>

#include "harness/faults/pkcs11/seeded_random.h"

namespace rollcage::faults {

// Readable plans in gtest failure messages.
void PrintTo(const FaultPlan& plan, std::ostream* os) { *os << "\n" << FaultPlanToText(plan); }

namespace {

constexpr char kFullPlan[] = R"(# every kind of rule
seed 42
C_Sign call 3 rv CKR_DEVICE_ERROR
C_Sign every 5 rv CKR_SESSION_HANDLE_INVALID
C_Sign prob 0.1 rv CKR_DEVICE_ERROR max 2
C_GenerateKeyPair call 1 succeed-but-report CKR_DEVICE_ERROR
C_Sign call 2 corrupt    # flip a bit of the signature
C_Sign call 1 latency 200ms
* after 10 removed
C_Login calls 2-4 rv CKR_PIN_INCORRECT slot 0x1f
C_OpenSession always rv CKR_TOKEN_NOT_PRESENT token hsm-b max 1
C_Sign call 1 rv CKR_DEVICE_ERROR then operation-active
C_GetAttributeValue every 3 corrupt token hsm-a
* call 7 removed for 4 slot 3
C_Encrypt call 1 rv 0x80000001
)";

TEST(FaultPlan, ParsesEveryRuleKind) {
  auto plan = ParseFaultPlan(kFullPlan, "full.plan");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(plan->seed, 42u);
  ASSERT_EQ(plan->rules.size(), 13u);
  const auto& r = plan->rules;

  EXPECT_EQ(r[0].function, Pkcs11Function::kC_Sign);
  EXPECT_EQ(r[0].trigger.kind, Trigger::Kind::kCall);
  EXPECT_EQ(r[0].trigger.first, 3u);
  EXPECT_EQ(r[0].action.kind, FaultAction::Kind::kRv);
  EXPECT_EQ(r[0].action.rv, CKR_DEVICE_ERROR);
  EXPECT_EQ(r[0].line, 3);

  EXPECT_EQ(r[1].trigger.kind, Trigger::Kind::kEvery);
  EXPECT_EQ(r[1].action.rv, CKR_SESSION_HANDLE_INVALID);

  EXPECT_EQ(r[2].trigger.kind, Trigger::Kind::kProb);
  EXPECT_DOUBLE_EQ(r[2].trigger.probability, 0.1);
  EXPECT_EQ(r[2].max, 2u);

  EXPECT_EQ(r[3].function, Pkcs11Function::kC_GenerateKeyPair);
  EXPECT_EQ(r[3].action.kind, FaultAction::Kind::kSucceedButReport);

  EXPECT_EQ(r[4].action.kind, FaultAction::Kind::kCorrupt);
  EXPECT_EQ(r[5].action.kind, FaultAction::Kind::kLatency);
  EXPECT_EQ(r[5].action.latency_us, 200000u);

  EXPECT_FALSE(r[6].function.has_value());
  EXPECT_EQ(r[6].trigger.kind, Trigger::Kind::kAfter);
  EXPECT_EQ(r[6].trigger.first, 10u);
  EXPECT_EQ(r[6].action.kind, FaultAction::Kind::kRemoved);
  EXPECT_EQ(r[6].action.removed_for, 0u);

  EXPECT_EQ(r[7].trigger.kind, Trigger::Kind::kCalls);
  EXPECT_EQ(r[7].trigger.first, 2u);
  EXPECT_EQ(r[7].trigger.last, 4u);
  EXPECT_EQ(r[7].slot, 0x1fu);

  EXPECT_EQ(r[8].trigger.kind, Trigger::Kind::kAlways);
  EXPECT_EQ(r[8].token, "hsm-b");
  EXPECT_EQ(r[8].max, 1u);

  EXPECT_TRUE(r[9].then_operation_active);
  EXPECT_EQ(r[10].token, "hsm-a");
  EXPECT_EQ(r[11].action.removed_for, 4u);
  EXPECT_EQ(r[11].slot, 3u);
  EXPECT_EQ(r[12].action.rv, 0x80000001ul);
}

TEST(FaultPlan, PrintsTextThatParsesBackEqual) {
  auto plan = ParseFaultPlan(kFullPlan);
  ASSERT_TRUE(plan.ok());
  std::string text = FaultPlanToText(*plan);
  auto again = ParseFaultPlan(text, "printed");
  ASSERT_TRUE(again.ok()) << again.status().message() << "\n" << text;
  EXPECT_EQ(*again, *plan);
  EXPECT_EQ(FaultPlanToText(*again), text);
  EXPECT_NE(text.find("C_Sign call 3 rv CKR_DEVICE_ERROR\n"), std::string::npos) << text;
  EXPECT_NE(text.find("* after 10 removed\n"), std::string::npos) << text;
  EXPECT_NE(text.find("C_Sign call 1 latency 200ms\n"), std::string::npos) << text;
}

TEST(FaultPlan, EmptyAndCommentOnlyPlansHaveNoRules) {
  for (const char* text : {"", "\n\n", "# nothing\n   \t\n", "seed 7"}) {
    auto plan = ParseFaultPlan(text);
    ASSERT_TRUE(plan.ok()) << text;
    EXPECT_TRUE(plan->rules.empty());
  }
}

TEST(FaultPlan, LatencyUnits) {
  auto plan = ParseFaultPlan("C_Sign always latency 2s\nC_Sign always latency 150us\nC_Sign always latency 0ms\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(plan->rules[0].action.latency_us, 2000000u);
  EXPECT_EQ(plan->rules[1].action.latency_us, 150u);
  EXPECT_EQ(plan->rules[2].action.latency_us, 0u);
  EXPECT_EQ(FormatLatency(2000000), "2s");
  EXPECT_EQ(FormatLatency(1500), "1500us");
  EXPECT_EQ(FormatLatency(3000), "3ms");
}

struct BadCase {
  const char* text;
  const char* message;  // expected substring, after "bad.plan:LINE: "
  int line;
};

TEST(FaultPlan, ErrorsNameFileLineAndWhat) {
  const BadCase cases[] = {
      {"C_Sgn call 1 rv CKR_DEVICE_ERROR", "unknown PKCS#11 function 'C_Sgn'", 1},
      {"seed 1\n\nC_Sign", "missing trigger", 3},
      {"C_Sign call", "missing call count", 1},
      {"C_Sign call x rv CKR_DEVICE_ERROR", "'call' needs a number, got 'x'", 1},
      {"C_Sign call 0 rv CKR_DEVICE_ERROR", "calls are numbered from 1", 1},
      {"C_Sign calls 5-2 rv CKR_DEVICE_ERROR", "bad call range '5-2'", 1},
      {"C_Sign calls 5 rv CKR_DEVICE_ERROR", "'calls' needs a range N-M", 1},
      {"C_Sign prob 1.5 rv CKR_DEVICE_ERROR", "'prob' needs a number in (0, 1]", 1},
      {"C_Sign prob 0 rv CKR_DEVICE_ERROR", "'prob' needs a number in (0, 1]", 1},
      {"C_Sign sometimes rv CKR_DEVICE_ERROR", "unknown trigger 'sometimes'", 1},
      {"C_Sign call 1", "missing action", 1},
      {"C_Sign call 1 explode", "unknown action 'explode'", 1},
      {"C_Sign call 1 rv CKR_NOPE", "unknown CK_RV 'CKR_NOPE'", 1},
      {"C_Sign call 1 rv CKR_OK", "CKR_OK is not a fault", 1},
      {"C_Sign call 1 rv", "missing CK_RV", 1},
      {"C_Login call 1 corrupt", "C_Login returns no output to corrupt", 1},
      {"C_Sign call 1 latency 5", "'latency' needs a duration", 1},
      {"C_Sign call 1 latency 61s", "'latency' needs a duration", 1},
      {"C_Sign call 1 removed for 0", "'removed for' needs a call count >= 1", 1},
      {"C_Sign call 1 rv CKR_DEVICE_ERROR slot", "missing slot ID", 1},
      {"C_Sign call 1 rv CKR_DEVICE_ERROR slot x1", "bad slot ID 'x1'", 1},
      {"C_Sign call 1 rv CKR_DEVICE_ERROR slot 1 token a", "more than one slot or token filter", 1},
      {"C_Sign call 1 rv CKR_DEVICE_ERROR max 0", "'max' needs a count >= 1", 1},
      {"C_Sign call 1 rv CKR_DEVICE_ERROR max 1 max 2", "'max' given twice", 1},
      {"C_Sign call 1 rv CKR_DEVICE_ERROR then crash", "unknown 'then crash'", 1},
      {"C_Sign call 1 rv CKR_DEVICE_ERROR loudly", "unexpected 'loudly'", 1},
      {"C_Sign call 1 latency 1ms then operation-active", "needs rv or succeed-but-report", 1},
      {"C_SignInit call 1 rv CKR_DEVICE_ERROR then operation-active", "needs an operation call", 1},
      {"C_Login call 1 rv CKR_DEVICE_ERROR then operation-active", "needs an operation call", 1},
      {"* call 1 rv CKR_DEVICE_ERROR then operation-active", "needs an operation call", 1},
      {"C_GetFunctionList call 1 rv CKR_DEVICE_ERROR", "C_GetFunctionList cannot fail", 1},
      {"seed 1\nseed 2", "'seed' given twice", 2},
      {"seed", "'seed' takes one number", 1},
      {"seed -1", "bad seed '-1'", 1},
      {"C_Sign call 99999999999999999999 rv CKR_DEVICE_ERROR", "'call' needs a number", 1},
      {"C_Sign call 1 rv CKR_DEVICE_ERROR token 0123456789012345678901234567890123", "1 to 32 characters", 1},
  };
  for (const BadCase& c : cases) {
    auto plan = ParseFaultPlan(c.text, "bad.plan");
    ASSERT_FALSE(plan.ok()) << "accepted: " << c.text;
    EXPECT_EQ(plan.status().kind(), ErrorKind::kBadInput);
    const std::string& m = plan.status().message();
    const std::string prefix = "bad.plan:" + std::to_string(c.line) + ": ";
    EXPECT_EQ(m.rfind(prefix, 0), 0u) << m;
    EXPECT_NE(m.find(c.message), std::string::npos) << "for '" << c.text << "' got: " << m;
  }
}

TEST(FaultPlan, NulByteIsAnError) {
  std::string text = "seed 1\nC_Sign call 1 rv CKR_DEVICE_ERROR";
  text.push_back('\0');
  auto plan = ParseFaultPlan(text, "nul.plan");
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("nul.plan:2: NUL byte"), std::string::npos) << plan.status().message();
}

TEST(FaultPlan, ValidateRejectsBadRulesBuiltInCode) {
  FaultRule rule;
  rule.function = Pkcs11Function::kC_Sign;
  rule.action.kind = FaultAction::Kind::kRv;
  rule.action.rv = 0;
  EXPECT_FALSE(ValidateFaultRule(rule).ok());
  rule.action.rv = CKR_DEVICE_ERROR;
  EXPECT_TRUE(ValidateFaultRule(rule).ok());
  rule.trigger.first = 0;
  EXPECT_FALSE(ValidateFaultRule(rule).ok());
  rule.trigger.first = 1;
  rule.token = "has space";
  EXPECT_FALSE(ValidateFaultRule(rule).ok());
}

TEST(FaultPlan, LoadReportsMissingFileAsIo) {
  auto plan = LoadFaultPlan("/nonexistent/rollcage.plan");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().kind(), ErrorKind::kIo);
}

// Fuzz-ish: every prefix of a full plan, and random byte mutations of it, parse or fail cleanly.
TEST(FaultPlan, TruncationsAndMutationsNeverCrash) {
  const std::string full = kFullPlan;
  int ok = 0, bad = 0;
  for (size_t n = 0; n <= full.size(); ++n) {
    auto plan = ParseFaultPlan(std::string_view(full).substr(0, n), "prefix");
    plan.ok() ? ++ok : ++bad;
    if (plan.ok()) {
      auto again = ParseFaultPlan(FaultPlanToText(*plan));
      ASSERT_TRUE(again.ok()) << again.status().message();
      EXPECT_EQ(*again, *plan);
    } else {
      EXPECT_EQ(plan.status().message().rfind("prefix:", 0), 0u) << plan.status().message();
    }
  }
  EXPECT_GT(ok, 10);
  EXPECT_GT(bad, 10);
  SeededRandom rng(7);
  const char kAlphabet[] = " \t\n#-.0123456789xCRK_*abcdefghijklmnopqrstuvwxyz\0\xff";
  for (int i = 0; i < 3000; ++i) {
    std::string text = full;
    int edits = 1 + static_cast<int>(rng.Below(6));
    for (int e = 0; e < edits; ++e) {
      size_t at = rng.Below(text.size() + 1);
      char c = kAlphabet[rng.Below(sizeof kAlphabet - 1)];
      switch (rng.Below(3)) {
        case 0: if (at < text.size()) text[at] = c; break;
        case 1: text.insert(text.begin() + at, c); break;
        case 2: if (at < text.size()) text.erase(at, 1); break;
      }
    }
    auto plan = ParseFaultPlan(text, "mutant");
    if (plan.ok()) {
      auto again = ParseFaultPlan(FaultPlanToText(*plan));
      ASSERT_TRUE(again.ok()) << again.status().message() << "\nfrom:\n" << text;
      EXPECT_EQ(*again, *plan) << text;
    }
  }
}

}  // namespace
}  // namespace rollcage::faults
