#include "harness/faults/pkcs11/fault_injector.h"

#include <gtest/gtest.h>
#include <softhsm/cryptoki.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace rollcage::faults {
namespace {

using F = Pkcs11Function;

FaultPlan Plan(const char* text) {
  auto plan = ParseFaultPlan(text, "test.plan");
  EXPECT_TRUE(plan.ok()) << plan.status().message();
  return plan.ok() ? *plan : FaultPlan{};
}

CallInfo Sign(unsigned long session = 1, std::optional<unsigned long> slot = 7) {
  return CallInfo{F::kC_Sign, slot, session};
}

// Runs a call through Before and Finish (as the module does when the real call succeeds).
Verdict Call(FaultInjector& inj, const CallInfo& c) {
  Verdict v = inj.Before(c);
  const bool forwarded = v.kind != Verdict::Kind::kFail;
  const unsigned long returned = v.kind == Verdict::Kind::kForward ? CKR_OK : v.rv;
  inj.Finish(c, v, forwarded ? std::optional<unsigned long>(CKR_OK) : std::nullopt, returned);
  return v;
}

TEST(FaultInjector, NoPlanForwardsEverything) {
  FaultInjector inj;
  for (int i = 0; i < 50; ++i) {
    Verdict v = Call(inj, Sign());
    EXPECT_EQ(v.kind, Verdict::Kind::kForward);
    EXPECT_EQ(v.seq, static_cast<uint64_t>(i + 1));
    EXPECT_EQ(v.call, static_cast<uint64_t>(i + 1));
  }
}

TEST(FaultInjector, CallEveryCallsAfterTriggers) {
  FaultInjector inj;
  inj.SetPlan(Plan("C_Sign call 3 rv CKR_DEVICE_ERROR\n"
                   "C_Sign every 5 rv CKR_SESSION_HANDLE_INVALID\n"
                   "C_Sign calls 7-8 rv CKR_FUNCTION_FAILED\n"
                   "C_Sign after 11 rv CKR_GENERAL_ERROR max 2\n"),
              "t");
  std::vector<unsigned long> got;
  for (int i = 0; i < 16; ++i) {
    Verdict v = Call(inj, Sign());
    got.push_back(v.kind == Verdict::Kind::kFail ? v.rv : CKR_OK);
  }
  const std::vector<unsigned long> want = {
      CKR_OK, CKR_OK, CKR_DEVICE_ERROR, CKR_OK, CKR_SESSION_HANDLE_INVALID, CKR_OK, CKR_FUNCTION_FAILED,
      CKR_FUNCTION_FAILED, CKR_OK, CKR_SESSION_HANDLE_INVALID, CKR_OK, CKR_GENERAL_ERROR, CKR_GENERAL_ERROR,
      CKR_OK, CKR_SESSION_HANDLE_INVALID, CKR_OK};
  EXPECT_EQ(got, want);
}

TEST(FaultInjector, CountersArePerFunction) {
  FaultInjector inj;
  inj.SetPlan(Plan("C_Sign call 2 rv CKR_DEVICE_ERROR\n"), "t");
  EXPECT_EQ(Call(inj, CallInfo{F::kC_SignInit, 7, 1}).kind, Verdict::Kind::kForward);
  EXPECT_EQ(Call(inj, Sign()).kind, Verdict::Kind::kForward);
  EXPECT_EQ(Call(inj, CallInfo{F::kC_SignInit, 7, 1}).kind, Verdict::Kind::kForward);
  Verdict v = Call(inj, Sign());
  EXPECT_EQ(v.kind, Verdict::Kind::kFail);
  EXPECT_EQ(v.call, 2u);
  EXPECT_EQ(v.seq, 4u);
}

TEST(FaultInjector, StarCountsAllFunctions) {
  FaultInjector inj;
  inj.SetPlan(Plan("* call 3 rv CKR_DEVICE_ERROR\n"), "t");
  EXPECT_EQ(Call(inj, CallInfo{F::kC_Initialize}).kind, Verdict::Kind::kForward);
  EXPECT_EQ(Call(inj, CallInfo{F::kC_GetSlotList}).kind, Verdict::Kind::kForward);
  Verdict v = Call(inj, CallInfo{F::kC_OpenSession, 7});
  EXPECT_EQ(v.kind, Verdict::Kind::kFail);
  EXPECT_EQ(v.rv, CKR_DEVICE_ERROR);
}

TEST(FaultInjector, ProbabilityIsDeterministicPerSeedAndRoughlyRight) {
  auto run = [](uint64_t seed) {
    FaultInjector inj;
    FaultPlan plan = Plan("C_Sign prob 0.25 rv CKR_DEVICE_ERROR\n");
    plan.seed = seed;
    inj.SetPlan(plan, "t");
    std::string pattern;
    for (int i = 0; i < 2000; ++i) pattern += Call(inj, Sign()).kind == Verdict::Kind::kFail ? 'x' : '.';
    return pattern;
  };
  const std::string a = run(9), b = run(9), c = run(10);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  const auto fails = std::count(a.begin(), a.end(), 'x');
  EXPECT_GT(fails, 400);
  EXPECT_LT(fails, 600);
}

TEST(FaultInjector, ProbDecisionDoesNotDependOnOtherCalls) {
  // The decision for the Nth C_Sign is the same whatever other calls come between.
  auto run = [](bool noise) {
    FaultInjector inj;
    inj.SetPlan(Plan("seed 5\nC_Sign prob 0.3 rv CKR_DEVICE_ERROR\n"), "t");
    std::string pattern;
    for (int i = 0; i < 300; ++i) {
      if (noise && i % 3 == 0) Call(inj, CallInfo{F::kC_FindObjects, 7, 1});
      pattern += Call(inj, Sign()).kind == Verdict::Kind::kFail ? 'x' : '.';
    }
    return pattern;
  };
  EXPECT_EQ(run(false), run(true));
}

TEST(FaultInjector, SlotFilterCountsPerSlot) {
  FaultInjector inj;
  inj.SetPlan(Plan("C_Sign call 2 rv CKR_DEVICE_ERROR slot 8\n"), "t");
  EXPECT_EQ(Call(inj, Sign(1, 7)).kind, Verdict::Kind::kForward);
  EXPECT_EQ(Call(inj, Sign(1, 7)).kind, Verdict::Kind::kForward);
  EXPECT_EQ(Call(inj, Sign(2, 8)).kind, Verdict::Kind::kForward);
  EXPECT_EQ(Call(inj, Sign(1, 7)).kind, Verdict::Kind::kForward);
  Verdict v = Call(inj, Sign(2, 8));
  EXPECT_EQ(v.kind, Verdict::Kind::kFail);
  EXPECT_EQ(v.faults.at(0).call, 2u);  // the second C_Sign on slot 8
  EXPECT_EQ(v.call, 5u);               // the fifth C_Sign overall
}

TEST(FaultInjector, TokenFilterResolvesLabels) {
  FaultInjector inj;
  int lookups = 0;
  inj.SetLabelResolver([&](unsigned long slot) -> std::optional<std::string> {
    ++lookups;
    if (slot == 7) return "hsm-a";
    if (slot == 8) return "hsm-b";
    return std::nullopt;
  });
  inj.SetPlan(Plan("C_Sign always rv CKR_DEVICE_ERROR token hsm-b\n"), "t");
  EXPECT_EQ(Call(inj, Sign(1, 7)).kind, Verdict::Kind::kForward);
  EXPECT_EQ(Call(inj, Sign(2, 8)).kind, Verdict::Kind::kFail);
  EXPECT_EQ(Call(inj, Sign(1, 7)).kind, Verdict::Kind::kForward);
  EXPECT_EQ(Call(inj, Sign(2, 8)).kind, Verdict::Kind::kFail);
  EXPECT_EQ(Call(inj, Sign(3, std::nullopt)).kind, Verdict::Kind::kForward);
  EXPECT_EQ(lookups, 2);  // cached
  inj.OnTokensChanged();
  Call(inj, Sign(1, 7));
  EXPECT_EQ(lookups, 3);
}

TEST(FaultInjector, SucceedButReportAndLatency) {
  FaultInjector inj;
  inj.SetPlan(Plan("C_GenerateKeyPair call 1 succeed-but-report CKR_DEVICE_ERROR\n"
                   "C_GenerateKeyPair always latency 30ms max 2\n"),
              "t");
  Verdict v = inj.Before(CallInfo{F::kC_GenerateKeyPair, 7, 1});
  EXPECT_EQ(v.kind, Verdict::Kind::kSucceedButReport);
  EXPECT_EQ(v.rv, CKR_DEVICE_ERROR);
  EXPECT_EQ(v.latency_us, 30000u);
  ASSERT_EQ(v.faults.size(), 2u);
  v = inj.Before(CallInfo{F::kC_GenerateKeyPair, 7, 1});
  EXPECT_EQ(v.kind, Verdict::Kind::kForward);
  EXPECT_EQ(v.latency_us, 30000u);
  v = inj.Before(CallInfo{F::kC_GenerateKeyPair, 7, 1});
  EXPECT_EQ(v.latency_us, 0u);  // max 2
}

TEST(FaultInjector, OneFailurePerCallFirstRuleWins) {
  FaultInjector inj;
  inj.SetPlan(Plan("C_Sign call 1 rv CKR_DEVICE_ERROR\nC_Sign call 1 rv CKR_GENERAL_ERROR\n"
                   "C_Sign call 2 rv CKR_GENERAL_ERROR max 1\n"),
              "t");
  Verdict v = Call(inj, Sign());
  EXPECT_EQ(v.rv, CKR_DEVICE_ERROR);
  EXPECT_EQ(v.faults.size(), 1u);
  EXPECT_EQ(Call(inj, Sign()).rv, CKR_GENERAL_ERROR);  // rule 3 was not used up by the shadowed call
}

TEST(FaultInjector, CorruptCountsOnlyCallsWithOutput) {
  FaultInjector inj;
  inj.SetPlan(Plan("seed 3\nC_Sign call 2 corrupt\n"), "t");
  CallInfo c = Sign();
  Verdict v = inj.Before(c);
  EXPECT_FALSE(inj.AfterOutput(c, v, {0}).has_value());  // a length query: not counted
  EXPECT_FALSE(inj.AfterOutput(c, v, {64}).has_value());  // output call 1
  v = inj.Before(c);
  auto corruption = inj.AfterOutput(c, v, {64});  // output call 2
  ASSERT_TRUE(corruption.has_value());
  EXPECT_EQ(corruption->part, 0u);
  EXPECT_LT(corruption->byte, 64u);
  EXPECT_LT(corruption->bit, 8);
  ASSERT_EQ(v.faults.size(), 1u);
  EXPECT_EQ(v.faults[0].fault.rfind("corrupt:part=0,byte=", 0), 0u) << v.faults[0].fault;
  // The same plan flips the same bit.
  FaultInjector again;
  again.SetPlan(Plan("seed 3\nC_Sign call 2 corrupt\n"), "t");
  Verdict w = again.Before(c);
  again.AfterOutput(c, w, {64});
  auto same = again.AfterOutput(c, w, {64});
  ASSERT_TRUE(same.has_value());
  EXPECT_EQ(same->byte, corruption->byte);
  EXPECT_EQ(same->bit, corruption->bit);
}

TEST(FaultInjector, CorruptPicksAmongNonEmptyParts) {
  FaultInjector inj;
  inj.SetPlan(Plan("C_GetAttributeValue always corrupt\n"), "t");
  CallInfo c{F::kC_GetAttributeValue, 7, 1};
  for (int i = 0; i < 50; ++i) {
    Verdict v = inj.Before(c);
    auto corruption = inj.AfterOutput(c, v, {0, 4, 0, 65});
    ASSERT_TRUE(corruption.has_value());
    EXPECT_TRUE(corruption->part == 1 || corruption->part == 3);
    EXPECT_LT(corruption->byte, corruption->part == 1 ? 4u : 65u);
  }
}

TEST(FaultInjector, RemovedTokenFailsLaterCallsAsPkcs11Would) {
  FaultInjector inj;
  inj.SetPlan(Plan("* after 3 removed\n"), "t");
  inj.OnSessionOpened(1, 7);
  EXPECT_EQ(Call(inj, CallInfo{F::kC_Initialize}).kind, Verdict::Kind::kForward);
  EXPECT_EQ(Call(inj, CallInfo{F::kC_OpenSession, 7}).kind, Verdict::Kind::kForward);
  EXPECT_EQ(Call(inj, Sign(1, 7)).kind, Verdict::Kind::kForward);
  Verdict v = Call(inj, Sign(1, 7));  // the 4th call: removal starts here
  EXPECT_TRUE(v.removal_started);
  EXPECT_FALSE(v.removed_slot.has_value());  // every slot
  EXPECT_EQ(v.kind, Verdict::Kind::kFail);
  EXPECT_EQ(v.rv, CKR_DEVICE_REMOVED);
  v = Call(inj, CallInfo{F::kC_OpenSession, 7});
  EXPECT_EQ(v.rv, CKR_TOKEN_NOT_PRESENT);
  EXPECT_FALSE(v.removal_started);
  v = Call(inj, CallInfo{F::kC_Login, std::nullopt, 99});  // unknown session, every token gone
  EXPECT_EQ(v.rv, CKR_DEVICE_REMOVED);
  v = Call(inj, CallInfo{F::kC_GetSlotInfo, 7});
  EXPECT_EQ(v.kind, Verdict::Kind::kForward);  // the slot is still there (its token is hidden by the module)
  EXPECT_EQ(Call(inj, CallInfo{F::kC_GetInfo}).kind, Verdict::Kind::kForward);
  EXPECT_TRUE(inj.RemovedBy(7).has_value());
  EXPECT_EQ(*inj.RemovedBy(7), 1);
}

TEST(FaultInjector, RemovedForNCallsThenBack) {
  FaultInjector inj;
  inj.SetPlan(Plan("C_Sign call 1 removed for 2 slot 7\n"), "t");
  Verdict v = Call(inj, Sign(1, 7));
  EXPECT_EQ(v.rv, CKR_DEVICE_REMOVED);
  EXPECT_EQ(v.removed_slot, 7u);
  EXPECT_EQ(Call(inj, Sign(2, 8)).kind, Verdict::Kind::kForward);  // another HSM is fine
  EXPECT_EQ(Call(inj, Sign(1, 7)).rv, CKR_DEVICE_REMOVED);
  EXPECT_EQ(Call(inj, Sign(1, 7)).kind, Verdict::Kind::kForward);  // back after 2 calls
  EXPECT_FALSE(inj.AnyRemoved());
}

TEST(FaultInjector, OperationActiveAfterFailedSignUntilSessionCloses) {
  FaultInjector inj;
  inj.SetPlan(Plan("C_Sign call 1 rv CKR_DEVICE_ERROR then operation-active\n"), "t");
  inj.OnSessionOpened(1, 7);
  inj.OnSessionOpened(2, 7);
  EXPECT_EQ(Call(inj, CallInfo{F::kC_SignInit, 7, 1}).kind, Verdict::Kind::kForward);
  Verdict v = Call(inj, Sign(1, 7));
  EXPECT_EQ(v.rv, CKR_DEVICE_ERROR);
  EXPECT_NE(v.faults.at(0).fault.find("then-operation-active"), std::string::npos);
  for (int i = 0; i < 3; ++i) {
    v = Call(inj, CallInfo{F::kC_SignInit, 7, 1});
    EXPECT_EQ(v.rv, CKR_OPERATION_ACTIVE);
    EXPECT_EQ(v.faults.at(0).rule, 1);
  }
  EXPECT_EQ(Call(inj, CallInfo{F::kC_SignInit, 7, 2}).kind, Verdict::Kind::kForward);  // other session
  EXPECT_EQ(Call(inj, CallInfo{F::kC_DigestInit, 7, 1}).kind, Verdict::Kind::kForward);  // other family
  inj.OnSessionClosed(1);
  EXPECT_EQ(Call(inj, CallInfo{F::kC_SignInit, 7, 1}).kind, Verdict::Kind::kForward);
}

TEST(FaultInjector, NewPlanResetsCountersAndState) {
  FaultInjector inj;
  inj.SetPlan(Plan("C_Sign call 2 rv CKR_DEVICE_ERROR\n* call 1 removed slot 9\n"), "t");
  Call(inj, Sign());
  Call(inj, CallInfo{F::kC_OpenSession, 9});
  EXPECT_TRUE(inj.RemovedBy(9).has_value());
  inj.SetPlan(Plan("C_Sign call 2 rv CKR_DEVICE_ERROR\n"), "t2");
  EXPECT_FALSE(inj.AnyRemoved());
  EXPECT_EQ(Call(inj, Sign()).kind, Verdict::Kind::kForward);  // call 1 again
  EXPECT_EQ(Call(inj, Sign()).kind, Verdict::Kind::kFail);
}

TEST(FaultInjector, LogHasOneLinePerInjectedFault) {
  FaultInjector inj;
  inj.SetPlan(Plan("C_Sign call 2 rv CKR_DEVICE_ERROR\nC_Login call 1 succeed-but-report CKR_PIN_INCORRECT\n"),
              "my.plan");
  Call(inj, Sign(1, 7));
  Call(inj, Sign(1, 7));
  CallInfo login{F::kC_Login, 7, 1};
  Verdict v = inj.Before(login);
  inj.Finish(login, v, CKR_OK, CKR_PIN_INCORRECT);
  std::vector<std::string> lines = inj.TakeLogLines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "plan source=my.plan seed=0 rules=2");
  EXPECT_EQ(lines[1],
            "injected seq=2 fn=C_Sign call=2 slot=7 session=1 rule=1 fault=rv:CKR_DEVICE_ERROR "
            "rv=CKR_DEVICE_ERROR real=not-called");
  EXPECT_EQ(lines[2],
            "injected seq=3 fn=C_Login call=1 slot=7 session=1 rule=2 fault=succeed-but-report:CKR_PIN_INCORRECT "
            "rv=CKR_PIN_INCORRECT real=CKR_OK");
  EXPECT_TRUE(inj.TakeLogLines().empty());
  const std::string stats = inj.Stats();
  EXPECT_NE(stats.find("C_Sign calls=2 injected=1"), std::string::npos) << stats;
  EXPECT_NE(stats.find("total calls=3 injected=2"), std::string::npos) << stats;
}

TEST(FaultInjector, LogCallsAndLogFile) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(tmp ? tmp : "/tmp") + "/injector.log";
  std::remove(path.c_str());
  FaultInjector inj;
  ASSERT_TRUE(inj.OpenLogFile(path).ok());
  inj.SetLogCalls(true);
  inj.SetPlan(Plan("C_Sign call 2 rv CKR_DEVICE_ERROR\n"), "p");
  Call(inj, Sign());
  Call(inj, Sign());
  inj.LogError("something\nbad");
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(),
            "plan source=p seed=0 rules=1\n"
            "forwarded seq=1 fn=C_Sign call=1 slot=7 session=1 rv=CKR_OK real=CKR_OK\n"
            "injected seq=2 fn=C_Sign call=2 slot=7 session=1 rule=1 fault=rv:CKR_DEVICE_ERROR "
            "rv=CKR_DEVICE_ERROR real=not-called\n"
            "error something bad\n");
  EXPECT_FALSE(inj.OpenLogFile("/nonexistent-dir/x.log").ok());
}

TEST(FaultInjector, TakeLogCopiesWholeLinesAndNeverStalls) {
  FaultInjector inj;
  inj.SetPlan(Plan("C_Sign always rv CKR_DEVICE_ERROR\n"), "p");
  for (int i = 0; i < 5; ++i) Call(inj, Sign());
  char small[16];
  size_t n = inj.TakeLog(small, sizeof small);  // "plan ..." is longer: truncated, not stuck
  EXPECT_EQ(n, sizeof small - 1);
  EXPECT_EQ(std::string(small), "plan source=p s");
  char buf[4096];
  std::string all;
  while ((n = inj.TakeLog(buf, 300)) > 0) {
    EXPECT_EQ(buf[n - 1], '\n');
    all += buf;
  }
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 5);
  EXPECT_EQ(inj.TakeLog(nullptr, 0), 0u);
}

}  // namespace
}  // namespace rollcage::faults
