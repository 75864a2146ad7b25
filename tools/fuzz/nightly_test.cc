// `rollcage nightly`'s bookkeeping against a stand-in fuzzer (testdata/fake_fuzzer.sh): crash files
// are reproduced, grouped by key, minimized, written with an envelope and a replay command; new
// inputs are merged without the mutant; the run record carries the figures the report reads.
#include "tools/fuzz/nightly.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/file.h"

namespace rollcage::fuzz {
namespace {

namespace fs = std::filesystem;

class Nightly : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::string(std::getenv("TEST_TMPDIR")) + "/" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(root_);
    fs::create_directories(root_ + "/fuzzers");
    fs::create_directories(root_ + "/corpus/scenario");
    ASSERT_TRUE(WriteFileAtomic(root_ + "/corpus/scenario/seed-1", "seed").ok());
    for (const char* t : {"scenario_fuzz", "zone_fuzz"}) {
      fs::copy_file("tools/fuzz/testdata/fake_fuzzer.sh", root_ + "/fuzzers/" + t);
      fs::permissions(root_ + "/fuzzers/" + t, fs::perms::owner_all);
    }
    o_.workspace = root_;
    o_.fuzzers_dir = root_ + "/fuzzers";
    o_.out_dir = root_ + "/out";
    o_.budget_s = 10;
    o_.minimize_s = 1;
  }
  std::string root_;
  NightlyOptions o_;
};

TEST_F(Nightly, FindingsAreDedupedMinimizedAndReplayable) {
  o_.targets = {"scenario"};
  o_.mutant = "sign-by-tag";
  o_.merge = false;
  auto r = RunNightly(o_);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->targets.size(), 1u);
  const NightlyTarget& t = r->targets[0];
  EXPECT_EQ(t.error, "");
  EXPECT_EQ(t.stats.executions, 300);
  EXPECT_EQ(t.stats.coverage, 42);
  EXPECT_EQ(t.series.size(), 2u);
  EXPECT_EQ(t.crash_files, 3);
  EXPECT_EQ(t.corpus_before, 1);
  EXPECT_EQ(t.corpus_after, 1);  // no merge with a mutant
  ASSERT_EQ(r->findings.size(), 2u);  // two crash files of one finding, one ASan crash

  const NightlyFinding* finding = nullptr;
  const NightlyFinding* asan = nullptr;
  for (const auto& f : r->findings) (f.report.cls.rfind("rollcage:", 0) == 0 ? finding : asan) = &f;
  ASSERT_TRUE(finding && asan);
  EXPECT_EQ(finding->report.cls, "rollcage:key-removed-too-early");
  EXPECT_EQ(finding->count, 2);
  EXPECT_TRUE(finding->minimized);
  auto bytes = ReadFile(finding->reproducer);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, "#rollcage-fuzz 1 mutant=sign-by-tag\nBUG1");  // the envelope, then the minimized input
  EXPECT_EQ(finding->repro, "rollcage repro " + finding->reproducer);
  EXPECT_TRUE(fs::exists(finding->dir + "/finding.txt"));
  EXPECT_TRUE(fs::exists(finding->dir + "/raw-crash-bbb"));  // the smallest of the group

  EXPECT_EQ(asan->report.cls, "asan:heap-use-after-free");
  ASSERT_FALSE(asan->report.frames.empty());
  EXPECT_EQ(asan->report.frames[0], "rollcage::dns::Name::ToText dns/name.cc:40");

  harness::RunRecord rec = ToRunRecord(o_, *r, 100, 200, "rollcage nightly");
  EXPECT_EQ(rec.kind, "nightly");
  EXPECT_EQ(rec.verdict, "fail");
  ASSERT_EQ(rec.targets.size(), 1u);
  EXPECT_EQ(rec.targets[0].executions, 300);
  EXPECT_EQ(rec.targets[0].crashes, 2);
  ASSERT_EQ(rec.findings.size(), 2u);
  // The property finding is the planted bug's; the ASan crash is not explained by it.
  for (const auto& f : rec.findings) {
    EXPECT_EQ(f.target, f.cls.rfind("rollcage:", 0) == 0 ? "sign-by-tag" : "scenario") << f.cls;
  }
  EXPECT_EQ(rec.extra["mutant"], "sign-by-tag");
  EXPECT_EQ(rec.extra["series_by_target"]["scenario"].size(), 2u);
  // Details carry the fuzzer's bytes: the summary is written anyway (invalid UTF-8 replaced).
  NightlyResult raw = *r;
  raw.findings[0].report.detail = "bytes \xd4\x20 from the input";
  harness::RunRecord rec2 = ToRunRecord(o_, raw, 100, 200, "rollcage nightly");
  EXPECT_TRUE(harness::WriteRunRecord(rec2, root_ + "/results").ok());
  auto back = harness::RunRecord::FromJson(rec.ToJson());
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->findings.size(), 2u);
}

TEST_F(Nightly, CleanRunMergesNewInputsIntoTheCorpus) {
  o_.targets = {"scenario", "zone"};
  auto r = RunNightly(o_);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->targets.size(), 2u);
  EXPECT_EQ(r->targets[0].name, "scenario");
  EXPECT_EQ(r->targets[0].error, "");  // the stand-in fails a merge run with the mutant set
  EXPECT_EQ(r->targets[0].corpus_before, 1);
  EXPECT_EQ(r->targets[0].corpus_after, 2);
  EXPECT_TRUE(fs::exists(root_ + "/corpus/scenario/new-1"));
  EXPECT_EQ(r->targets[1].corpus_after, 1);  // zone had no corpus: created with the new input
  // Without a mutant the envelope line is empty and a zone finding replays with the fuzzer itself.
  for (const auto& f : r->findings) {
    auto bytes = ReadFile(f.reproducer);
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(bytes->rfind("#rollcage-fuzz", 0), std::string::npos);
    if (f.target == "zone") EXPECT_EQ(f.repro, o_.fuzzers_dir + "/zone_fuzz " + f.reproducer);
  }
}

TEST_F(Nightly, BadTargetsAndMutantsAreUsageErrors) {
  o_.targets = {"nope"};
  auto r = RunNightly(o_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kUsage);
  EXPECT_NE(r.status().message().find("scenario, zone"), std::string::npos) << r.status().message();

  o_.targets = {"zone"};
  o_.mutant = "sign-by-tag";
  r = RunNightly(o_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kUsage);

  o_.targets = {};
  o_.fuzzers_dir = root_ + "/nothing-here";
  r = RunNightly(o_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kEnvironment);
}

}  // namespace
}  // namespace rollcage::fuzz
