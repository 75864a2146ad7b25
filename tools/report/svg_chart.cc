#include "tools/report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "tools/report/text.h"

namespace rollcage::report {
namespace {

const char* const kPalette[] = {"#1f6fb4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};
constexpr int kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string UtcText(double t, bool with_time, bool with_date) {
  std::time_t tt = static_cast<std::time_t>(std::llround(t));
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  if (with_date && with_time) {
    std::strftime(buf, sizeof buf, "%m-%d %H:%M", &tm);
  } else if (with_date) {
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  } else {
    std::strftime(buf, sizeof buf, "%H:%M", &tm);
  }
  return buf;
}

std::string DurationTick(double s) {
  long long n = std::llround(s);
  char buf[32];
  if (n < 60) {
    std::snprintf(buf, sizeof buf, "%llds", n);
  } else if (n < 3600) {
    if (n % 60) {
      std::snprintf(buf, sizeof buf, "%lldm%02llds", n / 60, n % 60);
    } else {
      std::snprintf(buf, sizeof buf, "%lldm", n / 60);
    }
  } else if (n % 3600) {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", n / 3600, (n % 3600) / 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lldh", n / 3600);
  }
  return buf;
}

std::string ShortNumber(double v) {
  double a = std::fabs(v);
  if (a >= 1e9) return FormatNumber(v / 1e9, 2) + "G";
  if (a >= 1e6) return FormatNumber(v / 1e6, 2) + "M";
  if (a >= 1e4) return FormatNumber(v / 1e3, 1) + "k";
  return FormatNumber(v, a < 10 ? 2 : 1);
}

// Ticks on a fixed ladder of steps (time units), about `count` of them.
std::vector<double> LadderTicks(double lo, double hi, int count, const std::vector<double>& ladder) {
  double span = hi - lo;
  double step = ladder.back();
  for (double s : ladder) {
    if (span / s <= count) {
      step = s;
      break;
    }
  }
  while (span / step > count * 2) step *= 2;
  std::vector<double> out;
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push_back(t);
  return out;
}

std::string XTickLabel(double x, AxisFormat f, double span) {
  switch (f) {
    case AxisFormat::kDate:
      return UtcText(x, span < 4 * 86400, true);
    case AxisFormat::kDuration:
      return DurationTick(x);
    case AxisFormat::kNumber:
      break;
  }
  return ShortNumber(x);
}

std::string PointText(double x, AxisFormat f) {
  switch (f) {
    case AxisFormat::kDate:
      return UtcText(x, true, true) + " UTC";
    case AxisFormat::kDuration:
      return DurationTick(x);
    case AxisFormat::kNumber:
      break;
  }
  return FormatNumber(x, 2);
}

std::string SvgOpen(const std::string& id, const std::string& cls, const std::string& title, int w, int h,
                    size_t series, size_t points) {
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart " + cls + "\" id=\"" + EscapeXml(id) +
                  "\" role=\"img\" aria-label=\"" + EscapeXml(title) + "\" width=\"" + std::to_string(w) +
                  "\" height=\"" + std::to_string(h) + "\" viewBox=\"0 0 " + std::to_string(w) + " " +
                  std::to_string(h) + "\" data-series=\"" + std::to_string(series) + "\" data-points=\"" +
                  std::to_string(points) + "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  s += "<title>" + EscapeXml(title) + "</title>\n";
  s += "<rect class=\"frame\" x=\"0.5\" y=\"0.5\" width=\"" + std::to_string(w - 1) + "\" height=\"" +
       std::to_string(h - 1) + "\" fill=\"#ffffff\" stroke=\"#d0d4da\"/>\n";
  s += "<text class=\"chart-title\" x=\"12\" y=\"20\" font-size=\"13\" font-weight=\"bold\" fill=\"#1b1f24\">" +
       EscapeXml(title) + "</text>\n";
  return s;
}

std::string Truncate(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  // Do not cut inside a UTF-8 sequence.
  size_t cut = n - 1;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "\xE2\x80\xA6";
}

}  // namespace

std::vector<double> NiceTicks(double lo, double hi, int count) {
  if (!(hi > lo)) return {lo};
  double raw = (hi - lo) / std::max(1, count);
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag * 10;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  }
  std::vector<double> out;
  for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
    out.push_back(std::fabs(t) < step * 1e-9 ? 0 : t);
  }
  return out;
}

std::string RenderLineChart(const LineChart& c) {
  size_t npoints = 0;
  std::vector<const ChartSeries*> shown;
  for (const auto& s : c.series) {
    size_t n = 0;
    for (const auto& p : s.points) n += std::isfinite(p.x) && std::isfinite(p.y);
    if (n) shown.push_back(&s);
    npoints += n;
  }
  const int w = c.width;
  // Legend: rows of items under the plot.
  const int left = 64, right = 18, top = 34;
  std::vector<std::pair<int, int>> legend_pos;  // x, row
  int lx = left, row = 0;
  for (const auto* s : shown) {
    int iw = 22 + int(std::min<size_t>(s->name.size(), 40)) * 7 + 14;
    if (lx + iw > w - right && lx > left) {
      lx = left;
      ++row;
    }
    legend_pos.push_back({lx, row});
    lx += iw;
  }
  const int legend_rows = shown.empty() ? 0 : row + 1;
  const int h = c.height + legend_rows * 16;
  const int bottom = 44 + legend_rows * 16;
  const int pw = w - left - right, ph = h - top - bottom;

  std::string s = SvgOpen(c.id, "line-chart", c.title, w, h, shown.size(), npoints);
  if (shown.empty()) {
    s += "<rect class=\"plot\" x=\"" + std::to_string(left) + "\" y=\"" + std::to_string(top) + "\" width=\"" +
         std::to_string(pw) + "\" height=\"" + std::to_string(ph) + "\" fill=\"#f6f8fa\" stroke=\"#d0d4da\"/>\n";
    s += "<text class=\"no-data\" x=\"" + std::to_string(left + pw / 2) + "\" y=\"" + std::to_string(top + ph / 2) +
         "\" text-anchor=\"middle\" font-size=\"13\" fill=\"#57606a\">" + EscapeXml(c.empty_text) + "</text>\n";
    s += "</svg>\n";
    return s;
  }
  double x0 = INFINITY, x1 = -INFINITY, y1 = 0;
  for (const auto* se : shown) {
    for (const auto& p : se->points) {
      if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
      x0 = std::min(x0, p.x), x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
    }
  }
  if (c.x_format == AxisFormat::kDuration) x0 = std::min(x0, 0.0);
  if (x1 - x0 <= 0) {
    double pad = c.x_format == AxisFormat::kDate ? 3600 : (x0 == 0 ? 1 : std::fabs(x0) * 0.1);
    x0 -= pad, x1 += pad;
  }
  double ytop = c.y_max ? *c.y_max : (y1 > 0 ? y1 * 1.08 : 1);
  std::vector<double> yt = NiceTicks(0, ytop, 5);
  if (!c.y_max && !yt.empty() && yt.back() < ytop) {
    double step = yt.size() > 1 ? yt[1] - yt[0] : ytop;
    yt.push_back(yt.back() + step);
  }
  if (!c.y_max && !yt.empty()) ytop = std::max(ytop, yt.back());
  auto X = [&](double x) { return left + (x - x0) / (x1 - x0) * pw; };
  auto Y = [&](double y) { return top + ph - y / ytop * ph; };

  s += "<rect class=\"plot\" x=\"" + std::to_string(left) + "\" y=\"" + std::to_string(top) + "\" width=\"" +
       std::to_string(pw) + "\" height=\"" + std::to_string(ph) + "\" fill=\"#fbfcfd\" stroke=\"#d0d4da\"/>\n";
  // Y grid and labels.
  for (double t : yt) {
    if (t > ytop + 1e-9) continue;
    std::string y = Num(Y(t));
    s += "<line class=\"grid\" x1=\"" + std::to_string(left) + "\" x2=\"" + std::to_string(left + pw) + "\" y1=\"" + y +
         "\" y2=\"" + y + "\" stroke=\"#e4e7eb\"/>\n";
    s += "<text class=\"tick\" x=\"" + std::to_string(left - 6) + "\" y=\"" + Num(Y(t) + 4) +
         "\" text-anchor=\"end\" fill=\"#57606a\">" + EscapeXml(ShortNumber(t) + c.y_suffix) + "</text>\n";
  }
  // X ticks.
  std::vector<double> xt;
  if (c.x_format == AxisFormat::kDate) {
    xt = LadderTicks(x0, x1, 6, {60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400,
                                 7 * 86400, 14 * 86400, 30 * 86400});
  } else if (c.x_format == AxisFormat::kDuration) {
    xt = LadderTicks(x0, x1, 6, {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 3 * 3600,
                                 6 * 3600, 12 * 3600, 86400});
  } else {
    xt = NiceTicks(x0, x1, 6);
  }
  for (double t : xt) {
    if (t < x0 - 1e-9 || t > x1 + 1e-9) continue;
    std::string x = Num(X(t));
    s += "<line class=\"grid\" x1=\"" + x + "\" x2=\"" + x + "\" y1=\"" + std::to_string(top) + "\" y2=\"" +
         std::to_string(top + ph) + "\" stroke=\"#eef0f3\"/>\n";
    s += "<text class=\"tick\" x=\"" + x + "\" y=\"" + std::to_string(top + ph + 15) +
         "\" text-anchor=\"middle\" fill=\"#57606a\">" + EscapeXml(XTickLabel(t, c.x_format, x1 - x0)) +
         "</text>\n";
  }
  s += "<text class=\"axis-label\" x=\"" + std::to_string(left + pw / 2) + "\" y=\"" + std::to_string(top + ph + 32) +
       "\" text-anchor=\"middle\" fill=\"#1b1f24\">" + EscapeXml(c.x_label) + "</text>\n";
  s += "<text class=\"axis-label\" x=\"14\" y=\"" + std::to_string(top + ph / 2) +
       "\" text-anchor=\"middle\" fill=\"#1b1f24\" transform=\"rotate(-90 14 " + std::to_string(top + ph / 2) +
       ")\">" + EscapeXml(c.y_label) + "</text>\n";
  // Series.
  for (size_t i = 0; i < shown.size(); ++i) {
    const auto& se = *shown[i];
    const char* color = kPalette[i % kPaletteSize];
    std::vector<ChartPoint> pts;
    for (const auto& p : se.points) {
      if (std::isfinite(p.x) && std::isfinite(p.y)) pts.push_back(p);
    }
    std::stable_sort(pts.begin(), pts.end(), [](const ChartPoint& a, const ChartPoint& b) { return a.x < b.x; });
    std::string poly;
    for (size_t k = 0; k < pts.size(); ++k) {
      double y = std::min(pts[k].y, ytop);
      if (c.step && k > 0) poly += Num(X(pts[k].x)) + "," + Num(Y(std::min(pts[k - 1].y, ytop))) + " ";
      poly += Num(X(pts[k].x)) + "," + Num(Y(y)) + " ";
    }
    if (!poly.empty()) poly.pop_back();
    s += "<g class=\"series-group\" data-name=\"" + EscapeXml(se.name) + "\">\n";
    s += "<polyline class=\"series\" data-name=\"" + EscapeXml(se.name) + "\" data-points=\"" +
         std::to_string(pts.size()) + "\" fill=\"none\" stroke=\"" + color +
         "\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"" + poly + "\"/>\n";
    // Markers only where they stay readable.
    if (pts.size() <= 60) {
      for (const auto& p : pts) {
        s += "<circle class=\"point\" cx=\"" + Num(X(p.x)) + "\" cy=\"" + Num(Y(std::min(p.y, ytop))) +
             "\" r=\"3\" fill=\"" + color + "\"><title>" +
             EscapeXml(se.name + ": " + PointText(p.x, c.x_format) + ", " + FormatNumber(p.y, 2) + c.y_suffix) +
             "</title></circle>\n";
      }
    }
    s += "</g>\n";
  }
  // Legend.
  for (size_t i = 0; i < shown.size(); ++i) {
    int x = legend_pos[i].first, y = h - 10 - (legend_rows - 1 - legend_pos[i].second) * 16;
    s += "<g class=\"legend-item\"><rect x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y - 9) +
         "\" width=\"14\" height=\"10\" fill=\"" + kPalette[i % kPaletteSize] + "\"/><text x=\"" +
         std::to_string(x + 20) + "\" y=\"" + std::to_string(y) + "\" fill=\"#1b1f24\">" +
         EscapeXml(Truncate(shown[i]->name, 40)) + "</text></g>\n";
  }
  s += "</svg>\n";
  return s;
}

std::string RenderBarChart(const BarChart& c) {
  const int w = c.width;
  const int top = 34, bar_h = 18, gap = 6, label_w = 170, right = 80;
  const int n = int(c.bars.size());
  const int ph = n ? n * (bar_h + gap) : 80;
  const int h = top + ph + 34;
  const int pw = w - label_w - right;
  std::string s = SvgOpen(c.id, "bar-chart", c.title, w, h, n ? 1 : 0, n);
  if (!n) {
    s += "<rect class=\"plot\" x=\"" + std::to_string(label_w) + "\" y=\"" + std::to_string(top) + "\" width=\"" +
         std::to_string(pw) + "\" height=\"" + std::to_string(ph) + "\" fill=\"#f6f8fa\" stroke=\"#d0d4da\"/>\n";
    s += "<text class=\"no-data\" x=\"" + std::to_string(label_w + pw / 2) + "\" y=\"" +
         std::to_string(top + ph / 2 + 4) + "\" text-anchor=\"middle\" font-size=\"13\" fill=\"#57606a\">" +
         EscapeXml(c.empty_text) + "</text>\n</svg>\n";
    return s;
  }
  double vmax = 0;
  for (const auto& b : c.bars) {
    if (std::isfinite(b.value)) vmax = std::max(vmax, b.value);
  }
  if (vmax <= 0) vmax = 1;
  std::vector<double> ticks = NiceTicks(0, vmax, 4);
  if (!ticks.empty() && ticks.back() < vmax) ticks.push_back(ticks.back() + (ticks.size() > 1 ? ticks[1] - ticks[0] : vmax));
  double top_v = std::max(vmax, ticks.empty() ? vmax : ticks.back());
  auto X = [&](double v) { return label_w + v / top_v * pw; };
  for (double t : ticks) {
    std::string x = Num(X(t));
    s += "<line class=\"grid\" x1=\"" + x + "\" x2=\"" + x + "\" y1=\"" + std::to_string(top) + "\" y2=\"" +
         std::to_string(top + ph) + "\" stroke=\"#e4e7eb\"/>\n";
    s += "<text class=\"tick\" x=\"" + x + "\" y=\"" + std::to_string(top + ph + 14) +
         "\" text-anchor=\"middle\" fill=\"#57606a\">" + EscapeXml(ShortNumber(t)) + "</text>\n";
  }
  s += "<text class=\"axis-label\" x=\"" + std::to_string(label_w + pw / 2) + "\" y=\"" + std::to_string(top + ph + 29) +
       "\" text-anchor=\"middle\" fill=\"#1b1f24\">" + EscapeXml(c.value_label) + "</text>\n";
  for (int i = 0; i < n; ++i) {
    const Bar& b = c.bars[i];
    int y = top + i * (bar_h + gap) + gap / 2;
    double v = std::isfinite(b.value) ? std::max(0.0, b.value) : 0;
    double bw = std::max(1.0, X(v) - label_w);
    const char* fill = b.css_class == "bad"     ? "#d62728"
                       : b.css_class == "warn"  ? "#e0a100"
                       : b.css_class == "muted" ? "#9aa4ae"
                       : b.css_class == "good"  ? "#2ca02c"
                                                : kPalette[0];
    std::string value_text = b.value_text.empty() ? FormatNumber(b.value, 2) : b.value_text;
    s += "<text class=\"bar-label\" x=\"" + std::to_string(label_w - 8) + "\" y=\"" + std::to_string(y + 13) +
         "\" text-anchor=\"end\" fill=\"#1b1f24\">" + EscapeXml(Truncate(b.label, 26)) + "</text>\n";
    s += "<rect class=\"bar" + (b.css_class.empty() ? "" : " " + EscapeXml(b.css_class)) + "\" data-label=\"" +
         EscapeXml(b.label) + "\" data-value=\"" + FormatNumber(b.value, 3) + "\" x=\"" + std::to_string(label_w) +
         "\" y=\"" + std::to_string(y) + "\" width=\"" + Num(bw) + "\" height=\"" + std::to_string(bar_h) +
         "\" fill=\"" + fill + "\"><title>" + EscapeXml(b.label + ": " + value_text) + "</title></rect>\n";
    s += "<text class=\"bar-value\" x=\"" + Num(label_w + bw + 5) + "\" y=\"" + std::to_string(y + 13) +
         "\" fill=\"#1b1f24\">" + EscapeXml(value_text) + "</text>\n";
  }
  s += "</svg>\n";
  return s;
}

}  // namespace rollcage::report
