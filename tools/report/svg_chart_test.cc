#include "tools/report/svg_chart.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <regex>

namespace rollcage::report {
namespace {

int Count(const std::string& s, const std::string& needle) {
  int n = 0;
  for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
  return n;
}

// Every x/y/cx/cy coordinate and polyline point lies inside the chart's viewBox.
void ExpectInside(const std::string& svg, int w, int h) {
  std::regex attr("(?:\\s(?:x|x1|x2|cx)=\"(-?[0-9.]+)\")");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), attr); it != std::sregex_iterator(); ++it) {
    double v = std::stod((*it)[1]);
    EXPECT_GE(v, 0) << (*it)[0];
    EXPECT_LE(v, w) << (*it)[0];
  }
  std::regex yattr("(?:\\s(?:y|y1|y2|cy)=\"(-?[0-9.]+)\")");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), yattr); it != std::sregex_iterator(); ++it) {
    double v = std::stod((*it)[1]);
    EXPECT_GE(v, 0) << (*it)[0];
    EXPECT_LE(v, h) << (*it)[0];
  }
  std::regex pts("points=\"([^\"]*)\"");
  std::regex pair("(-?[0-9.]+),(-?[0-9.]+)");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), pts); it != std::sregex_iterator(); ++it) {
    std::string p = (*it)[1];
    for (auto jt = std::sregex_iterator(p.begin(), p.end(), pair); jt != std::sregex_iterator(); ++jt) {
      EXPECT_GE(std::stod((*jt)[1]), 0);
      EXPECT_LE(std::stod((*jt)[1]), w);
      EXPECT_GE(std::stod((*jt)[2]), 0);
      EXPECT_LE(std::stod((*jt)[2]), h);
    }
  }
}

TEST(SvgChart, EmptyLineChartStillRendersWithNoDataNote) {
  LineChart c;
  c.id = "chart-x";
  c.title = "Nothing";
  c.empty_text = "no nightly run";
  std::string s = RenderLineChart(c);
  EXPECT_EQ(s.rfind("<svg", 0), 0u);
  EXPECT_NE(s.find("id=\"chart-x\""), std::string::npos);
  EXPECT_NE(s.find("class=\"no-data\""), std::string::npos);
  EXPECT_NE(s.find("no nightly run"), std::string::npos);
  EXPECT_NE(s.find("data-points=\"0\""), std::string::npos);
  EXPECT_EQ(Count(s, "<polyline"), 0);
  EXPECT_NE(s.find("</svg>"), std::string::npos);
}

TEST(SvgChart, LineChartDrawsOnePolylinePerSeriesAndEveryPoint) {
  LineChart c;
  c.id = "chart-rate";
  c.title = "Rate <&>";
  c.x_format = AxisFormat::kDuration;
  c.series = {ChartSeries{"a & b", {{0, 1}, {10, 5}, {20, 3}}}, ChartSeries{"c", {{5, 100}, {15, 50}}}, ChartSeries{"empty", {}}};
  std::string s = RenderLineChart(c);
  EXPECT_EQ(Count(s, "<polyline class=\"series\""), 2);
  EXPECT_EQ(Count(s, "<circle class=\"point\""), 5);
  EXPECT_NE(s.find("data-series=\"2\" data-points=\"5\""), std::string::npos);
  EXPECT_NE(s.find("Rate &lt;&amp;&gt;"), std::string::npos);
  EXPECT_NE(s.find("data-name=\"a &amp; b\""), std::string::npos);
  EXPECT_EQ(s.find("Rate <&>"), std::string::npos);
  // The highest value (100) sits at the top tick or below it, and nothing leaves the canvas.
  ExpectInside(s, c.width, 2000);
}

TEST(SvgChart, SinglePointAndDatesDoNotDivideByZero) {
  LineChart c;
  c.id = "chart-cov";
  c.x_format = AxisFormat::kDate;
  c.y_max = 100;
  c.series = {{"lines", {{1778000000, 81.5}}}};
  std::string s = RenderLineChart(c);
  EXPECT_EQ(s.find("nan"), std::string::npos);
  EXPECT_EQ(s.find("inf"), std::string::npos);
  EXPECT_EQ(Count(s, "<circle class=\"point\""), 1);
  EXPECT_NE(s.find("05-05"), std::string::npos);  // a date tick
}

TEST(SvgChart, StepChartAddsCorners) {
  LineChart c;
  c.id = "chart-steps";
  c.step = true;
  c.series = {{"found", {{0, 0}, {10, 1}, {20, 2}}}};
  std::string s = RenderLineChart(c);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(s, m, std::regex("class=\"series\"[^>]*points=\"([^\"]*)\"")));
  std::string pts = m[1];
  EXPECT_EQ(std::count(pts.begin(), pts.end(), ','), 5);  // 3 points + 2 corners
}

TEST(SvgChart, NonFiniteValuesAreDropped) {
  LineChart c;
  c.id = "chart-non-finite";
  c.series = {{"x", {{0, 1}, {1, std::nan("")}, {2, 3}}}};
  std::string s = RenderLineChart(c);
  EXPECT_NE(s.find("data-points=\"2\""), std::string::npos);
  EXPECT_EQ(s.find("nan"), std::string::npos);
}

TEST(SvgChart, BarChartOneRectPerBarWithValues) {
  BarChart c;
  c.id = "chart-bars";
  c.title = "Bars";
  c.bars = {{"scenario_codec", 1234567, "1,234,567", ""}, {"rr_roundtrip", 10, "", "bad"}, {"zero", 0, "", ""}};
  std::string s = RenderBarChart(c);
  EXPECT_EQ(Count(s, "<rect class=\"bar"), 3);
  EXPECT_NE(s.find("1,234,567"), std::string::npos);
  EXPECT_NE(s.find("class=\"bar bad\""), std::string::npos);
  EXPECT_NE(s.find("data-value=\"1234567\""), std::string::npos);
  ExpectInside(s, c.width, 1000);
  BarChart e;
  e.id = "chart-none";
  e.empty_text = "no mutants run";
  std::string es = RenderBarChart(e);
  EXPECT_NE(es.find("no mutants run"), std::string::npos);
  EXPECT_EQ(Count(es, "<rect class=\"bar"), 0);
}

TEST(SvgChart, NiceTicksAreRoundAndCoverTheRange) {
  auto t = NiceTicks(0, 97, 5);
  ASSERT_GE(t.size(), 4u);
  EXPECT_EQ(t.front(), 0);
  EXPECT_EQ(t[1], 20);
  EXPECT_LE(t.back(), 97);
  auto u = NiceTicks(0, 2.4e6, 6);
  EXPECT_EQ(u[1], 500000);
}

}  // namespace
}  // namespace rollcage::report
