// The HTML report rendered by headless Chromium (Debian's `chromium`, in ./rollcage's PACKAGES):
//  - the DOM Chromium builds from the file has every chart (inline <svg>) and every table;
//  - a layout pass (the page plus a measuring script, dumped with --dump-dom) gives each chart's
//    position and the drawn length of every line series;
//  - a full-page screenshot of the unmodified page, decoded here, is not blank, and the region of
//    every chart holds its frame and, where it has data, the colours of its series or bars.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "base/file.h"
#include "base/subprocess.h"
#include "tools/report/fixture.h"
#include "tools/report/html_report.h"
#include "tools/report/report.h"

// zlib's one-shot inflate, from the runtime library (linked with -l:libz.so.1; no headers needed).
extern "C" int uncompress(unsigned char* dest, unsigned long* dest_len, const unsigned char* source,
                          unsigned long source_len);

namespace rollcage::report {
namespace {

struct Image {
  int width = 0, height = 0;
  std::vector<uint32_t> rgb;  // 0xRRGGBB per pixel
  uint32_t at(int x, int y) const { return rgb[size_t(y) * width + x]; }
};

uint32_t Be32(const std::string& s, size_t p) {
  return uint32_t(uint8_t(s[p])) << 24 | uint32_t(uint8_t(s[p + 1])) << 16 | uint32_t(uint8_t(s[p + 2])) << 8 |
         uint8_t(s[p + 3]);
}

// Decodes an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes); alpha is ignored.
Result<Image> DecodePng(const std::string& png) {
  if (png.size() < 8 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return BadInput("not a PNG");
  Image img;
  int color_type = -1, depth = 0, interlace = 0;
  std::string idat;
  for (size_t p = 8; p + 8 <= png.size();) {
    uint32_t len = Be32(png, p);
    std::string type = png.substr(p + 4, 4);
    if (p + 12 + len > png.size()) return BadInput("truncated PNG chunk " + type);
    if (type == "IHDR") {
      img.width = int(Be32(png, p + 8));
      img.height = int(Be32(png, p + 12));
      depth = uint8_t(png[p + 16]);
      color_type = uint8_t(png[p + 17]);
      interlace = uint8_t(png[p + 20]);
    } else if (type == "IDAT") {
      idat.append(png, p + 8, len);
    } else if (type == "IEND") {
      break;
    }
    p += 12 + len;
  }
  if (depth != 8 || (color_type != 2 && color_type != 6) || interlace != 0) {
    return BadInput("unsupported PNG: depth " + std::to_string(depth) + " colour type " + std::to_string(color_type));
  }
  const int bpp = color_type == 6 ? 4 : 3;
  const size_t stride = size_t(img.width) * bpp;
  std::vector<unsigned char> raw((stride + 1) * img.height);
  unsigned long raw_len = raw.size();
  if (uncompress(raw.data(), &raw_len, reinterpret_cast<const unsigned char*>(idat.data()), idat.size()) != 0 ||
      raw_len != raw.size()) {
    return BadInput("PNG image data does not inflate to the expected size");
  }
  std::vector<unsigned char> prev(stride, 0), cur(stride);
  img.rgb.resize(size_t(img.width) * img.height);
  for (int y = 0; y < img.height; ++y) {
    const unsigned char* line = &raw[y * (stride + 1)];
    int filter = line[0];
    for (size_t i = 0; i < stride; ++i) {
      int a = i >= size_t(bpp) ? cur[i - bpp] : 0, b = prev[i], c = i >= size_t(bpp) ? prev[i - bpp] : 0;
      int x = line[1 + i], v = 0;
      switch (filter) {
        case 0: v = x; break;
        case 1: v = x + a; break;
        case 2: v = x + b; break;
        case 3: v = x + (a + b) / 2; break;
        case 4: {
          int pa = std::abs(b - c), pb = std::abs(a - c), pc = std::abs(a + b - 2 * c);
          v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default: return BadInput("bad PNG filter " + std::to_string(filter));
      }
      cur[i] = uint8_t(v);
    }
    for (int xpx = 0; xpx < img.width; ++xpx) {
      const unsigned char* px = &cur[size_t(xpx) * bpp];
      img.rgb[size_t(y) * img.width + xpx] = uint32_t(px[0]) << 16 | uint32_t(px[1]) << 8 | px[2];
    }
    std::swap(prev, cur);
  }
  return img;
}

bool Near(uint32_t a, uint32_t b, int tol) {
  for (int sh : {0, 8, 16}) {
    if (std::abs(int((a >> sh) & 0xFF) - int((b >> sh) & 0xFF)) > tol) return false;
  }
  return true;
}

// Pixels in the rectangle close to colour c.
int CountNear(const Image& img, int x0, int y0, int w, int h, uint32_t c, int tol = 6) {
  int n = 0;
  for (int y = std::max(0, y0); y < std::min(img.height, y0 + h); ++y) {
    for (int x = std::max(0, x0); x < std::min(img.width, x0 + w); ++x) n += Near(img.at(x, y), c, tol);
  }
  return n;
}

int DistinctColours(const Image& img, int x0, int y0, int w, int h) {
  std::set<uint32_t> s;
  for (int y = std::max(0, y0); y < std::min(img.height, y0 + h); ++y) {
    for (int x = std::max(0, x0); x < std::min(img.width, x0 + w); ++x) s.insert(img.at(x, y));
  }
  return int(s.size());
}

std::string Tmp() {
  const char* t = std::getenv("TEST_TMPDIR");
  return t ? t : "/tmp";
}

class Chromium : public ::testing::Test {
 public:
  void SetUp() override {
    ASSERT_TRUE(ProgramInPath("chromium"))
        << "chromium is not installed: apt-get install chromium (it is in ./rollcage's PACKAGES)";
  }

  // Runs headless Chromium on file://path with extra arguments; returns stdout.
  std::string Run(const std::string& path, const std::vector<std::string>& extra, int width, int height) {
    std::vector<std::string> argv = {"chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                     "--disable-background-networking", "--hide-scrollbars",
                                     "--force-device-scale-factor=1", "--user-data-dir=" + Tmp() + "/chromium-profile",
                                     "--window-size=" + std::to_string(width) + "," + std::to_string(height)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back("file://" + path);
    RunOptions o;
    o.timeout_seconds = 90;
    o.env = {{"HOME", Tmp()}, {"XDG_CONFIG_HOME", Tmp() + "/xdg"}, {"XDG_CACHE_HOME", Tmp() + "/xdg-cache"}};
    auto res = RunCommand(argv, o);
    EXPECT_TRUE(res.ok()) << res.status().message();
    if (!res.ok()) return "";
    EXPECT_FALSE(res->timed_out);
    EXPECT_EQ(res->exit_code, 0) << res->err.substr(0, 2000);
    return res->out;
  }
};

const char kMeasure[] = R"JS(
<script>
(function () {
  var out = {height: Math.ceil(document.documentElement.scrollHeight), width: document.documentElement.scrollWidth,
             charts: [], tables: []};
  document.querySelectorAll('svg.chart').forEach(function (s) {
    var r = s.getBoundingClientRect();
    var series = [];
    s.querySelectorAll('g.series-group').forEach(function (g) {
      var p = g.querySelector('polyline.series');
      series.push({name: g.getAttribute('data-name'), length: p ? p.getTotalLength() : 0,
                   points: g.querySelectorAll('circle.point').length});
    });
    var bars = [];
    s.querySelectorAll('rect.bar').forEach(function (b) { bars.push(b.getBBox().width); });
    out.charts.push({id: s.id, cls: s.getAttribute('class'), x: r.left + window.scrollX, y: r.top + window.scrollY,
                     w: r.width, h: r.height, series: series, bars: bars,
                     nodata: s.querySelectorAll('.no-data').length});
  });
  document.querySelectorAll('table').forEach(function (t) {
    out.tables.push({id: t.id, rows: t.tBodies[0] ? t.tBodies[0].rows.length : 0,
                     h: t.getBoundingClientRect().height});
  });
  var pre = document.createElement('pre');
  pre.id = 'layout';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
)JS";

std::string Unescape(std::string s) {
  const std::pair<std::string, std::string> ents[] = {{"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}};
  for (const auto& [from, to] : ents) {
    for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  }
  return s;
}

ReportOptions Options() {
  ReportOptions o;
  o.results_dir = "rollcage-results";
  o.now = 1778100000;
  return o;
}

// The expected palette colours of the charts (svg_chart.cc): series 1-3 and the bar classes.
constexpr uint32_t kBlue = 0x1f6fb4, kRed = 0xd62728, kGreen = 0x2ca02c, kAmber = 0xe0a100;

void CheckRendering(Chromium* t, const Report& r, const std::string& name) {
  const std::string html = RenderHtml(r);
  const std::string page = Tmp() + "/" + name + ".html";
  ASSERT_TRUE(WriteFileAtomic(page, html).ok());
  const int width = 1280;

  // 1. The DOM Chromium parsed from the unmodified file.
  std::string dom = t->Run(page, {"--dump-dom"}, width, 1000);
  ASSERT_FALSE(dom.empty());
  const std::vector<std::string> charts = {
      "chart-target-executions", "chart-scenario-counts", "chart-exec-per-s",   "chart-scenarios-per-s",
      "chart-signer-coverage",   "chart-fuzz-coverage",   "chart-coverage-files", "chart-findings-over-time",
      "chart-findings-in-runs",  "chart-mutant-kill-time"};
  for (const auto& id : charts) EXPECT_NE(dom.find("id=\"" + id + "\""), std::string::npos) << id;
  for (const std::string id : {"table-tested", "table-how-much", "table-targets", "table-coverage-files",
                               "table-findings", "table-planted-findings", "table-mutants", "table-runs"}) {
    EXPECT_NE(dom.find("<table id=\"" + id + "\""), std::string::npos) << id;
  }
  EXPECT_NE(dom.find("data-verdict=\"" + VerdictName(r.verdict) + "\""), std::string::npos);

  // 2. Layout: the page with a measuring script appended (it adds nothing above the report).
  std::string measured = html;
  size_t body = measured.rfind("</body>");
  ASSERT_NE(body, std::string::npos);
  measured.insert(body, kMeasure);
  const std::string mpage = Tmp() + "/" + name + "-measured.html";
  ASSERT_TRUE(WriteFileAtomic(mpage, measured).ok());
  std::string mdom = t->Run(mpage, {"--dump-dom"}, width, 1000);
  size_t a = mdom.find("<pre id=\"layout\">"), b = mdom.find("</pre>", a);
  ASSERT_NE(a, std::string::npos) << "the measuring script did not run";
  auto layout = nlohmann::json::parse(Unescape(mdom.substr(a + 17, b - a - 17)), nullptr, false);
  ASSERT_TRUE(layout.is_object());
  ASSERT_EQ(layout["charts"].size(), charts.size());
  std::map<std::string, nlohmann::json> by_id;
  for (const auto& c : layout["charts"]) by_id[c["id"]] = c;
  for (const auto& id : charts) {
    ASSERT_TRUE(by_id.count(id)) << id;
    const auto& c = by_id[id];
    EXPECT_GT(c["w"].get<double>(), 200) << id;
    EXPECT_GT(c["h"].get<double>(), 100) << id;
    for (const auto& s : c["series"]) {
      // A series is drawn: a line of some length, or (a single instant) its point markers.
      EXPECT_TRUE(s["length"].get<double>() > 1 || s["points"].get<int>() > 0) << id << " " << s["name"];
    }
    for (const auto& w : c["bars"]) EXPECT_GE(w.get<double>(), 1) << id;
  }
  for (const auto& tb : layout["tables"]) EXPECT_GT(tb["h"].get<double>(), 10) << tb["id"];
  const int height = layout["height"].get<int>();
  ASSERT_GT(height, 1500);

  // 3. A screenshot of the whole page.
  const std::string shot = Tmp() + "/" + name + ".png";
  std::remove(shot.c_str());
  t->Run(page, {"--screenshot=" + shot}, width, height);
  auto png = ReadFile(shot);
  ASSERT_TRUE(png.ok()) << "no screenshot: " << png.status().message();
  auto img = DecodePng(*png);
  ASSERT_TRUE(img.ok()) << img.status().message();
  EXPECT_EQ(img->width, width);
  EXPECT_EQ(img->height, height);
  EXPECT_GT(DistinctColours(*img, 0, 0, img->width, img->height), 50) << "the screenshot is (nearly) one colour";
  // The verdict banner near the top has the verdict's colour.
  uint32_t banner = r.verdict == Verdict::kPass ? 0x2ca02c : r.verdict == Verdict::kFail ? 0xd62728 : 0xe0a100;
  if (r.verdict != Verdict::kNoEvidence) EXPECT_GT(CountNear(*img, 0, 0, width, 400, banner), 200);
  for (const auto& id : charts) {
    const auto& c = by_id[id];
    int x = int(c["x"].get<double>()), y = int(c["y"].get<double>());
    int w = int(c["w"].get<double>()), h = int(c["h"].get<double>());
    // Not blank: frame, axes, text.
    EXPECT_GT(DistinctColours(*img, x, y, w, h), 8) << id << " looks blank";
    if (c["nodata"].get<int>() > 0) continue;
    if (!c["series"].empty()) {
      // The first series' colour is on screen inside the chart.
      EXPECT_GT(CountNear(*img, x, y, w, h, kBlue), 20) << id << ": first series not drawn";
      if (c["series"].size() > 1) EXPECT_GT(CountNear(*img, x, y, w, h, kRed), 20) << id << ": second series not drawn";
    }
    if (!c["bars"].empty()) {
      int coloured = CountNear(*img, x, y, w, h, kBlue) + CountNear(*img, x, y, w, h, kGreen) +
                     CountNear(*img, x, y, w, h, kRed) + CountNear(*img, x, y, w, h, kAmber);
      EXPECT_GT(coloured, 100 * int(c["bars"].size())) << id << ": bars not drawn";
    }
  }
}

TEST_F(Chromium, PassingReportRendersEveryChartAndTable) {
  Report r = BuildReport(FixtureRecords({}), {}, Options());
  ASSERT_EQ(r.verdict, Verdict::kPass);
  CheckRendering(this, r, "pass");
}

TEST_F(Chromium, FailingReportWithHostileTextRenders) {
  FixtureOptions f;
  f.signer_finding = f.surviving_mutant = f.hostile_text = true;
  Report r = BuildReport(FixtureRecords(f), {}, Options());
  ASSERT_EQ(r.verdict, Verdict::kFail);
  CheckRendering(this, r, "fail");
}

TEST_F(Chromium, EmptyReportRendersItsNoDataCharts) {
  Report r = BuildReport({}, {}, Options());
  const std::string page = Tmp() + "/empty.html";
  ASSERT_TRUE(WriteFileAtomic(page, RenderHtml(r)).ok());
  std::string dom = Run(page, {"--dump-dom"}, 1280, 1000);
  EXPECT_NE(dom.find("data-verdict=\"NO EVIDENCE\""), std::string::npos);
  EXPECT_NE(dom.find("class=\"no-data\""), std::string::npos);
  const std::string shot = Tmp() + "/empty.png";
  Run(page, {"--screenshot=" + shot}, 1280, 1400);
  auto png = ReadFile(shot);
  ASSERT_TRUE(png.ok());
  auto img = DecodePng(*png);
  ASSERT_TRUE(img.ok()) << img.status().message();
  EXPECT_GT(DistinctColours(*img, 0, 0, img->width, img->height), 20);
}

TEST(PngDecoder, RejectsGarbage) {
  EXPECT_FALSE(DecodePng("not a png").ok());
  EXPECT_FALSE(DecodePng(std::string("\x89PNG\r\n\x1a\n", 8) + "garbage").ok());
}

}  // namespace
}  // namespace rollcage::report
