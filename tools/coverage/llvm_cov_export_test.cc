#include "tools/coverage/llvm_cov_export.h"

#include <gtest/gtest.h>

namespace rollcage::coverage {
namespace {

// The shape of `llvm-cov-14 export -summary-only` (trimmed): files of the signer, of its tests,
// of other packages and a system header.
const char kExport[] = R"({
 "type": "llvm.coverage.json.export", "version": "2.0.1",
 "data": [{
  "files": [
   {"filename": "signer-under-test/zone_signer.cc",
    "summary": {"lines": {"count": 400, "covered": 350, "percent": 87.5},
                "branches": {"count": 200, "covered": 150, "notcovered": 50, "percent": 75},
                "functions": {"count": 30, "covered": 29, "percent": 96.6},
                "regions": {"count": 500, "covered": 420, "notcovered": 80, "percent": 84}}},
   {"filename": "/build/.cache/bazel/x/execroot/rollcage/signer-under-test/kasp/key_manager.cc",
    "summary": {"lines": {"count": 100, "covered": 50, "percent": 50},
                "branches": {"count": 40, "covered": 10, "notcovered": 30, "percent": 25},
                "functions": {"count": 10, "covered": 5, "percent": 50}}},
   {"filename": "signer-under-test/zone_signer_test.cc",
    "summary": {"lines": {"count": 900, "covered": 900, "percent": 100},
                "branches": {"count": 10, "covered": 10, "notcovered": 0, "percent": 100},
                "functions": {"count": 40, "covered": 40, "percent": 100}}},
   {"filename": "signer-under-test/testing/verify.cc",
    "summary": {"lines": {"count": 50, "covered": 50, "percent": 100},
                "functions": {"count": 4, "covered": 4, "percent": 100}}},
   {"filename": "dns/zone.cc",
    "summary": {"lines": {"count": 10, "covered": 1, "percent": 10},
                "functions": {"count": 1, "covered": 1, "percent": 100}}},
   {"filename": "/usr/include/c++/12/bits/stl_vector.h",
    "summary": {"lines": {"count": 10, "covered": 1, "percent": 10},
                "functions": {"count": 1, "covered": 1, "percent": 100}}},
   {"filename": "signer-under-test/key_tag.h",
    "summary": {"lines": {"count": 6, "covered": 6, "percent": 100},
                "functions": {"count": 1, "covered": 1, "percent": 100}}}
  ],
  "totals": {}
 }]
})";

TEST(LlvmCovExport, KeepsOnlySignerCodeAndSumsIt) {
  auto s = ParseLlvmCovExport(kExport);
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->files.size(), 3u);
  EXPECT_EQ(s->files[0].file, "signer-under-test/kasp/key_manager.cc");
  EXPECT_EQ(s->files[1].file, "signer-under-test/key_tag.h");
  EXPECT_EQ(s->files[2].file, "signer-under-test/zone_signer.cc");
  EXPECT_DOUBLE_EQ(s->total.lines, 506);
  EXPECT_DOUBLE_EQ(s->total.lines_covered, 406);
  EXPECT_DOUBLE_EQ(s->total.branches, 240);
  EXPECT_DOUBLE_EQ(s->total.branches_covered, 160);
  EXPECT_DOUBLE_EQ(s->total.functions, 41);
  EXPECT_DOUBLE_EQ(s->total.functions_covered, 35);
  EXPECT_NEAR(s->total.branch_percent(), 66.67, 0.01);
  EXPECT_EQ(s->scope, "signer-under-test/");
}

TEST(LlvmCovExport, MalformedInputIsBadInputNotACrash) {
  EXPECT_FALSE(ParseLlvmCovExport("").ok());
  EXPECT_FALSE(ParseLlvmCovExport("[]").ok());
  EXPECT_FALSE(ParseLlvmCovExport(R"({"type": "something else", "data": []})").ok());
  auto bad = ParseLlvmCovExport(
      R"({"type": "llvm.coverage.json.export", "data": [{"files": [{"filename": "signer-under-test/a.cc"}]}]})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("malformed file entry"), std::string::npos);
}

TEST(LlvmCovExport, NothingInScopeIsAnEmptyTotal) {
  auto s = ParseLlvmCovExport(R"({"type": "llvm.coverage.json.export", "data": [{"files": []}]})");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->files.empty());
  EXPECT_EQ(s->total.lines, 0);
}

TEST(LlvmCovExport, RepositoryPath) {
  EXPECT_EQ(RepositoryPath("signer-under-test/a.cc", "signer-under-test/"), "signer-under-test/a.cc");
  EXPECT_EQ(RepositoryPath("/proc/self/cwd/signer-under-test/a.cc", "signer-under-test/"), "signer-under-test/a.cc");
  EXPECT_EQ(RepositoryPath("oracle/a.cc", "signer-under-test/"), "");
  EXPECT_EQ(RepositoryPath("/x/not-signer-under-test/a.cc", "signer-under-test/"), "");
}

}  // namespace
}  // namespace rollcage::coverage
