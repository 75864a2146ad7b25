// SvgChart: line and bar charts rendered as inline SVG text (no scripts, fonts or external
// resources), for the self-contained HTML report. A chart with no data still renders: its frame and
// a "no data" note, so a reader sees that nothing was measured rather than a missing picture.
// Every chart is an <svg class="chart ..."> with an id, a <title>, data-series/data-points
// attributes (counts, for tests and tools), one <polyline class="series"> per line series or one
// <rect class="bar"> per bar.
#ifndef ROLLCAGE_TOOLS_REPORT_SVG_CHART_H_
#define ROLLCAGE_TOOLS_REPORT_SVG_CHART_H_

#include <optional>
#include <string>
#include <vector>

namespace rollcage::report {

struct ChartPoint {
  double x = 0, y = 0;
};

struct ChartSeries {
  std::string name;
  std::vector<ChartPoint> points;
};

enum class AxisFormat {
  kNumber,    // plain numbers
  kDate,      // x values are Unix seconds, shown as UTC dates/times
  kDuration,  // x values are elapsed seconds, shown as 30s, 5m00s, 1h00m
};

struct LineChart {
  std::string id;        // element id, e.g. "chart-signer-coverage"
  std::string title;
  std::string x_label, y_label;
  AxisFormat x_format = AxisFormat::kNumber;
  std::optional<double> y_max;  // a fixed top (100 for percentages); else from the data
  std::string y_suffix;         // appended to y tick labels ("%")
  bool step = false;            // draw as a step function (cumulative counts)
  std::vector<ChartSeries> series;
  std::string empty_text = "no data";
  int width = 512, height = 270;
};

struct Bar {
  std::string label;
  double value = 0;
  std::string value_text;  // shown at the end of the bar; default: the value
  std::string css_class;   // extra class on the bar, also its colour: "bad", "warn", "good", "muted"
};

struct BarChart {
  std::string id;
  std::string title;
  std::string value_label;  // axis caption ("executions", "seconds to kill")
  std::vector<Bar> bars;
  std::string empty_text = "no data";
  int width = 512;
};

std::string RenderLineChart(const LineChart& chart);
std::string RenderBarChart(const BarChart& chart);

// Tick positions for [lo, hi]: about `count` round numbers (1, 2, 2.5, 5 x 10^k) covering the range.
std::vector<double> NiceTicks(double lo, double hi, int count);

}  // namespace rollcage::report

#endif  // ROLLCAGE_TOOLS_REPORT_SVG_CHART_H_
