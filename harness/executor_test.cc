#include "harness/executor.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "harness/adapters/reference_adapter.h"
#include "harness/oracle_judge.h"

namespace rollcage::harness {
namespace {

std::string TmpDir(const std::string& name) {
  const char* t = std::getenv("TEST_TMPDIR");
  std::string d = std::string(t ? t : "/tmp") + "/" + name;
  std::filesystem::remove_all(d);
  return d;
}

Scenario Parsed(const std::string& text) {
  auto s = Parse(text, "test");
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? *s : Scenario{};
}

struct Outcome {
  RunResult result;
  std::string dump;
};

Outcome RunScenario(const Scenario& s, const std::string& dir) {
  auto adapter = ReferenceAdapter::Create(s, {.state_dir = TmpDir(dir)});
  EXPECT_TRUE(adapter.ok()) << adapter.status().message();
  OracleJudge judge;
  Executor ex(adapter->get(), &judge, {});
  auto r = ex.Run(s);
  EXPECT_TRUE(r.ok()) << r.status().message();
  Outcome o{r.ok() ? *r : RunResult{}, ""};
  for (const auto& f : o.result.findings) o.dump += FormatFinding(f) + "\n";
  return o;
}

constexpr char kRollovers[] = R"(rollcage-scenario 1
origin example.
seed 5
hsms 0
algorithm 13
denial nsec3
policy zsk-lifetime 10d
policy ksk-lifetime 30d
events
add www 300 A 192.0.2.1
delegate sub ds
delegate insecure
advance 12d
add mail 600 MX 10 mail.example.
rollover zsk
advance 130m
add busy 300 TXT "an edit right after the ZSK switch"
advance 10m
add busy2 300 TXT "and another"
advance 20d
ttl www A 60
remove www 300 A 192.0.2.1
advance 25d
)";

TEST(Executor, TwoMonthsOfRolloversAndEditsAreClean) {
  auto o = RunScenario(Parsed(kRollovers), "ex1");
  EXPECT_TRUE(o.result.findings.empty()) << o.dump;
  EXPECT_GT(o.result.timeline.zones.size(), 15u);
  EXPECT_GE(o.result.timeline.parent_ds.size(), 3u);  // empty, first DS, a KSK rollover
  EXPECT_GT(o.result.ticks, 20);
}

TEST(Executor, DeterministicTimelineAndVerdict) {
  auto a = RunScenario(Parsed(kRollovers), "ex2a");
  auto b = RunScenario(Parsed(kRollovers), "ex2b");
  ASSERT_EQ(a.result.timeline.zones.size(), b.result.timeline.zones.size());
  for (size_t i = 0; i < a.result.timeline.zones.size(); ++i) {
    EXPECT_EQ(a.result.timeline.zones[i].published, b.result.timeline.zones[i].published);
    EXPECT_EQ(a.result.timeline.zones[i].zone.ToText(), b.result.timeline.zones[i].zone.ToText()) << i;
  }
  EXPECT_EQ(a.result.log, b.result.log);
  EXPECT_EQ(a.dump, b.dump);
}

TEST(Executor, CrashesAtEveryKaspStepStillGiveACacheSafeTimeline) {
  for (std::string point : {"keygen-intent", "keygen", "transition", "after-transition", "sign"}) {
    std::string text = std::string(kRollovers);
    text.replace(text.find("rollover zsk"), 12, "crash " + point + "\nrollover zsk");
    auto o = RunScenario(Parsed(text), "ex3-" + point);
    EXPECT_TRUE(o.result.findings.empty()) << point << "\n" << o.dump;
    bool crashed = false;
    for (const auto& l : o.result.log) crashed |= l.find("crashed") != std::string::npos;
    EXPECT_TRUE(crashed) << point;
  }
}

TEST(Executor, SoftHsmPoolWithFaultsFailsClosedAndStaysValid) {
  auto s = Parsed(R"(rollcage-scenario 1
origin example.
seed 9
hsms 2
algorithm 13
denial nsec
events
add www 300 A 192.0.2.1
advance 1d
hsm-fault 0 C_Sign always rv CKR_DEVICE_ERROR
add www2 300 A 192.0.2.2
advance 2h
hsm-remove 1
advance 3d
hsm-restore 1
advance 1d
)");
  // The first fault makes every C_Sign fail on both HSMs: the signer must refuse, not publish.
  auto o = RunScenario(s, "ex4");
  EXPECT_TRUE(o.result.findings.empty()) << o.dump;
  EXPECT_GT(o.result.refusals, 0);
  bool injected = false;
  for (const auto& l : o.result.log) injected |= l.find("fault injected: C_Sign") != std::string::npos;
  EXPECT_TRUE(injected);
  EXPECT_FALSE(o.result.hsm_keys.empty());
}

}  // namespace
}  // namespace rollcage::harness
