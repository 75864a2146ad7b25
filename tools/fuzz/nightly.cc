#include "tools/fuzz/nightly.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <sstream>
#include <thread>

#include "base/file.h"
#include "base/subprocess.h"
#include "harness/scenario/byte_decoder.h"

namespace rollcage::fuzz {

namespace fs = std::filesystem;

namespace {

int CountFiles(const fs::path& dir) {
  std::error_code ec;
  int n = 0;
  if (!fs::is_directory(dir, ec)) return 0;
  for (const auto& e : fs::directory_iterator(dir, ec)) n += e.is_regular_file(ec);
  return n;
}

// "rollcage:rrsig-unpublished-key-same-tag" -> "rollcage-rrsig-unpublished-key-same-tag" (a file name).
std::string Slug(const std::string& s) {
  std::string out;
  for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '-';
  while (out.find("--") != std::string::npos) out.erase(out.find("--"), 1);
  return out.substr(0, 60);
}

void Phase(const NightlyOptions& o, const std::string& s) {
  if (o.phase) o.phase(s);
}

// The fuzzers to run: <dir>/<target>_fuzz.
Result<std::map<std::string, std::string>> FindFuzzers(const std::string& dir) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return EnvironmentError("no fuzzer directory '" + dir + "'");
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.size() <= 5 || name.compare(name.size() - 5, 5, "_fuzz") != 0 || !e.is_regular_file(ec)) continue;
    if ((fs::status(e.path(), ec).permissions() & fs::perms::owner_exec) == fs::perms::none) continue;
    out[name.substr(0, name.size() - 5)] = fs::absolute(e.path(), ec).string();
  }
  if (out.empty()) return EnvironmentError("no fuzz targets (*_fuzz) in '" + dir + "'");
  return out;
}

// Builds the fuzzers with clang (--config=fuzz) and returns the directory holding them.
Result<std::string> BuildFuzzers(const NightlyOptions& o) {
  if (!fs::exists(fs::path(o.workspace) / "WORKSPACE")) {
    return EnvironmentError("no WORKSPACE in '" + o.workspace +
                            "': run from the rollcage checkout, give --workspace, or give prebuilt --fuzzers");
  }
  if (!ProgramInPath(o.bazel)) return EnvironmentError(o.bazel + " is not installed (Debian: bazel-bootstrap)");
  RunOptions ro;
  ro.cwd = o.workspace;
  ro.timeout_seconds = 3600;
  Phase(o, "building the fuzz targets with clang-14 (bazel build --config=fuzz)");
  auto q = RunCommand({o.bazel, "query", "attr(name, '.*_fuzz$', kind(cc_binary, //fuzz:all))"}, ro);
  if (!q.ok()) return q.status();
  if (q->exit_code != 0) return EnvironmentError("bazel query of the fuzz targets failed:\n" + LastLines(q->err, 20));
  std::vector<std::string> argv = {o.bazel, "build", "--config=fuzz"};
  std::istringstream qs(q->out);
  for (std::string l; std::getline(qs, l);) {
    if (l.rfind("//", 0) == 0) argv.push_back(l);
  }
  if (argv.size() == 3) return EnvironmentError("no fuzz targets under //fuzz");
  auto b = RunCommand(argv, ro);
  if (!b.ok()) return b.status();
  if (b->exit_code != 0) return EnvironmentError("bazel build --config=fuzz failed:\n" + LastLines(b->err, 30));
  auto info = RunCommand({o.bazel, "info", "--config=fuzz", "bazel-bin"}, ro);
  if (!info.ok()) return info.status();
  std::string bin = info->out;
  while (!bin.empty() && (bin.back() == '\n' || bin.back() == ' ')) bin.pop_back();
  if (info->exit_code != 0 || bin.empty()) return EnvironmentError("bazel info bazel-bin failed:\n" + LastLines(info->err, 10));
  return bin + "/fuzz";
}

// The dictionary and max_len of a target: <fuzzers>/<t>_fuzz.options and .dict (build.sh), else
// the workspace's fuzz/dicts/<t>.dict.
std::vector<std::string> TargetFlags(const NightlyOptions& o, const std::string& dir, const std::string& t) {
  std::vector<std::string> flags;
  std::error_code ec;
  std::string dict = dir + "/" + t + "_fuzz.dict";
  if (!fs::exists(dict, ec)) dict = o.workspace + "/fuzz/dicts/" + t + ".dict";
  if (fs::exists(dict, ec)) flags.push_back("-dict=" + fs::absolute(dict, ec).string());
  if (auto opts = ReadFile(dir + "/" + t + "_fuzz.options"); opts.ok()) {
    // [libfuzzer] key = value lines (build.sh writes max_len, dict and, for the scenario targets,
    // entropic); the dictionary is handled above.
    std::istringstream in(*opts);
    for (std::string l; std::getline(in, l);) {
      auto eq = l.find('=');
      if (eq == std::string::npos || l[0] == '[' || l[0] == '#') continue;
      std::string k = l.substr(0, eq), v = l.substr(eq + 1);
      k.erase(k.find_last_not_of(' ') + 1);
      v.erase(0, v.find_first_not_of(' '));
      if (k.empty() || k == "dict" || k.find(' ') != std::string::npos) continue;
      flags.push_back("-" + k + "=" + v);
    }
  } else if (AcceptsMutant(t)) {
    flags.push_back("-entropic=0");  // as build.sh's .options: see there
  }
  return flags;
}

std::map<std::string, std::string> Env(const NightlyOptions& o, const std::string& target, bool with_mutant) {
  return {{"ROLLCAGE_MUTANT", with_mutant && AcceptsMutant(target) ? o.mutant : ""}};
}

// Runs argv with stdout and stderr into log, in a thread; calls tick about every second meanwhile.
Result<RunResult> RunLogged(std::vector<std::string> argv, const std::string& log, RunOptions ro,
                            const std::function<void()>& tick) {
  std::vector<std::string> sh = {"/bin/sh", "-c", "log=$1; shift; exec \"$@\" >\"$log\" 2>&1", "sh", log};
  sh.insert(sh.end(), argv.begin(), argv.end());
  std::atomic<bool> done{false};
  Result<RunResult> result = InternalError("not run");
  std::thread th([&] {
    result = RunCommand(sh, ro);
    done = true;
  });
  while (!done) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    if (tick && !done) tick();
  }
  th.join();
  return result;
}

// FUZZER -timeout=… -rss_limit_mb=… ARGS…: the limits every libFuzzer run of a campaign shares.
std::vector<std::string> FuzzerArgv(const NightlyOptions& o, const std::string& fuzzer,
                                    std::initializer_list<std::string> args) {
  std::vector<std::string> argv = {fuzzer, "-timeout=" + std::to_string(int(o.input_timeout_s)),
                                   "-rss_limit_mb=" + std::to_string(o.rss_limit_mb)};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

// Reproduces one crash file; the classified report and the log.
std::pair<CrashReport, std::string> Reproduce(const NightlyOptions& o, const NightlyTarget& t, const std::string& file) {
  RunOptions ro;
  ro.env = Env(o, t.name, true);
  ro.timeout_seconds = o.input_timeout_s + 60;
  auto r = RunCommand(FuzzerArgv(o, t.fuzzer, {file}), ro);
  if (!r.ok()) return {CrashReport{"unreproducible", r.status().message(), {}}, ""};
  CrashReport c = ClassifyCrashLog(r->err);
  if (c.cls.empty()) {
    c.cls = r->exit_code == 0 ? "unreproducible" : "crash";
    c.detail = r->exit_code == 0 ? "the input ran clean when replayed alone (flaky, or it depends on earlier inputs)"
                                 : "exit " + std::to_string(r->exit_code) + " without a recognised report";
  }
  return {c, r->err};
}

std::string ScenarioRepro(const std::string& file) { return "rollcage repro " + file; }

Status RunTarget(const NightlyOptions& o, const std::string& fuzzer_dir, double seconds, NightlyTarget* t,
                 std::vector<NightlyFinding>* findings) {
  const fs::path out = o.out_dir;
  const fs::path fresh = out / "new" / t->name;
  const fs::path crashes = out / "crashes" / t->name;
  const fs::path logs = out / "logs";
  RC_RETURN_IF_ERROR(MakeDirs(fresh.string()));
  RC_RETURN_IF_ERROR(MakeDirs(crashes.string()));
  RC_RETURN_IF_ERROR(MakeDirs(logs.string()));
  const fs::path corpus = fs::path(o.corpus_root) / t->name;
  const fs::path regressions = fs::path(o.corpus_root) / "regressions" / t->name;
  std::error_code ec;
  t->corpus_before = CountFiles(corpus);

  // 1. Fuzz (fork mode: a crash, timeout or OOM ends one job, not the campaign).
  Phase(o, t->name + ": fuzzing for " + std::to_string(int(seconds)) + " s");
  std::vector<std::string> argv =
      FuzzerArgv(o, t->fuzzer,
                 {"-fork=" + std::to_string(std::max(1, o.jobs)), "-ignore_crashes=1", "-ignore_timeouts=1",
                  "-ignore_ooms=1", "-max_total_time=" + std::to_string(std::max(1, int(seconds))),
                  "-artifact_prefix=" + crashes.string() + "/"});
  for (const auto& f : TargetFlags(o, fuzzer_dir, t->name)) argv.push_back(f);
  argv.push_back(fresh.string());
  if (fs::is_directory(corpus, ec)) argv.push_back(corpus.string());
  if (fs::is_directory(regressions, ec)) argv.push_back(regressions.string());
  const std::string log = (logs / (t->name + ".log")).string();
  RunOptions ro;
  ro.env = Env(o, t->name, true);
  ro.timeout_seconds = seconds + 300;
  auto start = std::chrono::steady_clock::now();
  auto r = RunLogged(argv, log, ro, [&] {
    if (!o.status) return;
    auto text = ReadFile(log);
    if (!text.ok()) return;
    if (auto s = LastStatus(LastLines(*text, 40))) o.status(t->name, *s);
  });
  t->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!r.ok()) return r.status();
  auto text = ReadFile(log);
  std::string logtext = text.ok() ? *text : "";
  {
    std::istringstream in(logtext);
    double last_time = -1;
    for (std::string l; std::getline(in, l);) {
      auto s = ParseStatusLine(l);
      if (!s) continue;
      t->stats = *s;
      double elapsed = s->time_s >= 0 ? s->time_s : (s->exec_per_s > 0 ? s->executions / s->exec_per_s : 0);
      if (elapsed - last_time >= 1 || t->series.empty()) {
        t->series.push_back({elapsed, s->executions, s->coverage, s->crashes, s->exec_per_s});
        last_time = elapsed;
      }
    }
  }
  if (r->exit_code != 0 && !LastStatus(logtext)) {
    t->corpus_after = t->corpus_before;
    t->error = "the fuzzer exited " + std::to_string(r->exit_code) + " before fuzzing: " + LastLines(logtext, 5);
    return Status::Ok();
  }
  if (t->stats.exec_per_s == 0 && t->seconds > 0) t->stats.exec_per_s = t->stats.executions / t->seconds;

  // 2. Merge what adds coverage into the corpus (without the mutant: the corpus is the clean one's).
  t->new_inputs = CountFiles(fresh);
  if (o.merge && t->new_inputs > 0) {
    Phase(o, t->name + ": merging " + std::to_string(t->new_inputs) + " new inputs into " + corpus.string());
    RC_RETURN_IF_ERROR(MakeDirs(corpus.string()));
    RunOptions mo;
    mo.env = Env(o, t->name, false);
    mo.timeout_seconds = 1800;
    std::vector<std::string> m = FuzzerArgv(o, t->fuzzer, {"-merge=1"});
    for (const auto& f : TargetFlags(o, fuzzer_dir, t->name)) {
      if (f.rfind("-max_len", 0) == 0) m.push_back(f);
    }
    m.push_back(corpus.string());
    m.push_back(fresh.string());
    auto mr = RunLogged(m, (logs / (t->name + ".merge.log")).string(), mo, nullptr);
    if (!mr.ok()) return mr.status();
    if (mr->exit_code != 0) t->error = "merge failed (exit " + std::to_string(mr->exit_code) + "), see " +
                                       (logs / (t->name + ".merge.log")).string();
  }
  t->corpus_after = CountFiles(corpus);

  // 3. Classify the crash files (smallest first), group them by key.
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(crashes, ec)) {
    std::string n = e.path().filename().string();
    if (n.rfind("crash-", 0) == 0 || n.rfind("leak-", 0) == 0 || n.rfind("timeout-", 0) == 0 ||
        n.rfind("oom-", 0) == 0) {
      files.push_back(e.path());
    }
  }
  t->crash_files = int(files.size());
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    std::error_code e1;
    auto sa = fs::file_size(a, e1), sb = fs::file_size(b, e1);
    return sa != sb ? sa < sb : a < b;
  });
  struct Group {
    CrashReport report;
    std::string log;
    fs::path first;
    int count = 0;
  };
  std::vector<Group> groups;
  size_t classified = 0;
  for (const auto& f : files) {
    if (classified == o.max_classified) {
      Phase(o, t->name + ": " + std::to_string(files.size() - classified) + " more crash files not classified");
      break;
    }
    Phase(o, t->name + ": reproducing " + f.filename().string());
    auto [report, rlog] = Reproduce(o, *t, f.string());
    ++classified;
    const std::string key = report.Key();
    auto it = std::find_if(groups.begin(), groups.end(), [&key](const Group& g) { return g.report.Key() == key; });
    if (it == groups.end()) {
      groups.push_back({report, rlog, f, 1});
    } else {
      it->count++;
    }
  }

  // 4. One finding per group: minimize its smallest file, keep the result if it is still the same bug.
  for (auto& g : groups) {
    NightlyFinding nf;
    nf.target = t->name;
    nf.report = g.report;
    nf.count = g.count;
    char num[8];
    std::snprintf(num, sizeof num, "%02zu", findings->size() + 1);
    nf.dir = (out / "findings" / (std::string(num) + "-" + t->name + "-" + Slug(g.report.cls))).string();
    RC_RETURN_IF_ERROR(MakeDirs(nf.dir));
    RC_ASSIGN_OR_RETURN(std::string raw, ReadFile(g.first.string()));
    RC_RETURN_IF_ERROR(WriteFileAtomic(nf.dir + "/raw-" + g.first.filename().string(), raw));
    std::string bytes = raw;
    std::string log = g.log;
    bool minimizable = g.first.filename().string().rfind("crash-", 0) == 0 && g.report.cls != "unreproducible";
    if (minimizable && o.minimize_s > 0) {
      Phase(o, t->name + ": minimizing " + g.report.cls);
      const std::string min = nf.dir + "/minimized.tmp";
      RunOptions mo;
      mo.env = Env(o, t->name, true);
      mo.timeout_seconds = o.minimize_s + o.input_timeout_s + 60;
      auto mr = RunCommand(FuzzerArgv(o, t->fuzzer,
                                      {"-minimize_crash=1", "-max_total_time=" + std::to_string(int(o.minimize_s)),
                                       "-exact_artifact_path=" + min, g.first.string()}),
                           mo);
      if (mr.ok() && fs::exists(min, ec)) {
        auto [again, again_log] = Reproduce(o, *t, min);
        auto mb = ReadFile(min);
        if (again.Key() == g.report.Key() && mb.ok() && mb->size() < bytes.size()) {
          bytes = *mb;
          log = again_log;
          nf.minimized = true;
        }
        fs::remove(min, ec);
      }
    }
    const bool scenario = AcceptsMutant(t->name);
    // Scenario inputs carry the mutant in the envelope line, so the file alone replays the finding.
    nf.reproducer = nf.dir + "/" + (scenario ? "reproducer.fuzz" : "reproducer");
    RC_RETURN_IF_ERROR(WriteFileAtomic(nf.reproducer, (scenario ? harness::EnvelopeLine(o.mutant) : "") + bytes));
    RC_RETURN_IF_ERROR(WriteFileAtomic(nf.dir + "/log.txt", log));
    nf.repro = scenario ? ScenarioRepro(nf.reproducer)
                        : (std::string(o.mutant.empty() ? "" : "ROLLCAGE_MUTANT=" + o.mutant + " ") + t->fuzzer + " " +
                           nf.reproducer);
    std::string txt = "target:     " + t->name + "\nclass:      " + nf.report.cls + "\ndetail:     " + nf.report.detail +
                      "\ncrash files: " + std::to_string(nf.count) + " (" + crashes.string() + ")\nreproducer: " +
                      nf.reproducer + (nf.minimized ? " (minimized)" : "") + "\nreplay:     " + nf.repro + "\n";
    if (!scenario) txt += "without clang: bazel run //fuzz:" + t->name + "_fuzz -- " + nf.reproducer + "\n";
    if (!nf.report.frames.empty()) {
      txt += "stack:\n";
      for (const auto& f : nf.report.frames) txt += "  " + f + "\n";
    }
    RC_RETURN_IF_ERROR(WriteFileAtomic(nf.dir + "/finding.txt", txt));
    findings->push_back(std::move(nf));
    t->findings++;
  }
  return Status::Ok();
}

}  // namespace

bool AcceptsMutant(const std::string& target) { return target == "scenario" || target == "scenario_hsm"; }

Result<NightlyResult> RunNightly(const NightlyOptions& o_in) {
  NightlyOptions o = o_in;
  if (o.budget_s <= 0) return UsageError("--budget must be positive");
  if (o.jobs < 1) return UsageError("--jobs must be at least 1");
  if (o.corpus_root.empty()) o.corpus_root = o.workspace + "/corpus";
  std::error_code ec;
  o.out_dir = fs::absolute(o.out_dir, ec).string();
  o.corpus_root = fs::absolute(o.corpus_root, ec).string();
  std::string dir = o.fuzzers_dir;
  if (dir.empty()) {
    RC_ASSIGN_OR_RETURN(dir, BuildFuzzers(o));
  }
  RC_ASSIGN_OR_RETURN(auto fuzzers, FindFuzzers(dir));
  std::vector<NightlyTarget> targets;
  if (o.targets.empty()) {
    for (const auto& [name, path] : fuzzers) {
      if (o.mutant.empty() || AcceptsMutant(name)) targets.push_back({name, path});
    }
  } else {
    for (const auto& name : o.targets) {
      auto it = fuzzers.find(name);
      if (it == fuzzers.end()) {
        std::string known;
        for (const auto& [n, p] : fuzzers) known += (known.empty() ? "" : ", ") + n;
        return UsageError("--targets: no fuzz target '" + name + "' (known: " + known + ")");
      }
      if (!o.mutant.empty() && !AcceptsMutant(name)) {
        return UsageError("--targets: '" + name + "' does not run the signer, so a mutant cannot show in it");
      }
      targets.push_back({name, it->second});
    }
  }
  if (targets.empty()) return EnvironmentError("no fuzz target to run in '" + dir + "'");
  RC_RETURN_IF_ERROR(MakeDirs(o.out_dir));
  NightlyResult result;
  auto start = std::chrono::steady_clock::now();
  double share = std::max(5.0, o.budget_s / double(targets.size()));
  for (auto& t : targets) {
    Status s = RunTarget(o, dir, share, &t, &result.findings);
    if (!s.ok()) t.error = s.message();
    result.targets.push_back(t);
  }
  result.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

harness::RunRecord ToRunRecord(const NightlyOptions& o, const NightlyResult& r, UnixTime started, UnixTime finished,
                               const std::string& command) {
  harness::RunRecord rec;
  rec.kind = "nightly";
  rec.command = command;
  rec.started = started;
  rec.finished = finished;
  rec.budget_s = o.budget_s;
  nlohmann::json by_target = nlohmann::json::object();
  nlohmann::json details = nlohmann::json::array();
  bool broken = false;
  for (const auto& t : r.targets) {
    // exec/s over the target's whole wall time (startup and fork overhead included), as the report
    // computes it; libFuzzer's own last figure is kept in extra.targets.
    rec.targets.push_back({t.name, t.seconds, t.stats.executions, t.seconds > 0 ? t.stats.executions / t.seconds : 0,
                           t.stats.coverage, t.corpus_after, t.findings});
    rec.executions += t.stats.executions;
    nlohmann::json pts = nlohmann::json::array();
    for (const auto& p : t.series) {
      pts.push_back({{"elapsed_s", p.elapsed_s}, {"executions", p.executions}, {"coverage", p.coverage},
                     {"findings", p.findings}, {"exec_per_s", p.exec_per_s}});
    }
    by_target[t.name] = pts;
    details.push_back({{"target", t.name}, {"fuzzer", t.fuzzer}, {"seconds", t.seconds},
                       {"executions", t.stats.executions}, {"libfuzzer_exec_per_s", t.stats.exec_per_s},
                       {"coverage", t.stats.coverage}, {"features", t.stats.features},
                       {"corpus_before", t.corpus_before}, {"corpus_after", t.corpus_after},
                       {"new_inputs", t.new_inputs}, {"crash_files", t.crash_files}, {"findings", t.findings},
                       {"error", t.error}});
    if (!t.error.empty()) broken = true;
  }
  nlohmann::json fjson = nlohmann::json::array();
  for (const auto& f : r.findings) {
    std::string detail = f.report.detail;
    if (!f.report.frames.empty()) detail += " [" + f.report.frames[0] + "]";
    // A property finding of a run with a planted bug names the mutant as its target (docs/report.md:
    // explained); a sanitizer crash is never explained by a mutant.
    bool planted = !o.mutant.empty() && f.report.cls.rfind("rollcage:", 0) == 0;
    rec.findings.push_back({f.report.cls, "error", planted ? o.mutant : f.target, detail, f.reproducer, f.repro});
    fjson.push_back({{"target", f.target}, {"class", f.report.cls}, {"key", f.report.Key()},
                     {"detail", f.report.detail}, {"frames", f.report.frames}, {"count", f.count},
                     {"dir", f.dir}, {"reproducer", f.reproducer}, {"minimized", f.minimized}, {"repro", f.repro}});
  }
  rec.extra = {{"series_by_target", by_target}, {"targets", details}, {"findings", fjson}, {"jobs", o.jobs},
               {"out_dir", o.out_dir}};
  if (!o.mutant.empty()) rec.extra["mutant"] = o.mutant;
  rec.verdict = r.findings.empty() && !broken ? "pass" : "fail";
  std::string figures;
  for (const auto& t : r.targets) figures += (figures.empty() ? "" : ", ") + t.name;
  rec.summary = std::to_string(r.findings.size()) + " finding(s) in " + std::to_string(r.targets.size()) +
                " target(s) (" + figures + ")" + (broken ? "; some targets failed to run" : "");
  return rec;
}

}  // namespace rollcage::fuzz
