#include "tools/report/html_report.h"

#include <algorithm>
#include <cmath>

#include "tools/report/charts.h"
#include "tools/report/svg_chart.h"
#include "tools/report/text.h"

namespace rollcage::report {

using harness::RunRecord;

std::string AlgorithmText(int n) {
  const char* name = nullptr;
  switch (n) {
    case 5: name = "RSASHA1"; break;
    case 7: name = "RSASHA1-NSEC3-SHA1"; break;
    case 8: name = "RSASHA256"; break;
    case 10: name = "RSASHA512"; break;
    case 13: name = "ECDSAP256SHA256"; break;
    case 14: name = "ECDSAP384SHA384"; break;
    case 15: name = "ED25519"; break;
    case 16: name = "ED448"; break;
  }
  return name ? std::to_string(n) + " (" + name + ")" : std::to_string(n);
}

namespace {

const char kStyle[] = R"CSS(
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 0;
       color: #1b1f24; background: #f3f5f7; line-height: 1.45; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #e4e7eb; }
h3 { font-size: 16px; margin: 20px 0 8px; }
.meta { color: #57606a; margin: 0 0 16px; }
.verdict { border-radius: 8px; padding: 14px 18px; margin: 16px 0 8px; border: 2px solid; }
.verdict-badge { font-size: 28px; font-weight: 800; letter-spacing: 0.04em; }
.verdict ul { margin: 6px 0 0; padding-left: 22px; }
.v-pass { background: #e9f7ec; border-color: #2ca02c; } .v-pass .verdict-badge { color: #1a7f37; }
.v-fail { background: #fdecea; border-color: #d62728; } .v-fail .verdict-badge { color: #b42318; }
.v-incomplete { background: #fff6e0; border-color: #e0a100; } .v-incomplete .verdict-badge { color: #9a6700; }
.v-no-evidence { background: #eef0f3; border-color: #8c959f; } .v-no-evidence .verdict-badge { color: #57606a; }
nav { font-size: 14px; margin: 8px 0 0; } nav a { margin-right: 14px; color: #0b5cad; }
table { border-collapse: collapse; margin: 8px 0 14px; font-size: 13.5px; width: 100%; }
th, td { border: 1px solid #d0d4da; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f2f5; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.bad td { background: #fdf1f0; } tr.planted td { color: #57606a; }
code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
pre.repro { margin: 2px 0; padding: 4px 6px; background: #f6f8fa; border: 1px solid #e4e7eb; white-space: pre-wrap;
            word-break: break-all; }
.charts { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
.charts svg { display: block; max-width: 100%; height: auto; }
#table-tested td:first-child { width: 160px; font-weight: 600; background: #f6f8fa; }
.ok { color: #1a7f37; font-weight: 600; } .low { color: #9a6700; font-weight: 600; } .bad { color: #b42318; font-weight: 600; } .muted { color: #57606a; }
.note { color: #57606a; font-size: 13px; }
)CSS";

// A table with escaped header names; rows are added as already-rendered HTML cells.
class Table {
 public:
  Table(std::string id, std::vector<std::pair<std::string, bool>> headers) : id_(std::move(id)), headers_(std::move(headers)) {}
  void Row(const std::vector<std::string>& cells, const std::string& cls = "") {
    std::string s = cls.empty() ? "<tr>" : "<tr class=\"" + cls + "\">";
    for (size_t i = 0; i < cells.size(); ++i) {
      bool num = i < headers_.size() && headers_[i].second;
      s += num ? "<td class=\"num\">" : "<td>";
      s += cells[i] + "</td>";
    }
    rows_ += s + "</tr>\n";
    ++n_;
  }
  std::string Html(const std::string& empty_text) const {
    std::string s = "<table id=\"" + id_ + "\" data-rows=\"" + std::to_string(n_) + "\">\n";
    bool named = false;
    for (const auto& hd : headers_) named |= !hd.first.empty();
    if (named) {
      s += "<thead><tr>";
      for (const auto& [h, num] : headers_) s += std::string(num ? "<th class=\"num\">" : "<th>") + EscapeXml(h) + "</th>";
      s += "</tr></thead>\n";
    }
    s += "<tbody>\n" + rows_;
    if (!n_) {
      s += "<tr class=\"empty\"><td colspan=\"" + std::to_string(headers_.size()) + "\" class=\"muted\">" +
           EscapeXml(empty_text) + "</td></tr>\n";
    }
    return s + "</tbody>\n</table>\n";
  }

 private:
  std::string id_;
  std::vector<std::pair<std::string, bool>> headers_;
  std::string rows_;
  int n_ = 0;
};

std::string E(const std::string& s) { return EscapeXml(s); }

std::string VerdictClass(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "v-pass";
    case Verdict::kFail: return "v-fail";
    case Verdict::kIncomplete: return "v-incomplete";
    case Verdict::kNoEvidence: return "v-no-evidence";
  }
  return "";
}

int RunsOf(const Report& r, const std::string& kind) {
  auto it = r.by_kind.find(kind);
  return it == r.by_kind.end() ? 0 : int(it->second.size());
}

double SecondsOf(const Report& r, const std::string& kind) {
  double s = 0;
  auto it = r.by_kind.find(kind);
  if (it == r.by_kind.end()) return 0;
  for (int i : it->second) s += double(r.runs[i].finished - r.runs[i].started);
  return s;
}

int FindingsOf(const Report& r, const std::string& kind, bool planted) {
  int n = 0;
  for (const auto& f : r.findings) n += f.kind == kind && f.planted == planted;
  return n;
}

std::string Seeds(const Report& r, const std::string& kind) {
  auto it = r.by_kind.find(kind);
  if (it == r.by_kind.end()) return "";
  std::string s;
  for (int i : it->second) s += (s.empty() ? "" : ", ") + std::to_string(r.runs[i].seed);
  return s;
}

std::string Repro(const harness::RecordedFinding& f) {
  std::string s;
  if (!f.repro.empty()) s += "<pre class=\"repro\">" + E(f.repro) + "</pre>";
  if (!f.file.empty()) s += "<span class=\"note\">file: <code>" + E(f.file) + "</code></span>";
  return s.empty() ? "<span class=\"muted\">none recorded</span>" : s;
}

void TestedWhat(const Report& r, std::string& h) {
  h += "<section id=\"tested-what\">\n<h2>What was tested</h2>\n";
  Table t("table-tested", {{"", false}, {"", false}});  // a two-column list: no header row
  std::string policies;
  for (const auto& p : r.policies) policies += (policies.empty() ? "" : "<br>") + E(p);
  std::string algs;
  for (int a : r.algorithms) algs += (algs.empty() ? "" : ", ") + E(AlgorithmText(a));
  std::string hsms;
  for (int n : r.hsm_counts) hsms += (hsms.empty() ? "" : ", ") + (n == 0 ? std::string("0 (in-process keys)") : std::to_string(n));
  std::string kinds;
  for (const auto& k : kAllKinds) {
    if (IsRequiredKind(k) || RunsOf(r, k)) kinds += (kinds.empty() ? "" : ", ") + k + " " + std::to_string(RunsOf(r, k));
  }
  t.Row({"Signer", r.signer.empty() ? "<span class=\"muted\">unknown (no runs)</span>" : E(r.signer)});
  t.Row({"Version", r.signer_version.empty() ? "<span class=\"muted\">unknown (no runs)</span>" : E(r.signer_version)});
  t.Row({"Policy", policies.empty() ? "<span class=\"muted\">not recorded</span>" : policies});
  t.Row({"Algorithms", algs.empty() ? "<span class=\"muted\">not recorded</span>" : algs});
  t.Row({"HSMs", hsms.empty() ? "<span class=\"muted\">not recorded</span>" : E(hsms)});
  t.Row({"Counted runs", E(kinds)});
  h += t.Html("") + "</section>\n";
}

void HowMuch(const Report& r, std::string& h) {
  h += "<section id=\"how-much\">\n<h2>How much</h2>\n";
  Table t("table-how-much", {{"Kind", false}, {"Runs", true}, {"Wall time", true}, {"Scenarios", true},
                             {"Executions", true}, {"Events", true}, {"Seeds", false}, {"Findings (unexplained)", true},
                             {"Findings (planted)", true}});
  for (const auto& k : kAllKinds) {
    if (k == "coverage") continue;
    auto it = r.by_kind.find(k);
    if (it == r.by_kind.end()) {
      if (IsRequiredKind(k)) t.Row({E(k), "0", "", "", "", "", "<span class=\"bad\">not run</span>", "", ""}, "bad");
      continue;
    }
    double sc = 0, ex = 0, ev = 0;
    for (int i : it->second) sc += r.runs[i].scenarios, ex += r.runs[i].executions, ev += r.runs[i].events;
    t.Row({E(k), std::to_string(it->second.size()), E(FormatDuration(SecondsOf(r, k))), FormatCount(sc), FormatCount(ex),
           FormatCount(ev), E(Seeds(r, k)), std::to_string(FindingsOf(r, k, false)), std::to_string(FindingsOf(r, k, true))});
  }
  h += t.Html("");
  h += "<h3>Per fuzz target, property and rollover</h3>\n";
  Table tt("table-targets", {{"Kind", false}, {"Target", false}, {"Runs", true}, {"Time", true}, {"Executions", true},
                             {"Executions/s", true}, {"Coverage", true}, {"Corpus", true}, {"Crashes", true}});
  for (const auto& x : r.targets) {
    // Coverage, corpus and crashes are fuzzing figures; properties and rollovers leave them blank.
    bool fuzz = x.kind == "nightly" || x.kind == "fuzz";
    tt.Row({E(x.kind), "<code>" + E(x.name) + "</code>", std::to_string(x.runs), E(FormatDuration(x.seconds)),
            FormatCount(x.executions), FormatNumber(x.exec_per_s(), 1), fuzz ? FormatCount(x.coverage) : "",
            fuzz ? FormatCount(x.corpus) : "", fuzz || x.crashes ? std::to_string(x.crashes) : ""},
           x.crashes ? "bad" : "");
  }
  h += tt.Html("no fuzz target or property recorded");
  h += "<div class=\"charts\">\n" + RenderBarChart(TargetExecutionsChart(r)) + RenderBarChart(ScenarioCountChart(r)) +
       RenderLineChart(ExecPerSecondChart(r)) + RenderLineChart(ScenarioRateChart(r)) + "</div>\n</section>\n";
}

void HowWell(const Report& r, std::string& h) {
  h += "<section id=\"how-well\">\n<h2>How well</h2>\n";
  const auto& c = r.coverage;
  if (c.present) {
    std::string work;
    for (const auto& w : c.workload) work += (work.empty() ? "" : ", ") + ("<code>" + E(w) + "</code>");
    h += "<p>Clang source-based coverage of <code>" + E(c.scope.empty() ? "the signer" : c.scope) + "</code>, measured " +
         E(FormatTimeIso(c.when)) + (work.empty() ? "" : " running " + work) + ".</p>\n";
    Table t("table-coverage", {{"Measure", false}, {"Covered", true}, {"Total", true}, {"Percent", true},
                               {"Required", true}});
    auto status = [](double p, double need) {
      return "<span class=\"" + std::string(p >= need ? "ok" : "bad") + "\">" + E(FormatPercent(p)) + "</span>";
    };
    t.Row({"Lines", FormatCount(c.total.lines_covered), FormatCount(c.total.lines),
           status(c.total.line_percent(), r.options.min_line_coverage), E(FormatNumber(r.options.min_line_coverage) + "%")});
    t.Row({"Branches", FormatCount(c.total.branches_covered), FormatCount(c.total.branches),
           status(c.total.branch_percent(), r.options.min_branch_coverage),
           E(FormatNumber(r.options.min_branch_coverage) + "%")});
    t.Row({"Functions", FormatCount(c.total.functions_covered), FormatCount(c.total.functions),
           E(FormatPercent(c.total.function_percent())), ""});
    h += t.Html("");
  } else {
    h += "<p class=\"bad\">No coverage run was recorded for this release: how well the signer code was exercised is "
         "unknown. Run <code>rollcage coverage</code>.</p>\n";
  }
  h += "<div class=\"charts\">\n" + RenderLineChart(SignerCoverageChart(r)) + RenderLineChart(FuzzCoverageChart(r)) +
       "</div>\n";
  h += "<h3>Per file</h3>\n";
  Table f("table-coverage-files", {{"File", false}, {"Lines", true}, {"Line %", true}, {"Branches", true},
                                   {"Branch %", true}, {"Functions", true}, {"Function %", true}});
  // The thresholds apply to the total; files below them are marked, not failed.
  auto pct = [](double p, double need) {
    return p < need ? "<span class=\"low\">" + E(FormatPercent(p)) + "</span>" : E(FormatPercent(p));
  };
  for (const auto& x : c.files) {
    f.Row({"<code>" + E(x.file) + "</code>", FormatCount(x.lines_covered) + " / " + FormatCount(x.lines),
           pct(x.line_percent(), r.options.min_line_coverage),
           x.branches > 0 ? FormatCount(x.branches_covered) + " / " + FormatCount(x.branches) : "",
           x.branches > 0 ? pct(x.branch_percent(), r.options.min_branch_coverage)
                          : "<span class=\"muted\">no branches</span>",
           FormatCount(x.functions_covered) + " / " + FormatCount(x.functions), E(FormatPercent(x.function_percent()))});
  }
  h += f.Html("no coverage run");
  h += "<div class=\"charts\">\n" + RenderBarChart(CoverageFilesChart(r)) + "</div>\n</section>\n";
}

void Found(const Report& r, std::string& h) {
  h += "<section id=\"found\">\n<h2>What was found</h2>\n";
  int unexplained = 0, planted = 0;
  for (const auto& f : r.findings) (f.planted ? planted : unexplained)++;
  h += "<p>" + std::to_string(unexplained) + " finding(s) not explained by a planted bug (" +
       std::to_string(r.error_findings()) + " of severity error); " + std::to_string(planted) +
       " finding(s) caused by planted bugs (expected: they show the harness works).</p>\n";
  h += "<div class=\"charts\">\n" + RenderLineChart(FindingsOverTimeChart(r)) + RenderLineChart(FindingsInRunsChart(r)) +
       "</div>\n";
  Table t("table-findings", {{"Run", false}, {"Class", false}, {"Severity", false}, {"Target", false}, {"Detail", false},
                             {"Reproduce", false}});
  Table p("table-planted-findings", {{"Run", false}, {"Class", false}, {"Target (mutant)", false}, {"Detail", false},
                                     {"Reproduce", false}});
  for (const auto& f : r.findings) {
    std::string run = E(f.kind + " " + FormatTimeIso(f.when));
    if (f.planted) {
      p.Row({run, "<code>" + E(f.finding.cls) + "</code>", E(f.finding.target), E(f.finding.detail), Repro(f.finding)},
            "planted");
    } else {
      t.Row({run, "<code>" + E(f.finding.cls) + "</code>", E(f.finding.severity), E(f.finding.target),
             E(f.finding.detail), Repro(f.finding)},
            f.finding.severity == "error" ? "bad" : "");
    }
  }
  h += "<h3>Findings on the signer</h3>\n" + t.Html("none") + "<h3>Findings from planted bugs</h3>\n" +
       p.Html("none") + "</section>\n";
}

void Mutants(const Report& r, std::string& h) {
  h += "<section id=\"mutants\">\n<h2>Mutants</h2>\n";
  if (r.mutants_run >= 0) {
    int killed = 0;
    for (const auto& m : r.mutants) killed += m.killed;
    h += "<p>Latest mutants run " + E(FormatTimeIso(r.runs[r.mutants_run].started)) + ": " + std::to_string(killed) +
         " of " + std::to_string(r.mutants.size()) + " planted bugs killed.</p>\n";
  } else {
    h += "<p class=\"bad\">No mutants run: there is no evidence the harness can find the planted bugs. Run "
         "<code>rollcage mutants</code>.</p>\n";
  }
  Table t("table-mutants", {{"Mutant", false}, {"Result", false}, {"Kills / seeds", true},
                            {"Median time to failure", true}, {"Reproducer events", true}, {"Finding class", false},
                            {"Reproducer", false}});
  for (const auto& m : r.mutants) {
    t.Row({"<code>" + E(m.name) + "</code>",
           m.killed ? "<span class=\"ok\">killed</span>" : "<span class=\"bad\">SURVIVED</span>",
           std::to_string(m.kills) + " / " + std::to_string(m.seeds),
           m.median_s >= 0 ? E(FormatNumber(m.median_s, 2) + " s") : "",
           m.reproducer_events >= 0 ? std::to_string(m.reproducer_events) : "", "<code>" + E(m.finding_class) + "</code>",
           m.reproducer.empty() ? "" : "<pre class=\"repro\">" + E("rollcage repro " + m.reproducer) + "</pre>"},
          m.killed ? "" : "bad");
  }
  h += t.Html("no mutants run");
  h += "<div class=\"charts\">\n" + RenderBarChart(MutantKillTimeChart(r)) + "</div>\n</section>\n";
}

void Runs(const Report& r, std::string& h) {
  h += "<section id=\"runs\">\n<h2>Runs</h2>\n";
  Table t("table-runs", {{"Kind", false}, {"Started (UTC)", false}, {"Duration", true}, {"Seed", true},
                         {"Budget", true}, {"Verdict", false}, {"Summary", false}, {"Command", false},
                         {"Counted", false}});
  for (size_t i = 0; i < r.runs.size(); ++i) {
    const RunRecord& x = r.runs[i];
    bool counted = r.counted(int(i));
    t.Row({E(x.kind), E(FormatTimeIso(x.started)), E(FormatDuration(double(x.finished - x.started))),
           std::to_string(x.seed), x.budget_s > 0 ? E(FormatDuration(x.budget_s)) : "",
           E(x.verdict), E(x.summary), "<code>" + E(x.command) + "</code>",
           counted ? "yes" : "<span class=\"muted\">no: " + E(r.run_status[i]) + "</span>"},
          counted ? "" : "planted");
  }
  h += t.Html("no run records");
  if (!r.skipped.empty()) {
    h += "<h3>Unreadable record files (skipped)</h3>\n<ul id=\"skipped\">\n";
    for (const auto& s : r.skipped) h += "<li><code>" + E(s) + "</code></li>\n";
    h += "</ul>\n";
  }
  h += "</section>\n";
}

}  // namespace

std::string RenderHtml(const Report& r) {
  std::string h;
  std::string what = r.signer.empty() ? "no runs" : r.signer + " " + r.signer_version;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>" + E("rollcage assurance report: " + what + ": " + VerdictName(r.verdict)) + "</title>\n";
  h += "<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n<main>\n";
  h += "<h1>Pre-release assurance report</h1>\n";
  h += "<p class=\"meta\">" + E(what) + " &middot; generated " + E(FormatTimeIso(r.options.now)) + " from <code>" +
       E(r.options.results_dir) + "</code> &middot; " + std::to_string(r.runs.size()) + " run record(s)</p>\n";
  h += "<section id=\"verdict\" class=\"verdict " + VerdictClass(r.verdict) + "\" data-verdict=\"" +
       E(VerdictName(r.verdict)) + "\">\n<div class=\"verdict-badge\">" + E(VerdictName(r.verdict)) + "</div>\n";
  h += "<ul id=\"verdict-reasons\">\n";
  for (const auto& s : r.fail_reasons) h += "<li class=\"bad\">" + E(s) + "</li>\n";
  for (const auto& s : r.incomplete_reasons) h += "<li>" + E(s) + "</li>\n";
  if (r.fail_reasons.empty() && r.incomplete_reasons.empty()) {
    for (const auto& s : r.pass_notes) h += "<li class=\"ok\">" + E(s) + "</li>\n";
  }
  h += "</ul>\n</section>\n";
  h += "<nav><a href=\"#tested-what\">What</a><a href=\"#how-much\">How much</a><a href=\"#how-well\">How well</a>"
       "<a href=\"#found\">Findings</a><a href=\"#mutants\">Mutants</a><a href=\"#runs\">Runs</a>"
       "<a href=\"#rules\">Rules</a></nav>\n";
  TestedWhat(r, h);
  HowMuch(r, h);
  HowWell(r, h);
  Found(r, h);
  Mutants(r, h);
  Runs(r, h);
  h += "<section id=\"rules\">\n<h2>Verdict rules</h2>\n<ol>\n";
  for (const auto& s : VerdictRules(r.options)) h += "<li>" + E(s) + "</li>\n";
  h += "</ol>\n</section>\n</main>\n</body>\n</html>\n";
  return h;
}

}  // namespace rollcage::report
