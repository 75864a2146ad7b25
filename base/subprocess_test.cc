#include "base/subprocess.h"

#include <gtest/gtest.h>

namespace rollcage {
namespace {

TEST(Subprocess, CapturesOutputAndExitCode) {
  auto r = RunCommand({"sh", "-c", "echo out; echo err >&2; exit 3"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
}

TEST(Subprocess, StdinEnvAndTimeout) {
  auto r = RunCommand({"sh", "-c", "cat; echo $RC_X"}, {.env = {{"RC_X", "y"}}, .stdin_text = "in\n"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "in\ny\n");
  auto t = RunCommand({"sleep", "5"}, {.timeout_seconds = 0.3});
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->timed_out);
  EXPECT_FALSE(RunCommand({"no-such-program-rollcage"}).ok());
}

}  // namespace
}  // namespace rollcage
