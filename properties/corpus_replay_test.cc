// Replays the scenario corpus on the reference signer:
//   corpus/scenarios/ and corpus/regressions/scenarios/ — the clean signer passes every one (the
//     regressions are shrunk counterexamples of real bugs, now fixed);
//   corpus/mutants/<name>.scn — each planted bug's shrunk reproducer still fails with the bug on
//     and passes with it off (the harness keeps killing every mutant, without a long hunt).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "harness/finding.h"
#include "properties/hunt.h"
#include "signer-under-test/mutants/mutants.h"
#include "tools/scenario_file.h"

namespace rollcage::properties {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Files(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".scn") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Work() {
  const char* t = std::getenv("TEST_TMPDIR");
  return std::string(t ? t : "/tmp") + "/replay";
}

std::string Dump(const harness::RunResult& r) {
  std::string s;
  for (const auto& f : r.findings) s += harness::FormatFinding(f) + "\n";
  return s;
}

TEST(CorpusReplay, CleanSignerPassesEveryScenarioAndRegression) {
  auto files = Files("corpus/scenarios");
  auto regressions = Files("corpus/regressions/scenarios");
  files.insert(files.end(), regressions.begin(), regressions.end());
  ASSERT_GE(files.size(), 3u);
  for (const auto& f : files) {
    auto s = tools::LoadScenarioFile(f);
    ASSERT_TRUE(s.ok()) << s.status().message();
    s->scenario.mutant.clear();
    auto r = RunScenario(s->scenario, Work());
    ASSERT_TRUE(r.ok()) << f << ": " << r.status().message();
    EXPECT_FALSE(r->Failed()) << f << "\n" << Dump(*r);
  }
}

TEST(CorpusReplay, EveryMutantReproducerStillKillsItsMutant) {
  auto files = Files("corpus/mutants");
  std::set<std::string> covered;
  for (const auto& f : files) {
    auto s = tools::LoadScenarioFile(f);
    ASSERT_TRUE(s.ok()) << s.status().message();
    ASSERT_FALSE(s->scenario.mutant.empty()) << f;
    covered.insert(s->scenario.mutant);
    auto with = RunScenario(s->scenario, Work());
    ASSERT_TRUE(with.ok()) << f << ": " << with.status().message();
    EXPECT_TRUE(with->Failed()) << f << ": the planted bug " << s->scenario.mutant << " is no longer caught";
    harness::Scenario clean = s->scenario;
    clean.mutant.clear();
    auto without = RunScenario(clean, Work());
    ASSERT_TRUE(without.ok()) << f << ": " << without.status().message();
    EXPECT_FALSE(without->Failed()) << f << " fails without its mutant:\n" << Dump(*without);
  }
  for (const auto& m : signer::mutants::All()) {
    EXPECT_TRUE(covered.count(m.name)) << "no reproducer for mutant " << m.name << " in corpus/mutants/";
  }
}

}  // namespace
}  // namespace rollcage::properties
