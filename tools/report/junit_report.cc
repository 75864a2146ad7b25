#include "tools/report/junit_report.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "tools/report/text.h"

namespace rollcage::report {

using harness::RunRecord;

int JunitSuite::failures() const {
  int n = 0;
  for (const auto& c : cases) n += c.failed;
  return n;
}

int JunitSuite::skipped() const {
  int n = 0;
  for (const auto& c : cases) n += !c.skipped.empty();
  return n;
}

namespace {

std::string IsoNoZone(UnixTime t) {
  std::string s = FormatTimeIso(t);
  if (!s.empty() && s.back() == 'Z') s.pop_back();
  return s;
}

std::string FindingText(const FindingRow& f) {
  std::string s = f.finding.cls + " (" + f.finding.severity + ")";
  if (!f.finding.target.empty()) s += " in " + f.finding.target;
  s += ", " + f.kind + " run " + FormatTimeIso(f.when) + "\n";
  if (!f.finding.detail.empty()) s += "  " + f.finding.detail + "\n";
  if (!f.finding.repro.empty()) s += "  repro: " + f.finding.repro + "\n";
  if (!f.finding.file.empty()) s += "  file: " + f.finding.file + "\n";
  return s;
}

// Adds the unexplained error findings to a case as one failure; warnings go to system-out.
void AddFindings(JunitCase& c, const std::vector<const FindingRow*>& fs) {
  int errors = 0;
  std::set<std::string> classes;
  for (const auto* f : fs) {
    if (f->planted) {
      c.system_out += "planted (expected): " + FindingText(*f);
    } else if (f->finding.severity == "error") {
      ++errors;
      classes.insert(f->finding.cls);
      c.failure_text += FindingText(*f);
    } else {
      c.system_out += "warning: " + FindingText(*f);
    }
  }
  if (errors) {
    c.failed = true;
    std::string cls;
    for (const auto& x : classes) cls += (cls.empty() ? "" : ", ") + x;
    c.failure_message = std::to_string(errors) + " finding(s): " + cls;
    c.failure_type = *classes.begin();
  }
}

double RunSeconds(const RunRecord& r) { return double(r.finished - r.started); }

}  // namespace

std::vector<JunitSuite> JunitSuites(const Report& r) {
  std::vector<JunitSuite> out;
  // The verdict of the release as one testcase, so a CI dashboard shows it first.
  {
    JunitSuite s;
    s.name = "verdict";
    s.timestamp = IsoNoZone(r.options.now);
    s.properties = {{"signer", r.signer}, {"version", r.signer_version}, {"verdict", VerdictName(r.verdict)}};
    JunitCase c{"rollcage.verdict", "release verdict"};
    std::string reasons;
    for (const auto& x : r.reasons()) reasons += x + "\n";
    if (r.verdict == Verdict::kFail) {
      c.failed = true;
      c.failure_type = "FAIL";
      c.failure_message = "FAIL: " + (r.fail_reasons.empty() ? std::string() : r.fail_reasons.front());
      c.failure_text = reasons;
    } else if (r.verdict != Verdict::kPass) {
      c.skipped = VerdictName(r.verdict) + ": " + (r.reasons().empty() ? std::string() : r.reasons().front());
      c.system_out = reasons;
    } else {
      c.system_out = reasons;
    }
    s.cases.push_back(c);
    out.push_back(std::move(s));
  }
  for (const auto& kind : kAllKinds) {
    JunitSuite s;
    s.name = kind;
    auto it = r.by_kind.find(kind);
    bool required = IsRequiredKind(kind);
    if (it == r.by_kind.end()) {
      if (!required) continue;
      s.timestamp = IsoNoZone(r.options.now);
      JunitCase c{"rollcage." + kind, kind};
      c.skipped = "no " + kind + " run for this release";
      s.cases.push_back(c);
      out.push_back(std::move(s));
      continue;
    }
    const std::vector<int>& idx = it->second;
    s.timestamp = IsoNoZone(r.runs[idx.back()].started);
    for (int i : idx) s.time += RunSeconds(r.runs[i]);
    const RunRecord& last = r.runs[idx.back()];
    s.properties = {{"runs", std::to_string(idx.size())}, {"signer", last.signer}, {"version", last.signer_version},
                    {"command", last.command}, {"seed", std::to_string(last.seed)}};
    const std::string cls = "rollcage." + kind;
    if (kind == "mutants") {
      for (const auto& m : r.mutants) {
        JunitCase c{cls, m.name, m.median_s > 0 ? m.median_s : 0};
        if (!m.killed) {
          c.failed = true;
          c.failure_type = "mutant-survived";
          c.failure_message = "mutant " + m.name + " survived " + std::to_string(m.seeds) + " seed(s)";
          c.failure_text = "the harness did not find this planted bug\n";
        } else {
          c.system_out = "killed by " + std::to_string(m.kills) + "/" + std::to_string(m.seeds) + " seeds; class " +
                         m.finding_class + (m.reproducer.empty() ? "" : "; repro: rollcage repro " + m.reproducer) + "\n";
        }
        s.cases.push_back(std::move(c));
      }
      // Findings of the mutants run that no mutant explains (e.g. with all mutants off).
      std::vector<const FindingRow*> fs;
      for (const auto& f : r.findings) {
        if (f.run == r.mutants_run && !f.planted) fs.push_back(&f);
      }
      if (!fs.empty()) {
        JunitCase c{cls, "findings not explained by a mutant"};
        AddFindings(c, fs);
        s.cases.push_back(std::move(c));
      }
      if (s.cases.empty()) {
        JunitCase c{cls, "mutants"};
        c.skipped = "the mutants run lists no mutants";
        s.cases.push_back(std::move(c));
      }
    } else if (kind == "coverage") {
      const auto& t = r.coverage.total;
      JunitCase lc{cls, "line coverage"}, bc{cls, "branch coverage"};
      if (!r.coverage.present) {
        lc.skipped = bc.skipped = "coverage record unreadable";
      } else {
        char buf[160];
        std::snprintf(buf, sizeof buf, "%.1f%% of %.0f lines (required %.1f%%)", t.line_percent(), t.lines,
                      r.options.min_line_coverage);
        lc.system_out = std::string(buf) + "\n";
        if (t.line_percent() < r.options.min_line_coverage || t.lines <= 0) {
          lc.failed = true, lc.failure_type = "coverage", lc.failure_message = buf;
        }
        std::snprintf(buf, sizeof buf, "%.1f%% of %.0f branches (required %.1f%%)", t.branch_percent(), t.branches,
                      r.options.min_branch_coverage);
        bc.system_out = std::string(buf) + "\n";
        if (t.branch_percent() < r.options.min_branch_coverage || t.branches <= 0) {
          bc.failed = true, bc.failure_type = "coverage", bc.failure_message = buf;
        }
      }
      s.cases = {lc, bc};
    } else {
      // One testcase per target/property; findings attach to their target, the rest to the run.
      std::vector<std::string> names;
      for (const auto& t : r.targets) {
        if (t.kind == kind) names.push_back(t.name);
      }
      for (int i : idx) {
        for (const auto& f : r.runs[i].findings) {
          if (!f.target.empty() && std::find(names.begin(), names.end(), f.target) == names.end()) {
            names.push_back(f.target);
          }
        }
      }
      for (const auto& name : names) {
        JunitCase c{cls, name};
        for (const auto& t : r.targets) {
          if (t.kind == kind && t.name == name) {
            c.time = t.seconds;
            c.system_out = FormatCount(t.executions) + " executions in " + FormatDuration(t.seconds) + "\n";
          }
        }
        std::vector<const FindingRow*> fs;
        for (const auto& f : r.findings) {
          if (f.kind == kind && f.finding.target == name) fs.push_back(&f);
        }
        AddFindings(c, fs);
        if (kind != "demo") {
          for (int i : idx) {
            if (RunHasPlantedBug(r.runs[i])) continue;
            for (const auto& t : r.runs[i].targets) {
              if (t.name == name && t.crashes > 0 && !c.failed) {
                c.failed = true;
                c.failure_type = "crash";
                c.failure_message = name + " crashed " + std::to_string(t.crashes) + " time(s)";
              }
            }
          }
        }
        s.cases.push_back(std::move(c));
      }
      // One testcase per run for what no target names (and for runs without targets).
      for (int i : idx) {
        const RunRecord& x = r.runs[i];
        std::vector<const FindingRow*> fs;
        for (const auto& f : r.findings) {
          if (f.run == i && f.finding.target.empty()) fs.push_back(&f);
        }
        bool has_targets = false;
        for (const auto& t : r.targets) has_targets |= t.kind == kind;
        // A run that says it failed while nothing else here shows why fails on its own testcase.
        int errors = 0, crashes = 0;
        for (const auto& f : r.findings) errors += f.run == i && !f.planted && f.finding.severity == "error";
        for (const auto& t : x.targets) crashes += t.crashes;
        bool unexplained_fail = x.verdict == "fail" && errors == 0 && crashes == 0 && !RunHasPlantedBug(x);
        bool completed = x.verdict == "pass" || x.verdict == "fail";
        if (has_targets && fs.empty() && completed && !unexplained_fail) continue;
        JunitCase c{cls, "run " + FormatTimeIso(x.started) + " seed " + std::to_string(x.seed), RunSeconds(x)};
        c.system_out = x.command + "\n" + x.summary + "\n";
        AddFindings(c, fs);
        if (kind == "demo") {
          // A demo hunts a planted bug: it passes when it found it.
          if (x.findings.empty()) {
            c.failed = true;
            c.failure_type = "planted-bug-missed";
            c.failure_message = "the demo did not find its planted bug";
          }
        } else if (unexplained_fail && !c.failed) {
          c.failed = true;
          c.failure_type = "run-failed";
          c.failure_message = "run says it failed: " + x.summary;
        }
        if (x.verdict != "pass" && x.verdict != "fail" && !c.failed) c.skipped = "did not complete: " + x.verdict;
        s.cases.push_back(std::move(c));
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string RenderJunit(const Report& r) {
  std::vector<JunitSuite> suites = JunitSuites(r);
  int tests = 0, failures = 0, skipped = 0;
  double time = 0;
  for (const auto& s : suites) {
    tests += int(s.cases.size()), failures += s.failures(), skipped += s.skipped();
    time += s.time;
  }
  auto E = [](const std::string& s) { return EscapeXml(s); };
  auto T = [](double t) { return FormatNumber(t, 3); };
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites name=\"rollcage assurance report\" tests=\"" + std::to_string(tests) + "\" failures=\"" +
       std::to_string(failures) + "\" errors=\"0\" skipped=\"" + std::to_string(skipped) + "\" time=\"" + T(time) +
       "\">\n";
  int id = 0;
  for (const auto& s : suites) {
    x += "  <testsuite id=\"" + std::to_string(id++) + "\" name=\"" + E(s.name) + "\" tests=\"" +
         std::to_string(s.cases.size()) + "\" failures=\"" + std::to_string(s.failures()) + "\" errors=\"0\" skipped=\"" +
         std::to_string(s.skipped()) + "\" time=\"" + T(s.time) + "\" timestamp=\"" + E(s.timestamp) +
         "\" hostname=\"localhost\">\n";
    if (!s.properties.empty()) {
      x += "    <properties>\n";
      for (const auto& [k, v] : s.properties) {
        x += "      <property name=\"" + E(k) + "\" value=\"" + E(v) + "\"/>\n";
      }
      x += "    </properties>\n";
    }
    for (const auto& c : s.cases) {
      x += "    <testcase classname=\"" + E(c.classname) + "\" name=\"" + E(c.name) + "\" time=\"" + T(c.time) + "\"";
      if (!c.failed && c.skipped.empty() && c.system_out.empty()) {
        x += "/>\n";
        continue;
      }
      x += ">\n";
      if (c.failed) {
        x += "      <failure message=\"" + E(c.failure_message) + "\" type=\"" + E(c.failure_type) + "\">" +
             E(c.failure_text) + "</failure>\n";
      } else if (!c.skipped.empty()) {
        x += "      <skipped message=\"" + E(c.skipped) + "\"/>\n";
      }
      if (!c.system_out.empty()) x += "      <system-out>" + E(c.system_out) + "</system-out>\n";
      x += "    </testcase>\n";
    }
    x += "  </testsuite>\n";
  }
  x += "</testsuites>\n";
  return x;
}

}  // namespace rollcage::report
