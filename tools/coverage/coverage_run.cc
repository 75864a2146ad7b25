#include "tools/coverage/coverage_run.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "base/file.h"
#include "base/subprocess.h"

namespace rollcage::coverage {

namespace fs = std::filesystem;

namespace {

Result<RunResult> Run(const std::vector<std::string>& argv, const CoverageRunOptions& o, double timeout) {
  RunOptions ro;
  ro.cwd = o.workspace;
  ro.timeout_seconds = timeout;
  auto r = RunCommand(argv, ro);
  if (!r.ok()) return r.status();
  if (r->timed_out) return EnvironmentError(argv[0] + " " + (argv.size() > 1 ? argv[1] : "") + " timed out");
  return r;
}

}  // namespace

Result<CoverageRunResult> RunCoverage(const CoverageRunOptions& o) {
  auto phase = [&](const std::string& s) {
    if (o.phase) o.phase(s);
  };
  if (!fs::exists(fs::path(o.workspace) / "WORKSPACE")) {
    return EnvironmentError("no WORKSPACE in '" + o.workspace + "': run from the rollcage checkout or give --workspace");
  }
  for (const auto& p : {o.bazel, o.profdata, o.llvm_cov}) {
    if (!ProgramInPath(p)) return EnvironmentError(p + " is not installed (Debian: bazel-bootstrap, llvm-14)");
  }
  std::error_code ec;
  const fs::path out = fs::absolute(o.out_dir, ec);
  const fs::path profiles = out / "profiles";
  fs::remove_all(profiles, ec);
  RC_RETURN_IF_ERROR(MakeDirs(profiles.string()));

  CoverageRunResult res;
  // The test targets of the workload (for the binaries llvm-cov reads).
  std::string expr;
  for (const auto& t : o.targets) expr += (expr.empty() ? "" : " + ") + t;
  phase("listing the workload's tests");
  RC_ASSIGN_OR_RETURN(auto q, Run({o.bazel, "query", "tests(" + expr + ")"}, o, 600));
  if (q.exit_code != 0) return EnvironmentError("bazel query failed:\n" + LastLines(q.err, 20));
  std::istringstream qs(q.out);
  for (std::string line; std::getline(qs, line);) {
    if (line.rfind("//", 0) == 0) res.test_targets.push_back(line);
  }
  if (res.test_targets.empty()) return BadInput("the workload " + expr + " has no tests");

  // Build and run them instrumented. Every process writes its own raw profile (%p), merged online
  // per binary (%m) where sandboxed processes share a pid.
  phase("building with clang-14 and running " + std::to_string(res.test_targets.size()) + " test targets");
  std::vector<std::string> argv = {o.bazel, "test", "--config=coverage", "--nocache_test_results", "--keep_going",
                                   "--test_output=errors",
                                   "--test_env=LLVM_PROFILE_FILE=" + (profiles / "%p-%m.profraw").string(),
                                   "--sandbox_writable_path=" + profiles.string()};
  argv.insert(argv.end(), res.test_targets.begin(), res.test_targets.end());
  RC_ASSIGN_OR_RETURN(auto t, Run(argv, o, o.timeout_s));
  // Bazel: 0 all passed, 3 some tests failed; anything else means the build itself failed.
  if (t.exit_code != 0 && t.exit_code != 3) {
    return EnvironmentError("bazel test --config=coverage failed (exit " + std::to_string(t.exit_code) + "):\n" +
                            LastLines(t.err, 30));
  }
  if (t.exit_code == 3) {
    res.tests_failed = true;
    std::istringstream es(t.err + t.out);
    for (std::string line; std::getline(es, line);) {
      if (line.rfind("//", 0) == 0 && (line.find(" FAILED") != std::string::npos ||
                                        line.find(" TIMEOUT") != std::string::npos)) {
        res.failed_tests += line.substr(0, line.find(' ')) + "\n";
      }
    }
  }

  std::vector<std::string> raw;
  for (const auto& e : fs::directory_iterator(profiles, ec)) {
    if (e.path().extension() == ".profraw") raw.push_back(e.path().string());
  }
  std::sort(raw.begin(), raw.end());
  res.profiles = int(raw.size());
  if (raw.empty()) return EnvironmentError("the workload wrote no raw profiles into " + profiles.string());

  phase("merging " + std::to_string(raw.size()) + " raw profiles");
  const std::string merged = (out / "merged.profdata").string();
  std::vector<std::string> merge = {o.profdata, "merge", "-sparse", "-o", merged};
  merge.insert(merge.end(), raw.begin(), raw.end());
  RC_ASSIGN_OR_RETURN(auto m, Run(merge, o, 600));
  if (m.exit_code != 0) return EnvironmentError("llvm-profdata merge failed:\n" + LastLines(m.err, 20));

  // The instrumented binaries: <bazel-bin of the coverage configuration>/<package>/<name>.
  RC_ASSIGN_OR_RETURN(auto info, Run({o.bazel, "info", "--config=coverage", "bazel-bin"}, o, 600));
  std::string bin = info.out;
  while (!bin.empty() && (bin.back() == '\n' || bin.back() == '\r')) bin.pop_back();
  if (info.exit_code != 0 || bin.empty()) return EnvironmentError("bazel info bazel-bin failed:\n" + LastLines(info.err, 10));
  for (const auto& label : res.test_targets) {
    std::string rel = label.substr(2);
    size_t colon = rel.find(':');
    std::string path = colon == std::string::npos ? rel + "/" + rel.substr(rel.rfind('/') + 1)
                                                  : rel.substr(0, colon) + "/" + rel.substr(colon + 1);
    fs::path p = fs::path(bin) / path;
    if (fs::exists(p, ec)) res.objects.push_back(p.string());
  }
  if (res.objects.empty()) return EnvironmentError("no instrumented test binary found under " + bin);

  phase("exporting coverage with llvm-cov");
  std::vector<std::string> objs;
  for (size_t i = 0; i < res.objects.size(); ++i) {
    if (i) objs.push_back("-object");
    objs.push_back(res.objects[i]);
  }
  std::vector<std::string> exp = {o.llvm_cov, "export", "-summary-only", "-instr-profile", merged};
  exp.insert(exp.end(), objs.begin(), objs.end());
  RC_ASSIGN_OR_RETURN(auto x, Run(exp, o, 600));
  if (x.exit_code != 0) return EnvironmentError("llvm-cov export failed:\n" + LastLines(x.err, 20));
  RC_RETURN_IF_ERROR(WriteFileAtomic((out / "export.json").string(), x.out));
  RC_ASSIGN_OR_RETURN(res.summary, ParseLlvmCovExport(x.out, o.scope));
  res.summary.workload = o.targets;

  // A human-readable table of the same files (llvm-cov's own view), kept beside the export.
  std::vector<std::string> rep = {o.llvm_cov, "report", "-instr-profile", merged, "-show-branch-summary"};
  rep.insert(rep.end(), objs.begin(), objs.end());
  for (const auto& f : res.summary.files) rep.push_back((fs::path(o.workspace) / f.file).string());
  auto rt = Run(rep, o, 600);
  if (rt.ok() && rt->exit_code == 0) {
    res.report_text = rt->out;
    RC_RETURN_IF_ERROR(WriteFileAtomic((out / "report.txt").string(), rt->out));
  }
  return res;
}

}  // namespace rollcage::coverage
