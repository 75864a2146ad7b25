#include "harness/faults/pkcs11/chaos_control.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

namespace rollcage::faults {
namespace {

TEST(ChaosLogLine, ParsesInjectedLines) {
  auto line = ParseChaosLogLine(
      "injected seq=14 fn=C_Sign call=3 slot=1361907886 session=2 rule=4 fault=rv:CKR_DEVICE_ERROR "
      "rv=CKR_DEVICE_ERROR real=not-called");
  ASSERT_TRUE(line.ok()) << line.status().message();
  EXPECT_EQ(line->kind, "injected");
  EXPECT_EQ(line->seq, 14u);
  EXPECT_EQ(line->function, "C_Sign");
  EXPECT_EQ(line->call, 3u);
  EXPECT_EQ(line->slot, 1361907886ul);
  EXPECT_EQ(line->session, 2ul);
  EXPECT_EQ(line->rule, 4);
  EXPECT_EQ(line->fault, "rv:CKR_DEVICE_ERROR");
  EXPECT_EQ(line->rv, "CKR_DEVICE_ERROR");
  EXPECT_EQ(line->real, "not-called");
}

TEST(ChaosLogLine, ParsesOtherKindsAndRejectsGarbage) {
  auto fwd = ParseChaosLogLine("forwarded seq=1 fn=C_Initialize call=1 slot=- rv=CKR_OK real=CKR_OK future=1");
  ASSERT_TRUE(fwd.ok());
  EXPECT_FALSE(fwd->slot.has_value());
  EXPECT_FALSE(fwd->session.has_value());
  auto err = ParseChaosLogLine("error fault plan rejected: x.plan:2: unknown CK_RV 'CKR_NOPE'");
  ASSERT_TRUE(err.ok());
  EXPECT_EQ(err->kind, "error");
  EXPECT_FALSE(ParseChaosLogLine("").ok());
  EXPECT_FALSE(ParseChaosLogLine("injected seq=x").ok());
  EXPECT_FALSE(ParseChaosLogLine("injected seq").ok());
  EXPECT_FALSE(ParseChaosLogLine("injected slot=-3").ok());
}

TEST(ChaosControl, LoadFailsCleanly) {
  auto missing = ChaosControl::Load("/nonexistent/librollcage_chaos_pkcs11.so");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().kind(), ErrorKind::kEnvironment);

  const char* softhsm_env = std::getenv("ROLLCAGE_SOFTHSM_MODULE");
  const std::string softhsm = softhsm_env && *softhsm_env ? softhsm_env : "/usr/lib/softhsm/libsofthsm2.so";
  void* handle = dlopen(softhsm.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr) << dlerror();
  auto not_chaos = ChaosControl::FromHandle(handle);
  ASSERT_FALSE(not_chaos.ok());
  EXPECT_NE(not_chaos.status().message().find("not the rollcage chaos PKCS#11 module"), std::string::npos);
}

TEST(ChaosControl, PlansRoundTripThroughTheModule) {
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
  auto control = ChaosControl::Load(std::string(cwd) + "/" + kChaosModuleRunfilesPath);
  ASSERT_TRUE(control.ok()) << control.status().message();
  ASSERT_NE(control->functions(), nullptr);
  EXPECT_EQ(control->functions()->version.major, 2);
  EXPECT_EQ(control->functions()->version.minor, 40);

  RandomFaultPlanOptions o;
  o.seed = 77;
  o.fault_budget = 5;
  FaultPlan plan = GenerateRandomFaultPlan(o);
  ASSERT_TRUE(control->SetPlan(plan).ok());
  auto back = ParseFaultPlan(control->PlanText());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, plan);

  FaultRule bad;
  bad.function = Pkcs11Function::kC_Login;
  bad.action.kind = FaultAction::Kind::kCorrupt;
  FaultPlan bad_plan;
  bad_plan.rules.push_back(bad);
  Status st = control->SetPlan(bad_plan);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "fault plan rule 1: C_Login returns no output to corrupt");
  EXPECT_EQ(*ParseFaultPlan(control->PlanText()), plan);  // unchanged

  // Calls before C_Initialize are refused the PKCS#11 way, not crashed on.
  CK_SESSION_HANDLE s;
  EXPECT_EQ(control->functions()->C_OpenSession(0, CKF_SERIAL_SESSION, nullptr, nullptr, &s),
            static_cast<CK_RV>(CKR_CRYPTOKI_NOT_INITIALIZED));
  auto log = control->TakeLog();
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log[0].kind, "plan");
}

}  // namespace
}  // namespace rollcage::faults
