// Nightly: a fuzzing campaign over every libFuzzer target (docs/fuzzing.md, "Nightly runs"). For each
// target in turn it runs libFuzzer in fork mode on the seed corpus (corpus/<target>/ and
// corpus/regressions/<target>/) for its share of the budget, merges the inputs that add coverage
// into the corpus, reproduces every crash file to classify it (libfuzzer_output.h), deduplicates by
// class and stack, minimizes one representative per finding, and writes each finding with the exact
// command that replays it. The campaign's figures become a `nightly` run record for the report.
#ifndef ROLLCAGE_TOOLS_FUZZ_NIGHTLY_H_
#define ROLLCAGE_TOOLS_FUZZ_NIGHTLY_H_

#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "harness/run_record.h"
#include "tools/fuzz/libfuzzer_output.h"

namespace rollcage::fuzz {

struct NightlyOptions {
  std::string workspace;      // the checkout: builds the fuzzers, default corpus, dictionaries
  std::string fuzzers_dir;    // prebuilt fuzzers (<target>_fuzz, e.g. tools/oss-fuzz/build.sh's $OUT);
                              // empty: `bazel build --config=fuzz` them in the workspace
  std::string bazel = "bazel";
  std::string corpus_root;    // default <workspace>/corpus
  std::string out_dir;        // findings, logs, new inputs, summary.json
  std::vector<std::string> targets;  // empty: all (with a mutant: the scenario targets)
  double budget_s = 600;      // fuzzing time over all targets, shared equally
  int jobs = 1;               // libFuzzer -fork=N
  std::string mutant;         // a planted bug for the scenario targets
  bool merge = true;          // merge new coverage into corpus_root/<target>/
  double input_timeout_s = 30;
  int rss_limit_mb = 4096;
  double minimize_s = 30;     // per finding
  size_t max_classified = 40; // crash files reproduced per target (the smallest first)
  std::function<void(const std::string&)> phase;                                    // what is happening
  std::function<void(const std::string& target, const FuzzStats&)> status;          // live figures
};

struct NightlyFinding {
  std::string target;
  CrashReport report;
  int count = 0;              // crash files with this key
  std::string dir;            // <out>/findings/NN-target-class
  std::string reproducer;     // the file to replay (minimized when minimizing kept the finding)
  bool minimized = false;
  std::string repro;          // the exact command
};

struct NightlyTarget {
  std::string name;
  std::string fuzzer;         // path
  double seconds = 0;
  FuzzStats stats;            // the last status line
  int corpus_before = 0, corpus_after = 0, new_inputs = 0;
  int crash_files = 0, findings = 0;
  std::vector<harness::SeriesPoint> series;
  std::string error;          // the target could not run (it is then a failure of the campaign)
};

struct NightlyResult {
  std::vector<NightlyTarget> targets;
  std::vector<NightlyFinding> findings;
  double elapsed_s = 0;
};

// Targets that take a mutant (they run the signer under test).
bool AcceptsMutant(const std::string& target);

Result<NightlyResult> RunNightly(const NightlyOptions& options);

// The `nightly` run record of a campaign (docs/report.md).
harness::RunRecord ToRunRecord(const NightlyOptions& options, const NightlyResult& result, UnixTime started,
                               UnixTime finished, const std::string& command);

}  // namespace rollcage::fuzz

#endif  // ROLLCAGE_TOOLS_FUZZ_NIGHTLY_H_
