// `rollcage repro` on the three kinds of file: a text scenario, a libFuzzer input of the scenario
// target (decoded and printed as text), and the '#rollcage-fuzz' envelope `rollcage nightly` writes
// (which carries the mutant); plus the errors for junk and a missing file.
#include <gtest/gtest.h>

#include <cstdlib>

#include "base/file.h"
#include "base/subprocess.h"
#include "harness/scenario/byte_decoder.h"

namespace rollcage {
namespace {

RunResult Repro(std::vector<std::string> args) {
  args.insert(args.begin(), {"tools/rollcage", "repro"});
  auto r = RunCommand(args, RunOptions{{}, "", "", 120});
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : RunResult{};
}

std::string Tmp(const std::string& name) { return std::string(std::getenv("TEST_TMPDIR")) + "/" + name; }

// A scenario with a colliding standby ZSK that is rolled in: the clean signer handles it, the
// sign-by-tag mutant (the .DE bug) signs with the wrong key of the two.
constexpr char kScenario[] =
    "rollcage-scenario 1\norigin example.\nseed 10\nhsms 0\nalgorithm 13\ndenial nsec3\nevents\n"
    "add www.example. 300 IN A 192.0.2.12\nkeygen zsk collide\nrollover zsk\nadvance 1d\n";

TEST(ReproCommand, FuzzerInputIsDecodedPrintedAndReplayed) {
  auto s = harness::Parse(kScenario, "test");
  ASSERT_TRUE(s.ok()) << s.status().message();
  auto bytes = harness::EncodeScenario(*s);
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  std::string raw = Tmp("crash-raw");
  ASSERT_TRUE(WriteFileAtomic(raw, *bytes).ok());

  RunResult clean = Repro({raw});
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("decoded from a fuzzer input"), std::string::npos) << clean.out;
  EXPECT_NE(clean.out.find("keygen zsk collide"), std::string::npos) << clean.out;
  EXPECT_NE(clean.out.find("verdict: PASS"), std::string::npos) << clean.out;

  RunResult bad = Repro({raw, "--mutant", "sign-by-tag"});
  EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;
  EXPECT_NE(bad.out.find("rrsig-unpublished-key-same-tag"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("diagnosis:"), std::string::npos) << bad.out;

  // The envelope carries the mutant, so no flag is needed.
  std::string env = Tmp("crash-env");
  ASSERT_TRUE(WriteFileAtomic(env, harness::EnvelopeLine("sign-by-tag") + *bytes).ok());
  RunResult enveloped = Repro({env});
  EXPECT_EQ(enveloped.exit_code, 1) << enveloped.out << enveloped.err;
  EXPECT_NE(enveloped.out.find("mutant sign-by-tag"), std::string::npos) << enveloped.out;
}

TEST(ReproCommand, TextScenarioReplays) {
  std::string path = Tmp("text.scn");
  ASSERT_TRUE(WriteFileAtomic(path, kScenario).ok());
  RunResult r = Repro({path});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("scenario " + path), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("decoded from a fuzzer input"), std::string::npos) << r.out;
}

TEST(ReproCommand, BadFilesAreInputErrors) {
  std::string junk = Tmp("junk.txt");
  ASSERT_TRUE(WriteFileAtomic(junk, "hello world\n").ok());
  RunResult r = Repro({junk});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("junk.txt"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--fuzz-input"), std::string::npos) << r.err;

  std::string broken = Tmp("broken-envelope");
  ASSERT_TRUE(WriteFileAtomic(broken, "#rollcage-fuzz 1 mutant=no-such-mutant\n\x01\x02").ok());
  RunResult e = Repro({broken});
  EXPECT_EQ(e.exit_code, 2) << e.out << e.err;

  RunResult missing = Repro({Tmp("does-not-exist")});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("does-not-exist"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace rollcage
