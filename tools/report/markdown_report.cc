#include "tools/report/markdown_report.h"

#include "tools/report/html_report.h"
#include "tools/report/text.h"

namespace rollcage::report {

namespace {

std::string C(const std::string& s) { return EscapeMarkdownCell(s); }

// Inline code that survives backticks in the text.
std::string Code(const std::string& s) {
  std::string t = EscapeMarkdownCell(s);
  return t.find('`') == std::string::npos ? "`" + t + "`" : "`` " + t + " ``";
}

}  // namespace

std::string RenderMarkdown(const Report& r) {
  std::string m;
  std::string what = r.signer.empty() ? "no runs" : r.signer + " " + r.signer_version;
  m += "# Pre-release assurance report: " + C(what) + "\n\n";
  m += "Generated " + FormatTimeIso(r.options.now) + " from " + Code(r.options.results_dir) + " (" +
       std::to_string(r.runs.size()) + " run records).\n\n";
  m += "## Verdict: **" + VerdictName(r.verdict) + "**\n\n";
  for (const auto& s : r.fail_reasons) m += "- FAIL: " + C(s) + "\n";
  for (const auto& s : r.incomplete_reasons) m += "- " + C(s) + "\n";
  if (r.fail_reasons.empty() && r.incomplete_reasons.empty()) {
    for (const auto& s : r.pass_notes) m += "- " + C(s) + "\n";
  }
  m += "\n## What was tested\n\n| | |\n|---|---|\n";
  m += "| Signer | " + C(r.signer.empty() ? "unknown (no runs)" : r.signer) + " |\n";
  m += "| Version | " + C(r.signer_version.empty() ? "unknown (no runs)" : r.signer_version) + " |\n";
  std::string pol;
  for (const auto& p : r.policies) pol += (pol.empty() ? "" : "; ") + p;
  m += "| Policy | " + C(pol.empty() ? "not recorded" : pol) + " |\n";
  std::string algs;
  for (int a : r.algorithms) algs += (algs.empty() ? "" : ", ") + AlgorithmText(a);
  m += "| Algorithms | " + C(algs.empty() ? "not recorded" : algs) + " |\n";
  std::string hsms;
  for (int n : r.hsm_counts) hsms += (hsms.empty() ? "" : ", ") + std::to_string(n);
  m += "| HSMs | " + C(hsms.empty() ? "not recorded" : hsms) + " |\n";

  m += "\n## How much\n\n| Kind | Runs | Scenarios | Executions | Events | Findings (unexplained / planted) |\n"
       "|---|--:|--:|--:|--:|--:|\n";
  for (const auto& k : kAllKinds) {
    if (k == "coverage") continue;
    auto it = r.by_kind.find(k);
    if (it == r.by_kind.end()) {
      if (IsRequiredKind(k)) m += "| " + k + " | 0 | | | | not run |\n";
      continue;
    }
    double sc = 0, ex = 0, ev = 0;
    int fu = 0, fp = 0;
    for (int i : it->second) sc += r.runs[i].scenarios, ex += r.runs[i].executions, ev += r.runs[i].events;
    for (const auto& f : r.findings) {
      if (f.kind == k) (f.planted ? fp : fu)++;
    }
    m += "| " + k + " | " + std::to_string(it->second.size()) + " | " + FormatCount(sc) + " | " + FormatCount(ex) +
         " | " + FormatCount(ev) + " | " + std::to_string(fu) + " / " + std::to_string(fp) + " |\n";
  }
  if (!r.targets.empty()) {
    m += "\n| Target | Kind | Time | Executions | Exec/s | Coverage | Crashes |\n|---|---|--:|--:|--:|--:|--:|\n";
    for (const auto& t : r.targets) {
      m += "| " + Code(t.name) + " | " + t.kind + " | " + FormatDuration(t.seconds) + " | " + FormatCount(t.executions) +
           " | " + FormatNumber(t.exec_per_s(), 1) + " | " + FormatCount(t.coverage) + " | " + std::to_string(t.crashes) +
           " |\n";
    }
  }
  m += "\n## How well\n\n";
  if (r.coverage.present) {
    const auto& t = r.coverage.total;
    m += "Clang source-based coverage of " + Code(r.coverage.scope) + " (" + FormatTimeIso(r.coverage.when) + "): lines " +
         FormatPercent(t.line_percent()) + " (" + FormatCount(t.lines_covered) + " / " + FormatCount(t.lines) +
         "), branches " + FormatPercent(t.branch_percent()) + " (" + FormatCount(t.branches_covered) + " / " +
         FormatCount(t.branches) + "), functions " + FormatPercent(t.function_percent()) + ". Required: lines " +
         FormatNumber(r.options.min_line_coverage) + "%, branches " + FormatNumber(r.options.min_branch_coverage) +
         "%.\n";
  } else {
    m += "No coverage run for this release (run `rollcage coverage`).\n";
  }
  m += "\n## What was found\n\n";
  int shown = 0;
  for (const auto& f : r.findings) {
    if (f.planted) continue;
    if (!shown++) m += "| Run | Class | Severity | Target | Detail | Repro |\n|---|---|---|---|---|---|\n";
    m += "| " + f.kind + " " + FormatTimeIso(f.when) + " | " + Code(f.finding.cls) + " | " + C(f.finding.severity) +
         " | " + C(f.finding.target) + " | " + C(f.finding.detail) + " | " +
         (f.finding.repro.empty() ? "" : Code(f.finding.repro)) + " |\n";
  }
  if (!shown) m += "No finding on the signer.\n";
  int planted = 0;
  for (const auto& f : r.findings) planted += f.planted;
  if (planted) m += "\n" + std::to_string(planted) + " finding(s) from planted bugs (expected; see the HTML report).\n";
  m += "\n## Mutants\n\n";
  if (r.mutants.empty()) {
    m += r.mutants_run < 0 ? "No mutants run.\n" : "The mutants run lists no mutants.\n";
  } else {
    m += "| Mutant | Result | Kills / seeds | Median s | Events | Class | Reproducer |\n|---|---|--:|--:|--:|---|---|\n";
    for (const auto& x : r.mutants) {
      m += "| " + Code(x.name) + " | " + (x.killed ? "killed" : "**SURVIVED**") + " | " + std::to_string(x.kills) + " / " +
           std::to_string(x.seeds) + " | " + (x.median_s >= 0 ? FormatNumber(x.median_s, 2) : "") + " | " +
           (x.reproducer_events >= 0 ? std::to_string(x.reproducer_events) : "") + " | " + Code(x.finding_class) + " | " +
           (x.reproducer.empty() ? "" : Code("rollcage repro " + x.reproducer)) + " |\n";
    }
  }
  m += "\n## Verdict rules\n\n";
  int n = 0;
  for (const auto& s : VerdictRules(r.options)) m += std::to_string(++n) + ". " + s + "\n";
  if (!r.skipped.empty()) {
    m += "\n" + std::to_string(r.skipped.size()) + " unreadable record file(s) skipped:\n";
    for (const auto& s : r.skipped) m += "- " + C(s) + "\n";
  }
  return m;
}

}  // namespace rollcage::report
