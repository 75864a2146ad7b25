#include "tools/report/report.h"

#include <gtest/gtest.h>

#include "base/file.h"
#include "tools/report/charts.h"
#include "tools/report/fixture.h"
#include "tools/report/html_report.h"
#include "tools/report/junit_report.h"
#include "tools/report/markdown_report.h"
#include "tools/report/text.h"

namespace rollcage::report {
namespace {

using harness::RunRecord;

ReportOptions Options() {
  ReportOptions o;
  o.results_dir = "rollcage-results";
  o.now = 1778100000;
  return o;
}

Report Build(const FixtureOptions& f, const ReportOptions& o = Options()) {
  return BuildReport(FixtureRecords(f), {}, o);
}

const RunRecord& Find(const std::vector<RunRecord>& rs, const std::string& kind) {
  const RunRecord* last = nullptr;
  for (const auto& r : rs) {
    if (r.kind == kind) last = &r;
  }
  EXPECT_NE(last, nullptr) << kind;
  return *last;
}

bool HasReason(const Report& r, const std::string& needle) {
  for (const auto& s : r.reasons()) {
    if (s.find(needle) != std::string::npos) return true;
  }
  return false;
}

bool Contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

TEST(Report, NoRecordsIsNoEvidenceNotAPass) {
  Report r = BuildReport({}, {}, Options());
  EXPECT_EQ(r.verdict, Verdict::kNoEvidence);
  EXPECT_TRUE(HasReason(r, "nothing was tested"));
  EXPECT_TRUE(HasReason(r, "rollcage-results"));
  // Every writer still produces its output, with the charts present and saying "no data".
  std::string html = RenderHtml(r);
  EXPECT_TRUE(Contains(html, "NO EVIDENCE"));
  EXPECT_TRUE(Contains(html, "<svg"));
  EXPECT_TRUE(Contains(html, "class=\"no-data\""));
  EXPECT_TRUE(Contains(RenderMarkdown(r), "## Verdict: **NO EVIDENCE**"));
  EXPECT_EQ(ReportJson(r)["verdict"]["value"], "NO EVIDENCE");
  auto suites = JunitSuites(r);
  ASSERT_FALSE(suites.empty());
  EXPECT_EQ(suites[0].name, "verdict");
  EXPECT_FALSE(suites[0].cases[0].skipped.empty());
}

TEST(Report, SkippedFilesAreReportedEvenWithoutRecords) {
  Report r = BuildReport({}, {"rollcage-results/x.json: not JSON"}, Options());
  EXPECT_EQ(r.verdict, Verdict::kNoEvidence);
  EXPECT_TRUE(HasReason(r, "1 unreadable record files skipped"));
  EXPECT_TRUE(Contains(RenderHtml(r), "rollcage-results/x.json: not JSON"));
}

TEST(Report, FullCleanEvidencePasses) {
  Report r = Build({});
  EXPECT_EQ(r.verdict, Verdict::kPass) << ::testing::PrintToString(r.reasons());
  EXPECT_TRUE(r.fail_reasons.empty());
  EXPECT_TRUE(r.incomplete_reasons.empty());
  EXPECT_TRUE(HasReason(r, "all 4 mutants killed"));
  EXPECT_EQ(r.error_findings(), 0);
  // The planted findings (mutants, demo) are listed but do not fail the release.
  int planted = 0;
  for (const auto& f : r.findings) planted += f.planted;
  EXPECT_EQ(planted, 5);
}

TEST(Report, NumbersEqualTheRecords) {
  auto recs = FixtureRecords({});
  Report r = BuildReport(recs, {}, Options());
  const RunRecord& hunt = Find(recs, "hunt");
  const RunRecord& nightly = Find(recs, "nightly");
  const RunRecord& rollover = Find(recs, "rollover");
  const RunRecord& mutants = Find(recs, "mutants");
  const RunRecord& coverage = Find(recs, "coverage");
  EXPECT_EQ(r.signer, "reference");
  EXPECT_EQ(r.signer_version, "rollcage 0.1.0");
  EXPECT_EQ(r.algorithms, (std::vector<int>{8, 13}));
  EXPECT_EQ(r.hsm_counts, (std::vector<int>{3}));
  EXPECT_DOUBLE_EQ(r.hunt_scenarios, hunt.scenarios);
  EXPECT_DOUBLE_EQ(r.hunt_events, hunt.events);
  EXPECT_EQ(r.hunt_seeds, (std::vector<uint64_t>{hunt.seed}));
  EXPECT_DOUBLE_EQ(r.rollover_scenarios, rollover.scenarios);
  EXPECT_DOUBLE_EQ(r.fuzz_executions, nightly.executions);
  EXPECT_DOUBLE_EQ(r.fuzz_seconds, nightly.targets[0].seconds + nightly.targets[1].seconds);
  EXPECT_EQ(r.mutants.size(), mutants.mutants.size());
  ASSERT_TRUE(r.coverage.present);
  EXPECT_EQ(r.coverage.when, coverage.started);
  EXPECT_DOUBLE_EQ(r.coverage.total.lines, coverage.extra["total"]["lines"].get<double>());
  EXPECT_DOUBLE_EQ(r.coverage.total.lines_covered, coverage.extra["total"]["lines_covered"].get<double>());
  EXPECT_DOUBLE_EQ(r.coverage.total.branches_covered, coverage.extra["total"]["branches_covered"].get<double>());
  EXPECT_EQ(r.coverage.files.size(), coverage.extra["files"].size());
  EXPECT_EQ(r.coverage_history.size(), 3u);

  // The same figures, formatted once, appear in every output.
  std::string html = RenderHtml(r), md = RenderMarkdown(r);
  auto json = ReportJson(r);
  for (const auto& t : nightly.targets) {
    EXPECT_TRUE(Contains(html, FormatCount(t.executions))) << t.name;
    EXPECT_TRUE(Contains(md, FormatCount(t.executions))) << t.name;
    EXPECT_TRUE(Contains(html, FormatCount(t.coverage))) << t.name;
    EXPECT_TRUE(Contains(html, ">" + std::to_string(t.corpus) + "<")) << t.name;
  }
  for (const std::string s : {FormatCount(hunt.scenarios), FormatCount(hunt.events), FormatCount(rollover.events),
                              FormatCount(nightly.executions)}) {
    EXPECT_TRUE(Contains(html, s)) << s;
    EXPECT_TRUE(Contains(md, s)) << s;
  }
  std::string line_pct = FormatPercent(100 * coverage.extra["total"]["lines_covered"].get<double>() /
                                       coverage.extra["total"]["lines"].get<double>());
  std::string branch_pct = FormatPercent(100 * coverage.extra["total"]["branches_covered"].get<double>() /
                                         coverage.extra["total"]["branches"].get<double>());
  EXPECT_TRUE(Contains(html, line_pct));
  EXPECT_TRUE(Contains(html, branch_pct));
  EXPECT_TRUE(Contains(md, line_pct));
  EXPECT_TRUE(Contains(md, branch_pct));
  for (const auto& m : mutants.mutants) {
    EXPECT_TRUE(Contains(html, FormatNumber(m.median_s, 2) + " s")) << m.name;
    EXPECT_TRUE(Contains(html, "rollcage repro " + m.reproducer)) << m.name;
    EXPECT_TRUE(Contains(md, m.name)) << m.name;
  }
  EXPECT_EQ(json["how_much"]["hunt"]["scenarios"].get<double>(), hunt.scenarios);
  EXPECT_EQ(json["how_much"]["nightly"]["executions"].get<double>(), nightly.executions);
  EXPECT_EQ(json["how_well"]["coverage"]["total"]["lines"].get<double>(), coverage.extra["total"]["lines"].get<double>());
  EXPECT_EQ(json["mutants"].size(), mutants.mutants.size());
  EXPECT_EQ(json["runs"].size(), recs.size());
  EXPECT_EQ(json["findings"].size(), 5u);
  EXPECT_EQ(json["error_findings"], 0);

  // The charts draw exactly the records' series.
  LineChart exec = ExecPerSecondChart(r);
  ASSERT_EQ(exec.series.size(), 2u);
  size_t points = 0;
  for (const auto& s : exec.series) points += s.points.size();
  EXPECT_EQ(points, nightly.extra["series_by_target"]["scenario_codec"].size() +
                        nightly.extra["series_by_target"]["rr_roundtrip"].size());
  LineChart cov = SignerCoverageChart(r);
  ASSERT_EQ(cov.series.size(), 2u);
  EXPECT_EQ(cov.series[0].points.size(), 3u);
  EXPECT_DOUBLE_EQ(cov.series[0].points.back().y, r.coverage.total.line_percent());
  EXPECT_EQ(MutantKillTimeChart(r).bars.size(), mutants.mutants.size());
  EXPECT_EQ(TargetExecutionsChart(r).bars.size(), nightly.targets.size());
}

TEST(Report, UnexplainedSignerFindingFails) {
  FixtureOptions f;
  f.signer_finding = true;
  Report r = Build(f);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_TRUE(HasReason(r, "temporal-bogus-mix"));
  EXPECT_EQ(r.error_findings(), 1);  // the warning is listed but is not an error
  std::string html = RenderHtml(r);
  EXPECT_TRUE(Contains(html, "rollcage repro rollcage-results/hunt-42/shrunk-1.scn"));
  EXPECT_TRUE(Contains(html, "data-verdict=\"FAIL\""));
  EXPECT_TRUE(Contains(RenderMarkdown(r), "`rollcage repro rollcage-results/hunt-42/shrunk-1.scn`"));
}

TEST(Report, SurvivingMutantFails) {
  FixtureOptions f;
  f.surviving_mutant = true;
  Report r = Build(f);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_TRUE(HasReason(r, "mutant forget-dnskey-ttl survived 5 seed(s)"));
  EXPECT_TRUE(Contains(RenderHtml(r), "SURVIVED"));
  EXPECT_TRUE(Contains(RenderMarkdown(r), "**SURVIVED**"));
}

TEST(Report, MissingKindsAreIncompleteWithEachListed) {
  FixtureOptions f;
  f.mutants = f.rollover = f.coverage = false;
  Report r = Build(f);
  EXPECT_EQ(r.verdict, Verdict::kIncomplete);
  EXPECT_TRUE(HasReason(r, "no mutants run"));
  EXPECT_TRUE(HasReason(r, "no rollover run"));
  EXPECT_TRUE(HasReason(r, "no coverage run"));
  EXPECT_FALSE(HasReason(r, "no hunt run"));
  EXPECT_FALSE(HasReason(r, "no nightly run"));
}

TEST(Report, OnlyShortNightlyMutantsAndRolloverIsIncompleteNotFail) {
  FixtureOptions f;
  f.hunt = f.coverage = f.demo = false;
  Report r = Build(f);
  EXPECT_EQ(r.verdict, Verdict::kIncomplete);
  EXPECT_TRUE(HasReason(r, "no hunt run"));
}

TEST(Report, FailureOutranksIncompleteAndBothAreListed) {
  FixtureOptions f;
  f.surviving_mutant = true;
  f.coverage = false;
  Report r = Build(f);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_TRUE(HasReason(r, "no coverage run"));
}

TEST(Report, CoverageBelowThresholdIsIncomplete) {
  ReportOptions o = Options();
  o.min_line_coverage = 90;
  o.min_branch_coverage = 80;
  Report r = Build({}, o);
  EXPECT_EQ(r.verdict, Verdict::kIncomplete);
  EXPECT_TRUE(HasReason(r, "line coverage of the signer 83.1% is below 90%"));
  EXPECT_TRUE(HasReason(r, "branch coverage of the signer 72.0% is below 80%"));
  auto suites = JunitSuites(r);
  for (const auto& s : suites) {
    if (s.name == "coverage") EXPECT_EQ(s.failures(), 2);
  }
}

TEST(Report, FuzzTimeAndScenarioMinimums) {
  ReportOptions o = Options();
  o.min_fuzz_seconds = 3600;
  o.min_hunt_scenarios = 10000;
  Report r = Build({}, o);
  EXPECT_EQ(r.verdict, Verdict::kIncomplete);
  EXPECT_TRUE(HasReason(r, "fuzz target scenario_codec ran 5m00s, less than 1h00m"));
  EXPECT_TRUE(HasReason(r, "hunts ran 1,840 scenarios, less than 10,000"));
}

TEST(Report, OtherReleasesAndOldRunsAreNotCounted) {
  auto recs = FixtureRecords({});
  // A failing hunt of an older signer version: listed, not counted.
  RunRecord old = recs[3];
  ASSERT_EQ(old.kind, "hunt");
  old.signer_version = "rollcage 0.0.9";
  old.started -= 86400 * 30;
  old.finished -= 86400 * 30;
  old.findings.push_back({"rrsig-expired", "error", "x", "old bug", "", ""});
  old.verdict = "fail";
  recs.push_back(old);
  Report r = BuildReport(recs, {}, Options());
  EXPECT_EQ(r.verdict, Verdict::kPass) << ::testing::PrintToString(r.reasons());
  int not_counted = 0;
  for (size_t i = 0; i < r.runs.size(); ++i) not_counted += !r.counted(int(i));
  EXPECT_EQ(not_counted, 1);
  EXPECT_TRUE(Contains(RenderHtml(r), "other release (reference rollcage 0.0.9)"));

  // --since drops the first coverage runs from the history but keeps the latest.
  ReportOptions o = Options();
  o.since = recs[2].started;
  Report s = BuildReport(FixtureRecords({}), {}, o);
  EXPECT_EQ(s.coverage_history.size(), 1u);
  EXPECT_EQ(s.verdict, Verdict::kPass);
}

TEST(Report, MutantsRunFindingNotFromAMutantCounts) {
  auto recs = FixtureRecords({});
  for (auto& r : recs) {
    if (r.kind == "mutants") r.findings.push_back({"nsec3-chain-broken", "error", "baseline", "all mutants off", "", ""});
  }
  Report r = BuildReport(recs, {}, Options());
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_TRUE(HasReason(r, "nsec3-chain-broken"));
}

TEST(Report, RunWithAMutantSwitchedOnExplainsItsFindings) {
  auto recs = FixtureRecords({});
  for (auto& r : recs) {
    if (r.kind == "hunt") {
      r.extra = {{"mutant", "expire-early"}};
      r.findings.push_back({"rrsig-expired", "error", "no-bogus-at-any-instant", "planted", "", ""});
      r.verdict = "fail";
    }
  }
  Report r = BuildReport(recs, {}, Options());
  EXPECT_EQ(r.verdict, Verdict::kPass) << ::testing::PrintToString(r.reasons());
}

TEST(Report, CrashWithoutFindingFailsAndUnfinishedRunIsIncomplete) {
  auto recs = FixtureRecords({});
  for (auto& r : recs) {
    if (r.kind == "nightly") r.targets[1].crashes = 2;
    if (r.kind == "rollover") r.verdict = "interrupted";
  }
  Report r = BuildReport(recs, {}, Options());
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_TRUE(HasReason(r, "target rr_roundtrip crashed 2 time(s)"));
  EXPECT_TRUE(HasReason(r, "did not complete (verdict 'interrupted'"));
}

TEST(Report, AdHocFuzzRunCountsButIsNotTheNightly) {
  FixtureOptions f;
  f.nightly = false;
  auto recs = FixtureRecords(f);
  RunRecord fuzz;
  fuzz.kind = "fuzz";
  fuzz.started = recs.back().finished + 10;
  fuzz.finished = fuzz.started + 60;
  fuzz.targets = {{"scenario", 60, 240000, 4000, 900, 50, 1}};
  fuzz.executions = 240000;
  fuzz.findings.push_back({"crash", "error", "scenario", "heap-buffer-overflow", "crash-1", "rollcage repro crash-1"});
  fuzz.verdict = "fail";
  recs.push_back(fuzz);
  Report r = BuildReport(recs, {}, Options());
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_TRUE(HasReason(r, "no nightly run"));
  EXPECT_TRUE(HasReason(r, "fuzz 20"));
  EXPECT_EQ(TargetExecutionsChart(r).bars.size(), 1u);
  auto suites = JunitSuites(r);
  bool found = false;
  for (const auto& s : suites) found |= s.name == "fuzz" && s.failures() == 1;
  EXPECT_TRUE(found);
}

TEST(Report, RunThatDidNoWorkIsIncomplete) {
  auto recs = FixtureRecords({});
  for (auto& r : recs) {
    if (r.kind == "hunt") {
      r.scenarios = r.executions = r.events = 0;
      r.targets.clear();
    }
  }
  Report r = BuildReport(recs, {}, Options());
  EXPECT_EQ(r.verdict, Verdict::kIncomplete);
  EXPECT_TRUE(HasReason(r, "did no work"));
}

TEST(Report, HostileTextIsEscapedEverywhere) {
  FixtureOptions f;
  f.signer_finding = true;
  f.hostile_text = true;
  Report r = Build(f);
  std::string html = RenderHtml(r);
  EXPECT_FALSE(Contains(html, "<b>bold</b>"));
  EXPECT_TRUE(Contains(html, "&lt;b&gt;bold&lt;/b&gt;"));
  EXPECT_FALSE(Contains(html, "\x01"));
  EXPECT_FALSE(Contains(html, "\xff"));
  EXPECT_EQ(SanitizeUtf8(html), html);
  std::string xml = RenderJunit(r);
  EXPECT_FALSE(Contains(xml, "<b>"));
  EXPECT_EQ(SanitizeUtf8(xml), xml);
  std::string md = RenderMarkdown(r);
  EXPECT_EQ(SanitizeUtf8(md), md);
  EXPECT_NO_THROW(ReportJson(r).dump());
}

TEST(Report, HtmlIsSelfContained) {
  FixtureOptions f;
  f.signer_finding = true;
  std::string html = RenderHtml(Build(f));
  // The SVG namespace name is an identifier, not a fetch.
  const std::string ns = "xmlns=\"http://www.w3.org/2000/svg\"";
  for (size_t p = html.find(ns); p != std::string::npos; p = html.find(ns)) html.erase(p, ns.size());
  for (const std::string bad : {"<script", "<link", "<img", "<iframe", "src=", "url(", "@import", "http://", "https://"}) {
    EXPECT_FALSE(Contains(html, bad)) << bad;
  }
  // Ten charts, all inline SVG.
  int charts = 0;
  for (size_t p = html.find("<svg "); p != std::string::npos; p = html.find("<svg ", p + 1)) ++charts;
  EXPECT_EQ(charts, 10);
  for (const std::string id : {"verdict", "tested-what", "how-much", "how-well", "found", "mutants", "runs", "rules"}) {
    EXPECT_TRUE(Contains(html, "<section id=\"" + id + "\"")) << id;
  }
}

TEST(Report, UnreadableCoverageRecordIsIncomplete) {
  auto recs = FixtureRecords({});
  for (auto& r : recs) {
    if (r.kind == "coverage") r.extra = nlohmann::json::object();
  }
  Report r = BuildReport(recs, {}, Options());
  EXPECT_EQ(r.verdict, Verdict::kIncomplete);
  EXPECT_TRUE(HasReason(r, "coverage record has no extra.total"));
}

std::string Squeeze(const std::string& s) {
  std::string out;
  for (char c : s) {
    bool space = c == ' ' || c == '\n' || c == '\t';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  return out;
}

TEST(Report, DocsStateTheRulesTheCodeApplies) {
  auto doc = ReadFile("docs/report.md");
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  std::string text = Squeeze(*doc);
  for (const auto& rule : VerdictRules(ReportOptions{})) {
    EXPECT_NE(text.find(Squeeze(rule)), std::string::npos) << "docs/report.md lacks the rule: " << rule;
  }
}

}  // namespace
}  // namespace rollcage::report
