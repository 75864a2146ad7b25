// Charts of a Report: the data of every chart the HTML report draws, built from the report alone,
// so tests can compare the drawn series with the run records they came from.
#ifndef ROLLCAGE_TOOLS_REPORT_CHARTS_H_
#define ROLLCAGE_TOOLS_REPORT_CHARTS_H_

#include <string>
#include <utility>
#include <vector>

#include "harness/run_record.h"
#include "tools/report/report.h"
#include "tools/report/svg_chart.h"

namespace rollcage::report {

// A run's progress series per target: extra.series_by_target ({"target": [points]}) when present,
// else the run's own series under the name `fallback`.
std::vector<std::pair<std::string, std::vector<harness::SeriesPoint>>> SeriesByTarget(
    const harness::RunRecord& r, const std::string& fallback);

LineChart SignerCoverageChart(const Report& r);  // line and branch % per coverage run, over dates
LineChart FuzzCoverageChart(const Report& r);    // latest nightly: coverage features over elapsed time
LineChart ExecPerSecondChart(const Report& r);   // latest nightly: executions/s over elapsed time
LineChart ScenarioRateChart(const Report& r);    // latest hunt and rollover: scenarios/s over elapsed time
LineChart FindingsOverTimeChart(const Report& r);  // cumulative unexplained findings per kind, over dates
LineChart FindingsInRunsChart(const Report& r);    // latest hunt/nightly/rollover: findings over elapsed time
BarChart TargetExecutionsChart(const Report& r);   // executions per nightly fuzz target
BarChart ScenarioCountChart(const Report& r);      // scenarios per property and rollover (hunt, rollover)
BarChart CoverageFilesChart(const Report& r);      // line coverage per signer file
BarChart MutantKillTimeChart(const Report& r);     // median time to the first failure per mutant

}  // namespace rollcage::report

#endif  // ROLLCAGE_TOOLS_REPORT_CHARTS_H_
