// libFuzzer output, read: the status lines of a campaign (plain and fork mode) and the report of a
// crashing input, classified for deduplication. Pure functions over text, so `rollcage nightly`'s
// bookkeeping is tested on canned output without clang.
#ifndef ROLLCAGE_TOOLS_FUZZ_LIBFUZZER_OUTPUT_H_
#define ROLLCAGE_TOOLS_FUZZ_LIBFUZZER_OUTPUT_H_

#include <optional>
#include <string>
#include <vector>

namespace rollcage::fuzz {

// One status line: "#4096 pulse cov: 812 ft: 2401 corp: 40/1180b exec/s: 512 rss: 60Mb" (plain) or
// "#40960: cov: 812 ft: 2401 corp: 40 exec/s: 512 oom/timeout/crash: 0/0/1 time: 31s job: 3 ..." (fork).
struct FuzzStats {
  double executions = 0;
  double coverage = 0;   // cov: (edges)
  double features = 0;   // ft:
  double corpus = 0;     // corp: (inputs)
  double exec_per_s = 0;
  double time_s = -1;    // fork mode only ("time: 31s"); -1 when the line has none
  double crashes = 0, timeouts = 0, ooms = 0;  // fork mode only
};

// Parses a status line; nullopt for any other line.
std::optional<FuzzStats> ParseStatusLine(const std::string& line);
// The last status line of a log, if any.
std::optional<FuzzStats> LastStatus(const std::string& log);

// What a crashing run of one input printed, reduced to what identifies the bug.
struct CrashReport {
  // The class: "rollcage:<finding class>" for a property the target checks (fuzz/finding.h),
  // "asan:<bug type>", "ubsan:<check>", "lsan:leak", "timeout", "oom", "deadly-signal",
  // "crash" (none of these recognised), or "" when the log shows no crash at all.
  std::string cls;
  std::string detail;               // the finding's detail or the sanitizer's SUMMARY line
  std::vector<std::string> frames;  // the top frames in rollcage's own code: "Func file.cc:12"
  // The dedup key within one target: the class, plus the top frames unless the class alone
  // identifies the bug (a rollcage finding names its property; its stack is always abort's).
  std::string Key() const;
};

CrashReport ClassifyCrashLog(const std::string& log);

}  // namespace rollcage::fuzz

#endif  // ROLLCAGE_TOOLS_FUZZ_LIBFUZZER_OUTPUT_H_
