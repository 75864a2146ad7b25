#include "tools/report/charts.h"

#include <algorithm>

#include "tools/report/text.h"

namespace rollcage::report {

using harness::RunRecord;
using harness::SeriesPoint;

std::vector<std::pair<std::string, std::vector<SeriesPoint>>> SeriesByTarget(const RunRecord& r,
                                                                             const std::string& fallback) {
  std::vector<std::pair<std::string, std::vector<SeriesPoint>>> out;
  if (r.extra.is_object() && r.extra.contains("series_by_target") && r.extra["series_by_target"].is_object()) {
    for (const auto& [name, pts] : r.extra["series_by_target"].items()) {
      if (!pts.is_array()) continue;
      std::vector<SeriesPoint> v;
      for (const auto& p : pts) {
        if (!p.is_object()) continue;
        v.push_back({p.value("elapsed_s", 0.0), p.value("executions", 0.0), p.value("coverage", 0.0),
                     p.value("findings", 0.0), p.value("exec_per_s", 0.0)});
      }
      out.push_back({name, std::move(v)});
    }
  }
  if (out.empty() && !r.series.empty()) out.push_back({fallback, r.series});
  return out;
}

namespace {

template <typename F>
ChartSeries Project(const std::string& name, const std::vector<SeriesPoint>& pts, F y) {
  ChartSeries s{name, {}};
  for (const auto& p : pts) s.points.push_back({p.elapsed_s, y(p)});
  return s;
}

// Adds the progress series of the latest run of each kind, projected by y, named by kind ("kind" for
// the whole run, "kind: target" for a target's).
template <typename F>
void AddLatestSeries(LineChart& c, const Report& r, std::initializer_list<const char*> kinds, F y) {
  for (const std::string kind : kinds) {
    int i = r.latest(kind);
    if (i < 0) continue;
    for (auto& [name, pts] : SeriesByTarget(r.runs[i], kind)) {
      c.series.push_back(Project(name == kind ? kind : kind + ": " + name, pts, y));
    }
  }
}

// A chart of the latest nightly run's per-target series, projected by y.
template <typename F>
LineChart NightlyChart(const Report& r, std::string id, std::string title, std::string y_label, F y) {
  LineChart c;
  c.id = std::move(id);
  c.title = std::move(title);
  c.x_label = "elapsed";
  c.y_label = std::move(y_label);
  c.x_format = AxisFormat::kDuration;
  c.empty_text = "no nightly fuzzing run";
  int i = r.latest("nightly");
  if (i >= 0) {
    for (auto& [name, pts] : SeriesByTarget(r.runs[i], "all targets")) c.series.push_back(Project(name, pts, y));
    if (c.series.empty()) c.empty_text = "the nightly run recorded no progress series";
  }
  return c;
}

}  // namespace

LineChart SignerCoverageChart(const Report& r) {
  LineChart c;
  c.id = "chart-signer-coverage";
  c.title = "Signer coverage over time (clang source-based)";
  c.x_label = "coverage run (UTC)";
  c.y_label = "% of signer code";
  c.x_format = AxisFormat::kDate;
  c.y_max = 100;
  c.y_suffix = "%";
  c.empty_text = "no coverage run (rollcage coverage)";
  ChartSeries lines{"lines", {}}, branches{"branches", {}};
  for (const auto& h : r.coverage_history) {
    lines.points.push_back({double(h.when), h.total.line_percent()});
    branches.points.push_back({double(h.when), h.total.branch_percent()});
  }
  if (!lines.points.empty()) c.series = {lines, branches};
  return c;
}

LineChart FuzzCoverageChart(const Report& r) {
  return NightlyChart(r, "chart-fuzz-coverage", "Fuzzing coverage over time (latest nightly run)",
                      "coverage (edges/features)", [](const SeriesPoint& p) { return p.coverage; });
}

LineChart ExecPerSecondChart(const Report& r) {
  return NightlyChart(r, "chart-exec-per-s", "Fuzzing executions per second (latest nightly run)", "executions / s",
                      [](const SeriesPoint& p) { return p.exec_per_s; });
}

LineChart ScenarioRateChart(const Report& r) {
  LineChart c;
  c.id = "chart-scenarios-per-s";
  c.title = "Scenarios per second (latest hunt and rollover runs)";
  c.x_label = "elapsed";
  c.y_label = "scenarios / s";
  c.x_format = AxisFormat::kDuration;
  c.empty_text = "no hunt or rollover run with a progress series";
  AddLatestSeries(c, r, {"hunt", "rollover"}, [](const SeriesPoint& p) { return p.exec_per_s; });
  return c;
}

LineChart FindingsOverTimeChart(const Report& r) {
  LineChart c;
  c.id = "chart-findings-over-time";
  c.title = "Unexplained findings over time (cumulative, counted runs)";
  c.x_label = "run start and end (UTC)";
  c.y_label = "findings";
  c.x_format = AxisFormat::kDate;
  c.step = true;
  c.empty_text = "no hunt, nightly or rollover run";
  for (const std::string kind : {"hunt", "nightly", "rollover"}) {
    auto it = r.by_kind.find(kind);
    if (it == r.by_kind.end()) continue;
    ChartSeries s{kind, {}};
    double total = 0;
    // Each run contributes its start (the total before it) and its end (the total after it).
    for (int i : it->second) {
      s.points.push_back({double(r.runs[i].started), total});
      for (const auto& f : r.findings) total += f.run == i && !f.planted;
      s.points.push_back({double(r.runs[i].finished), total});
    }
    c.series.push_back(std::move(s));
  }
  return c;
}

LineChart FindingsInRunsChart(const Report& r) {
  LineChart c;
  c.id = "chart-findings-in-runs";
  c.title = "Findings during the latest runs";
  c.x_label = "elapsed";
  c.y_label = "findings (cumulative)";
  c.x_format = AxisFormat::kDuration;
  c.step = true;
  c.empty_text = "no run with a progress series";
  AddLatestSeries(c, r, {"hunt", "nightly", "rollover", "mutants"}, [](const SeriesPoint& p) { return p.findings; });
  return c;
}

BarChart TargetExecutionsChart(const Report& r) {
  BarChart c;
  c.id = "chart-target-executions";
  c.title = "Fuzzing executions per target (counted runs)";
  c.value_label = "executions";
  c.empty_text = "no nightly fuzzing run";
  for (const auto& t : r.targets) {
    if (t.kind != "nightly" && t.kind != "fuzz") continue;
    c.bars.push_back({t.kind == "fuzz" ? "fuzz: " + t.name : t.name, t.executions, FormatCount(t.executions),
                      t.crashes ? "bad" : ""});
  }
  return c;
}

BarChart ScenarioCountChart(const Report& r) {
  BarChart c;
  c.id = "chart-scenario-counts";
  c.title = "Scenarios per property and rollover (counted runs)";
  c.value_label = "scenarios";
  c.empty_text = "no hunt or rollover run with per-property figures";
  for (const auto& t : r.targets) {
    if (t.kind != "hunt" && t.kind != "rollover") continue;
    c.bars.push_back({t.kind + ": " + t.name, t.executions, FormatCount(t.executions), t.crashes ? "bad" : ""});
  }
  return c;
}

BarChart CoverageFilesChart(const Report& r) {
  BarChart c;
  c.id = "chart-coverage-files";
  c.title = "Line coverage per signer file (latest coverage run)";
  c.value_label = "% of lines executed";
  c.empty_text = "no coverage run (rollcage coverage)";
  for (const auto& f : r.coverage.files) {
    std::string name = f.file;
    if (!r.coverage.scope.empty() && name.rfind(r.coverage.scope, 0) == 0) name = name.substr(r.coverage.scope.size());
    double p = f.line_percent();
    c.bars.push_back({name, p, FormatPercent(p), p < r.options.min_line_coverage ? "warn" : "good"});
  }
  return c;
}

BarChart MutantKillTimeChart(const Report& r) {
  BarChart c;
  c.id = "chart-mutant-kill-time";
  c.title = "Mutants: median time to the first failure (latest mutants run)";
  c.value_label = "seconds";
  c.empty_text = "no mutants run";
  double worst = 0;
  for (const auto& m : r.mutants) worst = std::max(worst, m.median_s);
  for (const auto& m : r.mutants) {
    if (m.killed) {
      c.bars.push_back({m.name, std::max(0.0, m.median_s), m.median_s >= 0 ? FormatNumber(m.median_s, 2) + " s" : "killed",
                        "good"});
    } else {
      c.bars.push_back({m.name, worst > 0 ? worst : 1, "survived", "bad"});
    }
  }
  return c;
}

}  // namespace rollcage::report
