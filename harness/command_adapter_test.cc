#include "harness/adapters/command_adapter.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "harness/executor.h"
#include "harness/oracle_judge.h"

namespace rollcage::harness {
namespace {

TEST(CommandAdapter, LdnsSignzoneDrivenByTheExecutorIsClean) {
  auto s = Parse(R"(rollcage-scenario 1
origin example.
seed 1
hsms 0
algorithm 13
denial nsec3
events
add www 300 A 192.0.2.1
delegate sec ds
delegate insec
advance 1d
add www2 300 A 192.0.2.2
rollover zsk
advance 3d
)");
  ASSERT_TRUE(s.ok()) << s.status().message();
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string cmd = std::filesystem::absolute("tools/signers/ldns-signzone.sh").string();
  auto a = CommandAdapter::Create(*s, {.command = cmd, .state_dir = std::string(tmp ? tmp : "/tmp") + "/ldns"});
  ASSERT_TRUE(a.ok()) << a.status().message();
  OracleJudge judge;
  Executor ex(a->get(), &judge, {});
  auto r = ex.Run(*s);
  ASSERT_TRUE(r.ok()) << r.status().message();
  std::string dump;
  for (const auto& f : r->findings) dump += FormatFinding(f) + "\n";
  for (const auto& l : r->log) dump += l + "\n";
  EXPECT_FALSE(r->Failed()) << dump;
  EXPECT_GE(r->timeline.zones.size(), 4u) << dump;
  EXPECT_GE(r->timeline.parent_ds.size(), 2u) << dump;  // the wrapper asked for its KSK's DS
}

TEST(CommandAdapter, MissingCommandIsAnEnvironmentError) {
  auto s = Parse("rollcage-scenario 1\norigin example.\nevents\n");
  ASSERT_TRUE(s.ok());
  auto a = CommandAdapter::Create(*s, {.command = "/nonexistent/signer", .state_dir = "/tmp/x"});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().kind(), ErrorKind::kEnvironment);
}

}  // namespace
}  // namespace rollcage::harness
