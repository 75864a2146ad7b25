// libfuzzer_output: status lines of both modes, and crash reports of each kind, as libFuzzer 14 and
// the sanitizers print them.
#include "tools/fuzz/libfuzzer_output.h"

#include <gtest/gtest.h>

namespace rollcage::fuzz {
namespace {

TEST(StatusLine, PlainMode) {
  auto s = ParseStatusLine("#4096\tpulse  cov: 812 ft: 2401 corp: 40/1180b lim: 43 exec/s: 512 rss: 60Mb");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->executions, 4096);
  EXPECT_EQ(s->coverage, 812);
  EXPECT_EQ(s->features, 2401);
  EXPECT_EQ(s->corpus, 40);
  EXPECT_EQ(s->exec_per_s, 512);
  EXPECT_EQ(s->time_s, -1);
}

TEST(StatusLine, ForkMode) {
  auto s = ParseStatusLine(
      "#40960: cov: 900 ft: 3000 corp: 77 exec/s: 1365 oom/timeout/crash: 1/2/3 time: 31s job: 3 dft_time: 0");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->executions, 40960);
  EXPECT_EQ(s->coverage, 900);
  EXPECT_EQ(s->corpus, 77);
  EXPECT_EQ(s->exec_per_s, 1365);
  EXPECT_EQ(s->time_s, 31);
  EXPECT_EQ(s->ooms, 1);
  EXPECT_EQ(s->timeouts, 2);
  EXPECT_EQ(s->crashes, 3);
}

TEST(StatusLine, OtherLinesAreNot) {
  EXPECT_FALSE(ParseStatusLine("INFO: Seed: 1234").has_value());
  EXPECT_FALSE(ParseStatusLine("#0 0x4f in main fuzz/x.cc:3").has_value());
  auto last = LastStatus("INFO: x\n#2 INITED cov: 5 ft: 6 corp: 1/1b exec/s: 0 rss: 1Mb\n#9 DONE cov: 7 ft: 8 corp: 2/2b exec/s: 9 rss: 1Mb\nDone 9 runs\n");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->executions, 9);
  EXPECT_EQ(last->coverage, 7);
  EXPECT_FALSE(LastStatus("nothing here\n").has_value());
}

TEST(Crash, RollcageFindingIsItsClassWhateverTheStack) {
  const char* log =
      "scenario fuzz target: ...\n"
      "rollcage-finding: rrsig-unpublished-key-same-tag: example. NS: RRSIG by key tag 58320\n"
      "==1234== ERROR: libFuzzer: deadly signal\n"
      "    #0 0x55d1 in __sanitizer_print_stack_trace (/out/scenario_fuzz+0x1)\n"
      "    #1 0x55d2 in fuzzer::PrintStackTrace() (/out/scenario_fuzz+0x2)\n"
      "    #4 0x7f778d8a8eeb in __pthread_kill_implementation nptl/./nptl/pthread_kill.c:43:17\n"
      "    #5 0x7f00 in abort (/lib/x86_64-linux-gnu/libc.so.6+0x2b) (BuildId: 93ac61ec5a8eb1396f9fbd350e3169a558528a40)\n"
      "    #6 0x55d3 in rollcage::fuzz::FuzzFinding(std::string const&, std::string const&) /src/rollcage/fuzz/finding.h:16:3\n"
      "    #7 0x55d4 in LLVMFuzzerTestOneInput /src/rollcage/fuzz/scenario_fuzz.cc:130:5\n"
      "    #8 0x55d5 in main (/out/scenario_fuzz+0xe2962) (BuildId: fa05a132a15a32845dba6a8a17e284315b2c980f)\n"
      "\n"
      "SUMMARY: libFuzzer: deadly signal\n";
  CrashReport r = ClassifyCrashLog(log);
  EXPECT_EQ(r.cls, "rollcage:rrsig-unpublished-key-same-tag");
  EXPECT_EQ(r.detail, "example. NS: RRSIG by key tag 58320");
  EXPECT_EQ(r.Key(), "rollcage:rrsig-unpublished-key-same-tag");
  // libc's abort path, libFuzzer and main are not where the bug is.
  ASSERT_EQ(r.frames.size(), 1u);
  EXPECT_EQ(r.frames[0], "LLVMFuzzerTestOneInput fuzz/scenario_fuzz.cc:130");
}

TEST(Crash, AsanKeepsTheTopOwnFrames) {
  const char* log =
      "=================================================================\n"
      "==77==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602 at pc 0x55 bp 0x7ff sp 0x7ff\n"
      "READ of size 1 at 0x602 thread T0\n"
      "    #0 0x5a in ldns_bget_token /build/ldns-1.8.3/parse.c:300:10\n"
      "    #1 0x5b in rollcage::dns::Zone::Parse(std::basic_string_view<char>, rollcage::dns::ParseOptions const&) /build/.cache/bazel/x/execroot/rollcage/dns/zone.cc:120:7\n"
      "    #2 0x5c in LLVMFuzzerTestOneInput /build/.cache/bazel/x/execroot/rollcage/fuzz/validate_fuzz.cc:30:3\n"
      "    #3 0x5d in fuzzer::Fuzzer::ExecuteCallback(unsigned char const*, unsigned long) (/out/validate_fuzz+0x9)\n"
      "\n"
      "0x602 is located 0 bytes to the right of 16-byte region\n"
      "allocated by thread T0 here:\n"
      "    #0 0x70 in malloc (/out/validate_fuzz+0x1)\n"
      "    #1 0x71 in somewhere_else /x/y.c:1:1\n"
      "\n"
      "SUMMARY: AddressSanitizer: heap-buffer-overflow /build/ldns-1.8.3/parse.c:300:10 in ldns_bget_token\n";
  CrashReport r = ClassifyCrashLog(log);
  EXPECT_EQ(r.cls, "asan:heap-buffer-overflow");
  EXPECT_EQ(r.detail, "AddressSanitizer: heap-buffer-overflow /build/ldns-1.8.3/parse.c:300:10 in ldns_bget_token");
  ASSERT_EQ(r.frames.size(), 3u);  // the first stack only, libFuzzer's frames dropped
  EXPECT_EQ(r.frames[0], "ldns_bget_token /build/ldns-1.8.3/parse.c:300");
  EXPECT_EQ(r.frames[1], "rollcage::dns::Zone::Parse dns/zone.cc:120");
  EXPECT_EQ(r.frames[2], "LLVMFuzzerTestOneInput fuzz/validate_fuzz.cc:30");
  EXPECT_EQ(r.Key(), "asan:heap-buffer-overflow | ldns_bget_token /build/ldns-1.8.3/parse.c:300 | "
                     "rollcage::dns::Zone::Parse dns/zone.cc:120 | LLVMFuzzerTestOneInput fuzz/validate_fuzz.cc:30");
}

TEST(Crash, TwoCallSitesOfOneBugTypeAreTwoKeys) {
  auto log = [](const char* where) {
    return std::string("==1==ERROR: AddressSanitizer: stack-use-after-return on address 0x1\n    #0 0x1 in ") + where +
           " /src/rollcage/harness/executor.cc:10:1\n\nSUMMARY: AddressSanitizer: stack-use-after-return\n";
  };
  EXPECT_NE(ClassifyCrashLog(log("A")).Key(), ClassifyCrashLog(log("B")).Key());
  EXPECT_EQ(ClassifyCrashLog(log("A")).Key(), ClassifyCrashLog(log("A")).Key());
}

TEST(Crash, UbsanTimeoutLeakOom) {
  CrashReport u = ClassifyCrashLog(
      "dns/name.cc:88:12: runtime error: left shift of negative value -1\n"
      "    #0 0x1 in rollcage::dns::Name::Hash() const /src/rollcage/dns/name.cc:88:12\n\n"
      "SUMMARY: UndefinedBehaviorSanitizer: undefined-behavior dns/name.cc:88:12 in\n");
  EXPECT_EQ(u.cls, "ubsan:left shift of negative value -1");
  ASSERT_FALSE(u.frames.empty());
  EXPECT_EQ(u.frames[0], "rollcage::dns::Name::Hash dns/name.cc:88");

  CrashReport t = ClassifyCrashLog(
      "ALARM: working on the last Unit for 31 seconds\n==5== ERROR: libFuzzer: timeout after 31 seconds\n"
      "    #0 0x1 in __sanitizer_print_stack_trace (/out/x+0x1)\n"
      "    #5 0x2 in rollcage::harness::Executor::Run(rollcage::harness::Scenario const&) /src/rollcage/harness/executor.cc:200:3\n\n"
      "SUMMARY: libFuzzer: timeout\n");
  EXPECT_EQ(t.cls, "timeout");
  ASSERT_FALSE(t.frames.empty());
  EXPECT_EQ(t.frames[0], "rollcage::harness::Executor::Run harness/executor.cc:200");

  CrashReport l = ClassifyCrashLog(
      "==9==ERROR: LeakSanitizer: detected memory leaks\n\nDirect leak of 32 byte(s) in 1 object(s) allocated from:\n"
      "    #0 0x1 in malloc (/out/x+0x1)\n    #1 0x2 in ldns_rr_new /build/ldns/rr.c:30:5\n\n"
      "SUMMARY: AddressSanitizer: 32 byte(s) leaked in 1 allocation(s).\n");
  EXPECT_EQ(l.cls, "lsan:leak");
  ASSERT_FALSE(l.frames.empty());
  EXPECT_EQ(l.frames[0], "ldns_rr_new /build/ldns/rr.c:30");

  EXPECT_EQ(ClassifyCrashLog("==1== ERROR: libFuzzer: out-of-memory (used: 4100Mb; exceeds: 4096Mb)\n").cls, "oom");
  EXPECT_EQ(ClassifyCrashLog("INFO: Running with entropic power schedule\nDone 1 runs in 0 second(s)\n").cls, "");
}

TEST(Crash, AFreeInOwnCodeIsNotSkipped) {
  CrashReport r = ClassifyCrashLog(
      "==1==ERROR: AddressSanitizer: attempting double-free on 0x6 in thread T0:\n"
      "    #0 0x1 in free (/out/x+0x1)\n    #1 0x2 in ldns_rr_free /build/ldns/rr.c:80:3\n\n");
  EXPECT_EQ(r.cls, "asan:double-free");
  ASSERT_FALSE(r.frames.empty());
  EXPECT_EQ(r.frames[0], "ldns_rr_free /build/ldns/rr.c:80");
}

}  // namespace
}  // namespace rollcage::fuzz
