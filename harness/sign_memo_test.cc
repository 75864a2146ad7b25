// The sign memo (signer-under-test/runtime/sign_memo.h) changes nothing a run produces: scenarios
// run one after another on one memo — each, then variants sharing a prefix with it (as a fuzzer's
// mutations do), then it again — give the same timeline, log and findings as each run without one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "base/file.h"
#include "harness/adapters/reference_adapter.h"
#include "harness/executor.h"
#include "harness/oracle_judge.h"
#include "harness/scenario/byte_decoder.h"
#include "signer-under-test/runtime/sign_memo.h"

namespace rollcage::harness {
namespace {

namespace fs = std::filesystem;

std::string TmpDir(const std::string& name) {
  const char* t = std::getenv("TEST_TMPDIR");
  std::string d = std::string(t ? t : "/tmp") + "/" + name;
  fs::remove_all(d);
  return d;
}

// Everything a run produced, as text.
std::string Dump(const RunResult& r) {
  std::string s;
  for (const auto& z : r.timeline.zones) s += "zone at " + std::to_string(z.published) + "\n" + z.zone.ToText();
  for (const auto& d : r.timeline.parent_ds) {
    s += "ds at " + std::to_string(d.published) + " ttl " + std::to_string(d.ttl) + "\n";
    for (const auto& rr : d.ds) s += rr.ToText() + "\n";
  }
  for (const auto& n : r.timeline.notes) s += "note " + std::to_string(n.time) + " " + n.text + "\n";
  for (const auto& l : r.log) s += l + "\n";
  for (const auto& f : r.findings) s += FormatFinding(f) + "\n";
  s += "ticks " + std::to_string(r.ticks) + " refusals " + std::to_string(r.refusals) + "\n";
  return s;
}

std::string RunWith(const Scenario& s, signer::SignMemo* memo) {
  ReferenceAdapterOptions ao;
  ao.state_dir = TmpDir("memo-state");
  ao.sign_memo = memo;
  auto adapter = ReferenceAdapter::Create(s, ao);
  EXPECT_TRUE(adapter.ok()) << adapter.status().message();
  if (!adapter.ok()) return "";
  OracleJudge judge;
  Executor ex(adapter->get(), &judge, {});
  auto r = ex.Run(s);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? Dump(*r) : "";
}

// The scenarios: the scenario fuzz target's seed corpus (bytes, decoded as the target does) and
// every planted bug's reproducer without HSMs (the memo is only for the in-process key store).
std::vector<Scenario> Scenarios() {
  std::vector<Scenario> out;
  std::vector<fs::path> files;
  for (const char* dir : {"corpus/scenario", "corpus/mutants"}) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto text = ReadFile(f.string());
    EXPECT_TRUE(text.ok()) << f;
    if (!text.ok()) continue;
    auto s = f.extension() == ".scn" ? Parse(*text, f.string()) : DecodeScenario(*text);
    EXPECT_TRUE(s.ok()) << f << ": " << s.status().message();
    if (s.ok() && s->hsms == 0) out.push_back(*s);
  }
  return out;
}

TEST(SignMemo, RunsWithAndWithoutTheMemoAreTheSame) {
  auto scenarios = Scenarios();
  ASSERT_GE(scenarios.size(), 15u);
  signer::SignMemo memo(16u << 20, 1u << 12);
  size_t variants = 0;
  for (const Scenario& s : scenarios) {
    SCOPED_TRACE(Print(s));
    const std::string plain = RunWith(s, nullptr);
    EXPECT_EQ(RunWith(s, &memo), plain);
    // The same scenario again: every signing is found (the ring is large enough to hold them).
    size_t hits = memo.hits(), lookups = memo.lookups();
    EXPECT_EQ(RunWith(s, &memo), plain);
    EXPECT_GT(memo.lookups(), lookups);
    EXPECT_EQ(memo.hits() - hits, memo.lookups() - lookups);
    // Scenarios that share a prefix with it, as a fuzzer's mutations do.
    size_t n = s.events.size();
    Scenario prefix = s, changed = s, tail = s;
    prefix.events.resize(n / 2);
    changed.events.insert(changed.events.begin() + long(n / 2), Advance{7200});
    if (n > 0) tail.events.pop_back();
    tail.events.push_back(Advance{86400});
    for (const Scenario* v : std::initializer_list<const Scenario*>{&prefix, &changed, &tail}) {
      EXPECT_EQ(RunWith(*v, &memo), RunWith(*v, nullptr)) << "variant " << variants;
      ++variants;
    }
  }
  EXPECT_GT(memo.hits(), 0u);
}

TEST(SignMemo, NotUsedWithHsms) {
  // A chaos fault plan counts the calls that reach the token: every signing must reach it.
  auto s = Parse(R"(rollcage-scenario 1
origin example.
seed 3
hsms 1
algorithm 13
denial nsec3
events
add www 300 A 192.0.2.1
advance 1d
)",
                 "test");
  ASSERT_TRUE(s.ok()) << s.status().message();
  signer::SignMemo memo(1u << 20, 64);
  ReferenceAdapterOptions ao;
  ao.state_dir = TmpDir("memo-hsm");
  ao.sign_memo = &memo;
  auto adapter = ReferenceAdapter::Create(*s, ao);
  if (!adapter.ok() && adapter.status().kind() == ErrorKind::kEnvironment) GTEST_SKIP() << "no SoftHSM here";
  ASSERT_TRUE(adapter.ok()) << adapter.status().message();
  OracleJudge judge;
  Executor ex(adapter->get(), &judge, {});
  auto r = ex.Run(*s);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->timeline.zones.empty());
  EXPECT_EQ(memo.lookups(), 0u);
}

}  // namespace
}  // namespace rollcage::harness
