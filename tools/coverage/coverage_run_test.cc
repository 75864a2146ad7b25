// What RunCoverage does before it starts Bazel: it refuses to run outside a checkout and names a
// missing tool, with the environment exit code. (The measurement itself runs Bazel in the checkout,
// so it is exercised by `rollcage coverage`, not inside a Bazel test; docs/report.md.)
#include "tools/coverage/coverage_run.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "base/file.h"

namespace rollcage::coverage {
namespace {

std::string Tmp() {
  const char* t = std::getenv("TEST_TMPDIR");
  return t ? t : "/tmp";
}

TEST(CoverageRun, OutsideACheckoutIsAnEnvironmentError) {
  CoverageRunOptions o;
  o.workspace = Tmp() + "/not-a-checkout";
  ASSERT_TRUE(MakeDirs(o.workspace).ok());
  o.out_dir = Tmp() + "/out";
  auto r = RunCoverage(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kEnvironment);
  EXPECT_NE(r.status().message().find("no WORKSPACE"), std::string::npos) << r.status().message();
}

TEST(CoverageRun, MissingToolIsNamed) {
  CoverageRunOptions o;
  o.workspace = Tmp() + "/checkout";
  ASSERT_TRUE(MakeDirs(o.workspace).ok());
  ASSERT_TRUE(WriteFileAtomic(o.workspace + "/WORKSPACE", "").ok());
  o.out_dir = Tmp() + "/out";
  o.bazel = o.profdata = "true";  // present everywhere; the missing one is llvm-cov
  o.llvm_cov = "no-such-llvm-cov";
  std::vector<std::string> phases;
  o.phase = [&](const std::string& p) { phases.push_back(p); };
  auto r = RunCoverage(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kEnvironment);
  EXPECT_NE(r.status().message().find("no-such-llvm-cov is not installed"), std::string::npos);
  EXPECT_TRUE(phases.empty());  // nothing was started
}

}  // namespace
}  // namespace rollcage::coverage
