#include "harness/run_record.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "base/file.h"

namespace rollcage::harness {

using nlohmann::json;

json RunRecord::ToJson() const {
  json j;
  j["format"] = "rollcage-run-1";
  j["kind"] = kind;
  j["command"] = command;
  j["started"] = FormatTimeIso(started);
  j["finished"] = FormatTimeIso(finished);
  j["duration_s"] = double(finished - started);
  j["seed"] = seed;
  j["budget_s"] = budget_s;
  j["signer"] = {{"name", signer}, {"version", signer_version}, {"policy", policy}, {"algorithms", algorithms},
                 {"hsms", hsms}};
  j["stats"] = {{"scenarios", scenarios}, {"executions", executions}, {"events", events}};
  j["targets"] = json::array();
  for (const auto& t : targets) {
    j["targets"].push_back({{"name", t.name}, {"seconds", t.seconds}, {"executions", t.executions},
                            {"exec_per_s", t.exec_per_s}, {"coverage", t.coverage}, {"corpus", t.corpus},
                            {"crashes", t.crashes}});
  }
  j["series"] = json::array();
  for (const auto& p : series) {
    j["series"].push_back({{"elapsed_s", p.elapsed_s}, {"executions", p.executions}, {"coverage", p.coverage},
                           {"findings", p.findings}, {"exec_per_s", p.exec_per_s}});
  }
  j["findings"] = json::array();
  for (const auto& f : findings) {
    j["findings"].push_back({{"class", f.cls}, {"severity", f.severity}, {"target", f.target}, {"detail", f.detail},
                             {"file", f.file}, {"repro", f.repro}});
  }
  j["mutants"] = json::array();
  for (const auto& m : mutants) {
    j["mutants"].push_back({{"name", m.name}, {"killed", m.killed}, {"median_s", m.median_s}, {"seeds", m.seeds},
                            {"kills", m.kills}, {"reproducer_events", m.reproducer_events},
                            {"finding_class", m.finding_class}, {"reproducer", m.reproducer}});
  }
  j["verdict"] = verdict;
  j["summary"] = summary;
  j["extra"] = extra.is_null() ? json::object() : extra;
  return j;
}

Result<RunRecord> RunRecord::FromJson(const json& j) {
  try {
    if (j.at("format").get<std::string>() != "rollcage-run-1") return BadInput("not a rollcage run record");
    RunRecord r;
    r.kind = j.at("kind").get<std::string>();
    r.command = j.value("command", "");
    auto t = ParseTime(j.at("started").get<std::string>());
    if (!t.ok()) return t.status();
    r.started = *t;
    t = ParseTime(j.at("finished").get<std::string>());
    if (!t.ok()) return t.status();
    r.finished = *t;
    r.seed = j.value("seed", uint64_t(0));
    r.budget_s = j.value("budget_s", 0.0);
    const auto& s = j.at("signer");
    r.signer = s.value("name", "");
    r.signer_version = s.value("version", "");
    r.policy = s.value("policy", std::map<std::string, std::string>{});
    r.algorithms = s.value("algorithms", std::vector<int>{});
    r.hsms = s.value("hsms", 0);
    const auto& st = j.at("stats");
    r.scenarios = st.value("scenarios", 0.0);
    r.executions = st.value("executions", 0.0);
    r.events = st.value("events", 0.0);
    for (const auto& x : j.value("targets", json::array())) {
      r.targets.push_back({x.value("name", ""), x.value("seconds", 0.0), x.value("executions", 0.0),
                           x.value("exec_per_s", 0.0), x.value("coverage", 0.0), x.value("corpus", 0),
                           x.value("crashes", 0)});
    }
    for (const auto& x : j.value("series", json::array())) {
      r.series.push_back({x.value("elapsed_s", 0.0), x.value("executions", 0.0), x.value("coverage", 0.0),
                          x.value("findings", 0.0), x.value("exec_per_s", 0.0)});
    }
    for (const auto& x : j.value("findings", json::array())) {
      r.findings.push_back({x.value("class", ""), x.value("severity", "error"), x.value("target", ""),
                            x.value("detail", ""), x.value("file", ""), x.value("repro", "")});
    }
    for (const auto& x : j.value("mutants", json::array())) {
      MutantRow m;
      m.name = x.value("name", "");
      m.killed = x.value("killed", false);
      m.median_s = x.value("median_s", -1.0);
      m.seeds = x.value("seeds", 0);
      m.kills = x.value("kills", 0);
      m.reproducer_events = x.value("reproducer_events", -1);
      m.finding_class = x.value("finding_class", "");
      m.reproducer = x.value("reproducer", "");
      r.mutants.push_back(std::move(m));
    }
    r.verdict = j.value("verdict", "pass");
    r.summary = j.value("summary", "");
    r.extra = j.value("extra", json::object());
    return r;
  } catch (const std::exception& e) {
    return BadInput(std::string("malformed run record: ") + e.what());
  }
}

std::string ResultsDir() {
  const char* d = std::getenv("ROLLCAGE_RESULTS");
  return d && *d ? d : "rollcage-results";
}

Status WriteRunRecord(const RunRecord& r, const std::string& dir) {
  RC_RETURN_IF_ERROR(MakeDirs(dir));
  std::string name = dir + "/" + r.kind + "-" + FormatTimeCompact(r.started) + "-" + std::to_string(getpid()) + ".json";
  // Invalid UTF-8 in a finding's text (raw bytes of a fuzzed name) becomes U+FFFD rather than an
  // exception that would lose the whole record.
  return WriteFileAtomic(name, r.ToJson().dump(1, ' ', false, json::error_handler_t::replace) + "\n");
}

std::vector<RunRecord> ReadRunRecords(const std::string& dir, std::vector<std::string>* skipped) {
  std::vector<RunRecord> out;
  std::error_code ec;
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".json") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto text = ReadFile(f);
    if (!text.ok()) {
      if (skipped) skipped->push_back(f + ": " + text.status().message());
      continue;
    }
    auto j = json::parse(*text, nullptr, false);
    if (j.is_discarded()) {
      if (skipped) skipped->push_back(f + ": not JSON");
      continue;
    }
    auto r = RunRecord::FromJson(j);
    if (!r.ok()) {
      if (skipped) skipped->push_back(f + ": " + r.status().message());
      continue;
    }
    out.push_back(std::move(r).value());
  }
  std::stable_sort(out.begin(), out.end(), [](const RunRecord& a, const RunRecord& b) { return a.started < b.started; });
  return out;
}

}  // namespace rollcage::harness
