// Fuzz target: bytes decoded into a scenario (harness/scenario/byte_decoder.h), run by the executor
// against the reference signer and judged by the oracle. Property: a correct signer never produces
// a finding inside the decoder's fault bounds — any error-severity finding aborts (as does a crash
// or hang of the signer, which libFuzzer reports itself).
//
// Built twice from this file:
//   scenario_fuzz      (ROLLCAGE_FUZZ_HSM=0): keys in the in-process OpenSSL store (hsms 0), fast;
//   scenario_hsm_fuzz  (ROLLCAGE_FUZZ_HSM=1): 1-3 SoftHSM tokens through the chaos PKCS#11 module,
//                      with HSM faults. Needs SoftHSM and the chaos module (found like the CLI does).
// Inputs whose header asks for the other key store are rejected (-1), so a crash file always
// decodes to the scenario that ran.
//
// A mutant (signer-under-test/mutants) is switched on with the environment variable
// ROLLCAGE_MUTANT=NAME or the flag -rollcage_mutant=NAME; then a finding is the expected outcome
// and the crash file replays with `rollcage repro --mutant NAME FILE` (or the enveloped copy that
// `rollcage nightly` writes).
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include "base/file.h"
#include "harness/adapters/reference_adapter.h"
#include "harness/executor.h"
#include "harness/oracle_judge.h"
#include "fuzz/finding.h"
#include "harness/scenario/byte_decoder.h"
#include "signer-under-test/mutants/mutants.h"

#ifndef ROLLCAGE_FUZZ_HSM
#define ROLLCAGE_FUZZ_HSM 0
#endif

namespace {

std::string g_mutant;
std::string g_root;  // per-process scratch directory (state directory, SoftHSM tokens)

void RemoveRoot() {
  std::error_code ec;
  if (!g_root.empty()) std::filesystem::remove_all(g_root, ec);
}

// A finding aborts, which runs no atexit handler: the scratch directory goes first, so that crashes
// leave nothing behind in /dev/shm (the HSM target's SoftHSM tokens take 84 KB per process).
[[noreturn]] void ReportFinding(const std::string& cls, const std::string& detail) {
  RemoveRoot();
  rollcage::fuzz::FuzzFinding(cls, detail);
}

std::string ScratchRoot() {
  // tmpfs when there is one: the signer fsyncs its state on every key transition.
  std::string base;
  std::error_code ec;
  if (std::filesystem::is_directory("/dev/shm", ec) && access("/dev/shm", W_OK) == 0) {
    base = "/dev/shm";
  } else if (const char* t = std::getenv("TEST_TMPDIR"); t && *t) {
    base = t;
  } else if (const char* t2 = std::getenv("TMPDIR"); t2 && *t2) {
    base = t2;
  } else {
    base = "/tmp";
  }
  // A fresh directory (pids repeat across PID namespaces, e.g. sandboxed tests sharing /dev/shm).
  std::string tmpl = base + "/rollcage-fuzz-XXXXXX";
  if (!mkdtemp(tmpl.data())) return base + "/rollcage-fuzz-" + std::to_string(getpid());
  return tmpl;
}

}  // namespace

// Allocation stacks five frames deep (ASan's default 30 made unwinding on every malloc a seventh of
// this target's time; bench/fuzz.sh). ASAN_OPTIONS overrides it.
extern "C" const char* __asan_default_options() { return "malloc_context_size=5"; }

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  if (const char* m = std::getenv("ROLLCAGE_MUTANT"); m && *m) g_mutant = m;
  for (int i = 1; i < *argc; ++i) {
    constexpr std::string_view kFlag = "-rollcage_mutant=";
    std::string_view a = (*argv)[i];
    if (a.substr(0, kFlag.size()) == kFlag) g_mutant = std::string(a.substr(kFlag.size()));
  }
  if (!g_mutant.empty() && !rollcage::signer::mutants::Find(g_mutant)) {
    std::fprintf(stderr, "scenario fuzz target: unknown mutant '%s' (rollcage mutants --list)\n", g_mutant.c_str());
    std::exit(2);
  }
  g_root = ScratchRoot();
  std::filesystem::create_directories(g_root);
  std::atexit(RemoveRoot);
  if (!g_mutant.empty()) std::fprintf(stderr, "scenario fuzz target: mutant %s switched on\n", g_mutant.c_str());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rollcage;
  using namespace rollcage::harness;
  if (size > 2 * kMaxMeaningfulInput) return -1;
  auto decoded = DecodeScenario(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!decoded.ok()) return -1;  // a bad envelope line
  Scenario s = std::move(decoded).value();
  if ((s.hsms > 0) != (ROLLCAGE_FUZZ_HSM != 0)) return -1;  // the other target's input
  s.mutant = g_mutant;

  if (g_root.empty()) {  // replay builds call LLVMFuzzerInitialize too; belt and braces
    g_root = ScratchRoot();
    std::filesystem::create_directories(g_root);
  }
  // The signer's state files in memory ("mem:" paths, base/file.h): the same crash semantics
  // without a file system call per key transition. Forgotten after the run too, so that a run
  // frees what it allocated (libFuzzer re-runs an input that does not, looking for a leak).
  std::string state = std::string(kMemoryPathPrefix) + g_root + "/state";
  RemoveMemoryFiles(state + "/");
  // Zone signings remembered across runs (in-process keys only; signer-under-test/runtime/sign_memo.h):
  // a mutated input replays its parent's first signings, which are then copied, not redone.
  static auto* sign_memo = new signer::SignMemo(64u << 20, 1u << 15);
  ReferenceAdapterOptions ao;
  ao.state_dir = state;
  ao.softhsm_dir = g_root + "/softhsm";
  ao.sign_memo = sign_memo;
  auto adapter = ReferenceAdapter::Create(s, ao);
  if (!adapter.ok()) {
    // The decoder only makes policies the signer accepts; anything else is the environment.
    std::fprintf(stderr, "scenario fuzz target: cannot set up the signer: %s\n%s", adapter.status().message().c_str(),
                 Print(s).c_str());
    if (adapter.status().kind() == ErrorKind::kEnvironment) std::exit(4);
    ReportFinding("scenario-setup", adapter.status().message());
  }
  static auto* verdicts = new oracle::VerdictCache(1u << 20);  // shared by every run of the process
  // Zone versions the static oracle found clean: a mutated input replays its parent's first versions.
  // A million digests (32 MB): a 40 s run meets about 70,000 versions, a nightly run millions.
  static auto* clean = new CleanVersions(1u << 20);
  OracleJudge judge(verdicts, clean);
  judge.set_errors_only(true);  // (only errors are findings here; warnings, e.g. NSEC3 salt, are not)
  ExecutorOptions options;
  options.stop_at_first_finding = true;
  options.keep_log = false;  // a finding prints the scenario and the findings; repro prints the log
  Executor executor(adapter->get(), &judge, options);
  auto result = executor.Run(s);
  RemoveMemoryFiles(state + "/");
  if (!result.ok()) {
    std::fprintf(stderr, "scenario fuzz target: the run could not happen\n%s", Print(s).c_str());
    ReportFinding("scenario-run", result.status().message());
  }
  if (std::getenv("ROLLCAGE_FUZZ_STATS")) {
    size_t recs = 0;
    for (const auto& z : result->timeline.zones) recs += z.zone.size();
    std::fprintf(stderr, "STATS events=%zu ticks=%d versions=%zu records=%zu scenario=%016zx clean=%zu/%zu signed=%zu/%zu\n",
                 s.events.size(), int(result->ticks), result->timeline.zones.size(), recs,
                 std::hash<std::string>()(Print(s)), clean->hits(), clean->lookups(), sign_memo->hits(),
                 sign_memo->lookups());
  }
  if (result->Failed()) {
    std::fprintf(stderr, "\n==== rollcage finding (scenario fuzz target) ====\n%s---- findings\n", Print(s).c_str());
    const Finding* first = nullptr;
    for (const auto& f : result->findings) {
      if (f.severity != "error") continue;
      if (!first) first = &f;
      std::fprintf(stderr, "%s\n", FormatFinding(f).c_str());
    }
    std::fprintf(stderr, "==== end of finding\n");
    ReportFinding(first->cls, FormatFinding(*first));
  }
  return 0;
}
