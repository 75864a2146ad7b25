#include "harness/run_record.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "base/file.h"

namespace rollcage::harness {
namespace {

TEST(RunRecord, JsonRoundTripAndDirectoryScan) {
  const char* t = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(t ? t : "/tmp") + "/results";
  std::filesystem::remove_all(dir);
  RunRecord r;
  r.kind = "mutants";
  r.command = "rollcage mutants --seeds 1";
  r.started = 1767225600;
  r.finished = 1767225700;
  r.algorithms = {13};
  r.hsms = 3;
  r.series.push_back({1.5, 10, 0, 0, 6.6});
  r.findings.push_back({"rrsig-unpublished-key-same-tag", "error", "per-hsm-keypair", "3 keys", "x.scn", "rollcage repro x.scn"});
  r.mutants.push_back({"per-hsm-keypair", true, 2.5, 3, 3, 4, "rrsig-unpublished-key-same-tag", "x.scn"});
  r.verdict = "fail";
  ASSERT_TRUE(WriteRunRecord(r, dir).ok());
  ASSERT_TRUE(WriteFileAtomic(dir + "/garbage.json", "{not json").ok());
  std::vector<std::string> skipped;
  auto all = ReadRunRecords(dir, &skipped);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(skipped.size(), 1u);
  const RunRecord& b = all[0];
  EXPECT_EQ(b.kind, "mutants");
  EXPECT_EQ(b.finished - b.started, 100);
  ASSERT_EQ(b.mutants.size(), 1u);
  EXPECT_TRUE(b.mutants[0].killed);
  EXPECT_DOUBLE_EQ(b.mutants[0].median_s, 2.5);
  ASSERT_EQ(b.findings.size(), 1u);
  EXPECT_EQ(b.findings[0].repro, "rollcage repro x.scn");
  EXPECT_EQ(b.ToJson(), r.ToJson());
}

TEST(RunRecord, InvalidUtf8InAFindingIsReplacedNotFatal) {
  const char* t = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(t ? t : "/tmp") + "/results-utf8";
  std::filesystem::remove_all(dir);
  RunRecord r;
  r.kind = "nightly";
  r.started = 1767225600;
  r.finished = 1767225660;
  r.findings.push_back({"crash", "error", "rr_roundtrip", "name \xff\xfe.example.", "crash-1", "rollcage repro crash-1"});
  ASSERT_TRUE(WriteRunRecord(r, dir).ok());
  auto all = ReadRunRecords(dir);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].findings[0].detail, "name \xEF\xBF\xBD\xEF\xBF\xBD.example.");
}

}  // namespace
}  // namespace rollcage::harness
