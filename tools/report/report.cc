#include "tools/report/report.h"

#include <algorithm>
#include <set>

#include "tools/report/text.h"

namespace rollcage::report {

using harness::RunRecord;
using nlohmann::json;

std::string VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "PASS";
    case Verdict::kFail: return "FAIL";
    case Verdict::kIncomplete: return "INCOMPLETE";
    case Verdict::kNoEvidence: return "NO EVIDENCE";
  }
  return "?";
}

json CoverageCounts::ToJson() const {
  json j = {{"lines", lines}, {"lines_covered", lines_covered}, {"line_percent", line_percent()},
            {"branches", branches}, {"branches_covered", branches_covered}, {"branch_percent", branch_percent()},
            {"functions", functions}, {"functions_covered", functions_covered},
            {"function_percent", function_percent()}};
  if (!file.empty()) j["file"] = file;
  return j;
}

CoverageCounts CoverageCounts::FromJson(const json& j) {
  CoverageCounts c;
  c.file = j.value("file", "");
  c.lines = j.value("lines", 0.0);
  c.lines_covered = j.value("lines_covered", 0.0);
  c.branches = j.value("branches", 0.0);
  c.branches_covered = j.value("branches_covered", 0.0);
  c.functions = j.value("functions", 0.0);
  c.functions_covered = j.value("functions_covered", 0.0);
  return c;
}

Result<CoverageSummary> CoverageFromRecord(const RunRecord& r) {
  try {
    CoverageSummary s;
    const json& e = r.extra;
    if (!e.is_object() || !e.contains("total")) return BadInput("coverage record has no extra.total");
    s.present = true;
    s.when = r.started;
    s.scope = e.value("scope", "");
    s.workload = e.value("workload", std::vector<std::string>{});
    s.total = CoverageCounts::FromJson(e.at("total"));
    for (const auto& f : e.value("files", json::array())) s.files.push_back(CoverageCounts::FromJson(f));
    s.tests_failed = e.value("tests_failed", false);
    s.failed_tests = e.value("failed_tests", "");
    return s;
  } catch (const std::exception& ex) {
    return BadInput(std::string("malformed coverage record: ") + ex.what());
  }
}

std::string RunLabel(const RunRecord& r) {
  return r.kind + " " + FormatTimeIso(r.started) + " (seed " + std::to_string(r.seed) + ")";
}

bool IsRequiredKind(const std::string& kind) {
  return std::find(kRequiredKinds.begin(), kRequiredKinds.end(), kind) != kRequiredKinds.end();
}

int Report::latest(const std::string& kind) const {
  auto it = by_kind.find(kind);
  return it == by_kind.end() || it->second.empty() ? -1 : it->second.back();
}

std::vector<std::string> Report::reasons() const {
  std::vector<std::string> out = fail_reasons;
  out.insert(out.end(), incomplete_reasons.begin(), incomplete_reasons.end());
  if (out.empty()) out = pass_notes;
  return out;
}

int Report::error_findings() const {
  int n = 0;
  for (const auto& f : findings) n += !f.planted && f.finding.severity == "error";
  return n;
}

namespace {

std::string PolicyText(const std::map<std::string, std::string>& p) {
  std::string s;
  for (const auto& [k, v] : p) s += (s.empty() ? "" : ", ") + k + "=" + v;
  return s;
}

// The planted bugs switched on in a run: the mutant rows of a mutants run, extra.mutant of any run.
std::set<std::string> PlantedNames(const RunRecord& r) {
  std::set<std::string> out;
  for (const auto& m : r.mutants) out.insert(m.name);
  if (r.extra.is_object() && r.extra.contains("mutant") && r.extra["mutant"].is_string()) {
    std::string m = r.extra["mutant"].get<std::string>();
    if (!m.empty()) out.insert(m);
  }
  return out;
}

bool FindingIsPlanted(const RunRecord& r, const std::set<std::string>& planted, const harness::RecordedFinding& f) {
  if (planted.count(f.target)) return true;
  // A demo hunts a planted bug; without a named mutant every finding of the demo is the planted one.
  if (r.kind == "demo" && planted.empty()) return true;
  // A run with exactly one planted bug: its findings come from it whatever target they name.
  if (r.kind != "mutants" && planted.size() == 1) return true;
  return false;
}

}  // namespace

bool RunHasPlantedBug(const RunRecord& r) {
  return r.kind == "mutants" || r.kind == "demo" || !PlantedNames(r).empty();
}

namespace {

bool DidWork(const RunRecord& r) {
  if (r.scenarios > 0 || r.executions > 0 || r.events > 0) return true;
  for (const auto& t : r.targets) {
    if (t.executions > 0) return true;
  }
  return !r.mutants.empty();
}

}  // namespace

std::vector<std::string> VerdictRules(const ReportOptions& o) {
  return {
      "Counted runs: the release under test is the signer and version of the newest run record; records of "
      "other releases" + std::string(o.since ? " or started before " + FormatTimeIso(o.since) : "") +
          " are listed but not counted.",
      "FAIL when a counted hunt, nightly, fuzz, rollover or demo run has an error-severity finding that no planted "
      "bug (mutant) explains, when such a run says it failed, or when a fuzz target crashed.",
      "FAIL when any mutant survived the latest mutants run: the harness missed a planted bug, so its silence "
      "on the signer is not evidence.",
      "PASS only with evidence of every kind (property hunts, nightly fuzzing, mutants, rollover, coverage), "
      "none failed, every run completed and did work, line coverage of the signer >= " +
          FormatNumber(o.min_line_coverage) + "% and branch coverage >= " + FormatNumber(o.min_branch_coverage) +
          "%" + (o.min_fuzz_seconds > 0 ? ", every fuzz target fuzzed >= " + FormatDuration(o.min_fuzz_seconds) : "") +
          (o.min_hunt_scenarios > 0 ? ", hunts ran >= " + FormatCount(o.min_hunt_scenarios) + " scenarios" : "") +
          ".",
      "INCOMPLETE otherwise, with each missing piece listed; NO EVIDENCE when there is no counted run at all.",
  };
}

Report BuildReport(std::vector<RunRecord> runs, std::vector<std::string> skipped, const ReportOptions& options) {
  Report r;
  r.options = options;
  std::stable_sort(runs.begin(), runs.end(), [](const RunRecord& a, const RunRecord& b) { return a.started < b.started; });
  r.runs = std::move(runs);
  r.skipped = std::move(skipped);
  if (!r.runs.empty()) {
    r.signer = r.runs.back().signer;
    r.signer_version = r.runs.back().signer_version;
  }
  std::set<int> algs, hsms;
  std::set<std::string> policies;
  for (size_t i = 0; i < r.runs.size(); ++i) {
    const RunRecord& x = r.runs[i];
    std::string status = "counted";
    if (x.signer != r.signer || x.signer_version != r.signer_version) {
      status = "other release (" + x.signer + " " + x.signer_version + ")";
    } else if (options.since && x.started < options.since) {
      status = "older than --since";
    } else if (std::find(kAllKinds.begin(), kAllKinds.end(), x.kind) == kAllKinds.end()) {
      status = "unknown kind '" + x.kind + "'";
    }
    r.run_status.push_back(status);
    if (status != "counted") continue;
    r.by_kind[x.kind].push_back(int(i));
    if (x.kind != "coverage") {
      algs.insert(x.algorithms.begin(), x.algorithms.end());
      hsms.insert(x.hsms);
      if (!x.policy.empty()) policies.insert(PolicyText(x.policy));
    }
    std::set<std::string> planted = PlantedNames(x);
    for (const auto& f : x.findings) {
      r.findings.push_back({int(i), x.kind, x.started, FindingIsPlanted(x, planted, f), f});
    }
    if (x.kind == "hunt") {
      r.hunt_scenarios += x.scenarios;
      r.hunt_events += x.events;
      r.hunt_seeds.push_back(x.seed);
    } else if (x.kind == "rollover") {
      r.rollover_scenarios += x.scenarios;
      r.rollover_events += x.events;
    }
    if (x.kind != "mutants" && x.kind != "coverage") {
      for (const auto& t : x.targets) {
        auto it = std::find_if(r.targets.begin(), r.targets.end(),
                               [&](const TargetTotal& tt) { return tt.kind == x.kind && tt.name == t.name; });
        if (it == r.targets.end()) {
          r.targets.push_back({x.kind, t.name});
          it = r.targets.end() - 1;
        }
        it->runs++;
        it->seconds += t.seconds;
        it->executions += t.executions;
        it->coverage = std::max(it->coverage, t.coverage);
        it->corpus = t.corpus;
        it->crashes += t.crashes;
        if (x.kind == "nightly") {
          r.fuzz_seconds += t.seconds;
          r.fuzz_executions += t.executions;
        }
      }
    }
  }
  auto kind_order = [](const std::string& k) {
    const std::vector<std::string> order = {"nightly", "fuzz", "hunt", "rollover", "demo"};
    return std::find(order.begin(), order.end(), k) - order.begin();
  };
  std::stable_sort(r.targets.begin(), r.targets.end(), [&](const TargetTotal& a, const TargetTotal& b) {
    return kind_order(a.kind) < kind_order(b.kind);
  });
  r.algorithms.assign(algs.begin(), algs.end());
  r.hsm_counts.assign(hsms.begin(), hsms.end());
  r.policies.assign(policies.begin(), policies.end());

  // Coverage: every counted coverage run for the chart, the latest for the verdict.
  auto cov_runs = r.by_kind.find("coverage");
  for (int i : cov_runs == r.by_kind.end() ? std::vector<int>{} : cov_runs->second) {
    auto c = CoverageFromRecord(r.runs[i]);
    if (c.ok()) {
      r.coverage_history.push_back(*c);
    } else {
      r.incomplete_reasons.push_back("coverage run " + FormatTimeIso(r.runs[i].started) + ": " + c.status().message());
    }
  }
  if (!r.coverage_history.empty()) r.coverage = r.coverage_history.back();
  r.mutants_run = r.latest("mutants");
  if (r.mutants_run >= 0) r.mutants = r.runs[r.mutants_run].mutants;

  // The verdict.
  int counted = 0;
  for (size_t i = 0; i < r.runs.size(); ++i) counted += r.counted(int(i));
  if (counted == 0) {
    r.verdict = Verdict::kNoEvidence;
    if (r.runs.empty()) {
      r.incomplete_reasons.push_back("no run records in " + (options.results_dir.empty() ? std::string("the results directory") : options.results_dir) +
                                     ": nothing was tested");
    } else {
      r.incomplete_reasons.push_back("none of the " + std::to_string(r.runs.size()) + " run records is counted");
    }
    if (!r.skipped.empty()) r.incomplete_reasons.push_back(std::to_string(r.skipped.size()) + " unreadable record files skipped");
    return r;
  }
  for (size_t i = 0; i < r.runs.size(); ++i) {
    if (!r.counted(int(i))) continue;
    const RunRecord& x = r.runs[i];
    if (x.kind == "coverage") continue;
    int errors = 0;
    std::set<std::string> classes;
    for (const auto& f : r.findings) {
      if (f.run == int(i) && !f.planted && f.finding.severity == "error") {
        ++errors;
        classes.insert(f.finding.cls);
      }
    }
    std::string cls;
    for (const auto& c : classes) cls += (cls.empty() ? "" : ", ") + c;
    if (errors) {
      r.fail_reasons.push_back(RunLabel(x) + ": " + std::to_string(errors) + " error finding" + (errors > 1 ? "s" : "") +
                               " not explained by a planted bug (" + cls + ")");
    }
    if (!RunHasPlantedBug(x)) {
      if (x.verdict == "fail" && !errors) {
        r.fail_reasons.push_back(RunLabel(x) + " says it failed: " + (x.summary.empty() ? "(no summary)" : x.summary));
      }
      for (const auto& t : x.targets) {
        bool named = false;
        for (const auto& f : x.findings) named |= f.target == t.name;
        if (t.crashes > 0 && !named) {
          r.fail_reasons.push_back(RunLabel(x) + ": target " + t.name + " crashed " + std::to_string(t.crashes) +
                                   " time(s) with no finding recorded");
        }
      }
    }
    if (x.verdict != "pass" && x.verdict != "fail") {
      r.incomplete_reasons.push_back(RunLabel(x) + " did not complete (verdict '" + x.verdict + "'" +
                                     (x.summary.empty() ? "" : ": " + x.summary) + ")");
    } else if (!DidWork(x) && x.kind != "demo") {
      r.incomplete_reasons.push_back(RunLabel(x) + " did no work (no scenarios, executions or mutants)");
    }
  }
  std::vector<std::string> later_notes;  // mutants and coverage, after the hunts, fuzzing and rollovers
  if (r.mutants_run >= 0) {
    int survived = 0;
    for (const auto& m : r.mutants) {
      if (!m.killed) {
        ++survived;
        r.fail_reasons.push_back("mutant " + m.name + " survived " + std::to_string(m.seeds) +
                                 " seed(s): the harness did not find this planted bug");
      }
    }
    if (r.mutants.empty()) {
      r.incomplete_reasons.push_back("the latest mutants run (" + FormatTimeIso(r.runs[r.mutants_run].started) +
                                     ") lists no mutants");
    } else if (!survived) {
      later_notes.push_back("all " + std::to_string(r.mutants.size()) + " mutants killed");
    }
  }
  for (const auto& k : kRequiredKinds) {
    if (!r.by_kind.count(k)) {
      r.incomplete_reasons.push_back("no " + k + " run for " + r.signer + " " + r.signer_version +
                                     (k == "coverage" ? " (run `rollcage coverage`)" : " (run `rollcage " + k + "`)"));
    }
  }
  if (r.coverage.present) {
    const auto& t = r.coverage.total;
    if (r.coverage.tests_failed) {
      std::string failed = r.coverage.failed_tests;
      for (auto& c : failed) c = c == '\n' ? ' ' : c;
      r.incomplete_reasons.push_back("tests of the coverage workload failed, so coverage may be understated" +
                                     (failed.empty() ? std::string() : ": " + failed));
    }
    if (t.lines <= 0) {
      r.incomplete_reasons.push_back("the coverage run measured no signer lines");
    } else {
      if (t.line_percent() < options.min_line_coverage) {
        r.incomplete_reasons.push_back("line coverage of the signer " + FormatPercent(t.line_percent()) + " is below " +
                                       FormatNumber(options.min_line_coverage) + "%");
      } else {
        later_notes.push_back("line coverage of the signer " + FormatPercent(t.line_percent()));
      }
      if (t.branch_percent() < options.min_branch_coverage) {
        r.incomplete_reasons.push_back("branch coverage of the signer " + FormatPercent(t.branch_percent()) +
                                       " is below " + FormatNumber(options.min_branch_coverage) + "%");
      } else {
        later_notes.push_back("branch coverage of the signer " + FormatPercent(t.branch_percent()));
      }
    }
  }
  if (options.min_fuzz_seconds > 0 && r.by_kind.count("nightly")) {
    for (const auto& t : r.targets) {
      if (t.kind == "nightly" && t.seconds < options.min_fuzz_seconds) {
        r.incomplete_reasons.push_back("fuzz target " + t.name + " ran " + FormatDuration(t.seconds) + ", less than " +
                                       FormatDuration(options.min_fuzz_seconds));
      }
    }
  }
  if (options.min_hunt_scenarios > 0 && r.by_kind.count("hunt") && r.hunt_scenarios < options.min_hunt_scenarios) {
    r.incomplete_reasons.push_back("hunts ran " + FormatCount(r.hunt_scenarios) + " scenarios, less than " +
                                   FormatCount(options.min_hunt_scenarios));
  }
  if (r.by_kind.count("hunt")) {
    r.pass_notes.push_back(std::to_string(r.by_kind["hunt"].size()) + " hunt run(s), " + FormatCount(r.hunt_scenarios) +
                           " scenarios, no unexplained findings");
  }
  if (r.by_kind.count("nightly")) {
    r.pass_notes.push_back("nightly fuzzing " + FormatDuration(r.fuzz_seconds) + ", " + FormatCount(r.fuzz_executions) +
                           " executions, no crashes");
  }
  if (r.by_kind.count("rollover")) {
    r.pass_notes.push_back(std::to_string(r.by_kind["rollover"].size()) + " rollover run(s), no unexplained findings");
  }
  r.pass_notes.insert(r.pass_notes.end(), later_notes.begin(), later_notes.end());
  r.verdict = !r.fail_reasons.empty() ? Verdict::kFail : !r.incomplete_reasons.empty() ? Verdict::kIncomplete : Verdict::kPass;
  return r;
}

json ReportJson(const Report& r) {
  json j;
  j["format"] = "rollcage-report-1";
  j["generated"] = FormatTimeIso(r.options.now);
  j["results_dir"] = SanitizeUtf8(r.options.results_dir);
  j["verdict"] = {{"value", VerdictName(r.verdict)},
                  {"fail_reasons", r.fail_reasons},
                  {"incomplete_reasons", r.incomplete_reasons},
                  {"pass_notes", r.pass_notes},
                  {"reasons", r.reasons()}};
  j["rules"] = VerdictRules(r.options);
  j["thresholds"] = {{"min_line_coverage", r.options.min_line_coverage},
                     {"min_branch_coverage", r.options.min_branch_coverage},
                     {"min_fuzz_seconds", r.options.min_fuzz_seconds},
                     {"min_hunt_scenarios", r.options.min_hunt_scenarios},
                     {"since", r.options.since ? FormatTimeIso(r.options.since) : ""}};
  json kinds = json::object();
  for (const auto& [k, v] : r.by_kind) kinds[k] = v.size();
  j["tested"] = {{"signer", r.signer}, {"version", r.signer_version}, {"policies", r.policies},
                 {"algorithms", r.algorithms}, {"hsm_counts", r.hsm_counts}, {"runs_per_kind", kinds}};
  json targets = json::array();
  for (const auto& t : r.targets) {
    targets.push_back({{"kind", t.kind}, {"name", t.name}, {"runs", t.runs}, {"seconds", t.seconds},
                       {"executions", t.executions}, {"exec_per_s", t.exec_per_s()}, {"coverage", t.coverage},
                       {"corpus", t.corpus}, {"crashes", t.crashes}});
  }
  j["how_much"] = {{"hunt", {{"runs", r.by_kind.count("hunt") ? r.by_kind.at("hunt").size() : 0},
                             {"scenarios", r.hunt_scenarios}, {"events", r.hunt_events}, {"seeds", r.hunt_seeds}}},
                   {"nightly", {{"runs", r.by_kind.count("nightly") ? r.by_kind.at("nightly").size() : 0},
                                {"seconds", r.fuzz_seconds}, {"executions", r.fuzz_executions}}},
                   {"rollover", {{"runs", r.by_kind.count("rollover") ? r.by_kind.at("rollover").size() : 0},
                                 {"scenarios", r.rollover_scenarios}, {"events", r.rollover_events}}},
                   {"targets", targets}};
  json cov = nullptr;
  if (r.coverage.present) {
    json files = json::array();
    for (const auto& f : r.coverage.files) files.push_back(f.ToJson());
    cov = {{"when", FormatTimeIso(r.coverage.when)}, {"scope", r.coverage.scope}, {"workload", r.coverage.workload},
           {"total", r.coverage.total.ToJson()}, {"files", files}};
  }
  json history = json::array();
  for (const auto& c : r.coverage_history) {
    history.push_back({{"when", FormatTimeIso(c.when)}, {"line_percent", c.total.line_percent()},
                       {"branch_percent", c.total.branch_percent()}});
  }
  j["how_well"] = {{"coverage", cov}, {"coverage_history", history}};
  json findings = json::array();
  for (const auto& f : r.findings) {
    findings.push_back({{"kind", f.kind}, {"run_started", FormatTimeIso(f.when)}, {"planted", f.planted},
                        {"class", SanitizeUtf8(f.finding.cls)}, {"severity", SanitizeUtf8(f.finding.severity)},
                        {"target", SanitizeUtf8(f.finding.target)}, {"detail", SanitizeUtf8(f.finding.detail)},
                        {"file", SanitizeUtf8(f.finding.file)}, {"repro", SanitizeUtf8(f.finding.repro)}});
  }
  j["findings"] = findings;
  j["error_findings"] = r.error_findings();
  json mutants = json::array();
  for (const auto& m : r.mutants) {
    mutants.push_back({{"name", m.name}, {"killed", m.killed}, {"median_s", m.median_s}, {"seeds", m.seeds},
                       {"kills", m.kills}, {"reproducer_events", m.reproducer_events},
                       {"finding_class", m.finding_class}, {"reproducer", SanitizeUtf8(m.reproducer)}});
  }
  j["mutants"] = mutants;
  json runs = json::array();
  for (size_t i = 0; i < r.runs.size(); ++i) {
    const auto& x = r.runs[i];
    runs.push_back({{"kind", x.kind}, {"started", FormatTimeIso(x.started)}, {"finished", FormatTimeIso(x.finished)},
                    {"seed", x.seed}, {"command", SanitizeUtf8(x.command)}, {"verdict", x.verdict},
                    {"summary", SanitizeUtf8(x.summary)}, {"scenarios", x.scenarios}, {"executions", x.executions},
                    {"findings", x.findings.size()}, {"status", r.run_status[i]}});
  }
  j["runs"] = runs;
  json skipped = json::array();
  for (const auto& s : r.skipped) skipped.push_back(SanitizeUtf8(s));
  j["skipped"] = skipped;
  return j;
}

}  // namespace rollcage::report
