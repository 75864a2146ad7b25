// Runs the rollcage binary: `rollcage report` with no records, with fixture records, with a
// failing fixture and with bad flags; checks the files, the printed verdict and the exit codes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "base/file.h"
#include "base/subprocess.h"
#include "harness/run_record.h"
#include "tools/report/fixture.h"

namespace rollcage {
namespace {

std::string Tmp() {
  const char* t = std::getenv("TEST_TMPDIR");
  return t ? t : "/tmp";
}

RunResult Report(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"tools/rollcage", "report"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = RunCommand(argv, {.timeout_seconds = 60});
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : RunResult{};
}

void WriteFixture(const std::string& dir, const report::FixtureOptions& o) {
  std::filesystem::remove_all(dir);
  for (const auto& r : report::FixtureRecords(o)) ASSERT_TRUE(harness::WriteRunRecord(r, dir).ok());
}

nlohmann::json Json(const std::string& out) {
  auto text = ReadFile(out + "/report.json");
  EXPECT_TRUE(text.ok());
  return nlohmann::json::parse(text.ok() ? *text : "", nullptr, false);
}

TEST(ReportCommand, NoRunsWritesAllFourFilesAndSaysNoEvidence) {
  std::string out = Tmp() + "/empty-report";
  auto r = Report({"--results", Tmp() + "/no-such-results", "--out", out});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("verdict: NO EVIDENCE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nothing was tested"), std::string::npos) << r.out;
  for (const std::string f : {"report.html", "report.json", "report-junit.xml", "report.md"}) {
    EXPECT_TRUE(std::filesystem::exists(out + "/" + f)) << f;
  }
  auto html = ReadFile(out + "/report.html");
  ASSERT_TRUE(html.ok());
  EXPECT_NE(html->find("<svg"), std::string::npos);
  EXPECT_EQ(Json(out)["verdict"]["value"], "NO EVIDENCE");
  // --check turns the verdict into the exit code: no evidence is not a pass.
  EXPECT_EQ(Report({"--results", Tmp() + "/no-such-results", "--out", out, "--check"}).exit_code, 4);
}

TEST(ReportCommand, UsesRollcageResultsFromTheEnvironment) {
  std::string results = Tmp() + "/env-results";
  WriteFixture(results, {});
  std::string out = Tmp() + "/env-report";
  std::vector<std::string> argv = {"tools/rollcage", "report", "--out", out};
  auto r = RunCommand(argv, {.env = {{"ROLLCAGE_RESULTS", results}}, .timeout_seconds = 60});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 0) << r->err;
  EXPECT_NE(r->out.find("8 run record(s) from " + results), std::string::npos) << r->out;
}

TEST(ReportCommand, CleanFixturePassesAndNumbersMatch) {
  std::string results = Tmp() + "/clean-results", out = Tmp() + "/clean-report";
  WriteFixture(results, {});
  auto r = Report({"--results", results, "--out", out, "--check"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("verdict: PASS"), std::string::npos) << r.out;
  auto j = Json(out);
  auto recs = report::FixtureRecords({});
  for (const auto& rec : recs) {
    if (rec.kind == "nightly") EXPECT_EQ(j["how_much"]["nightly"]["executions"].get<double>(), rec.executions);
    if (rec.kind == "hunt") EXPECT_EQ(j["how_much"]["hunt"]["scenarios"].get<double>(), rec.scenarios);
  }
  EXPECT_EQ(j["runs"].size(), recs.size());
  auto md = ReadFile(out + "/report.md");
  ASSERT_TRUE(md.ok());
  EXPECT_NE(md->find("## Verdict: **PASS**"), std::string::npos);
}

TEST(ReportCommand, FailingFixtureFailsWithCheckAndThresholdsApply) {
  std::string results = Tmp() + "/fail-results", out = Tmp() + "/fail-report";
  report::FixtureOptions o;
  o.surviving_mutant = true;
  o.hostile_text = true;  // markup, control bytes and invalid UTF-8 through the record files
  WriteFixture(results, o);
  // An unreadable record file is skipped and named, never fatal.
  ASSERT_TRUE(WriteFileAtomic(results + "/broken.json", "{\"format\": \"rollcage-run-1\"").ok());
  auto r = Report({"--results", results, "--out", out, "--check"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("verdict: FAIL"), std::string::npos);
  EXPECT_NE(r.out.find("mutant forget-dnskey-ttl survived"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(1 unreadable, skipped)"), std::string::npos) << r.out;
  EXPECT_EQ(Json(out)["skipped"].size(), 1u);
  auto parsed = RunCommand({"python3", "-c", "import sys, xml.dom.minidom as m; m.parse(sys.argv[1])",
                            out + "/report-junit.xml"});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->exit_code, 0) << parsed->err;
  auto html = ReadFile(out + "/report.html");
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(html->find("<b>bold</b>"), std::string::npos);
  EXPECT_NE(html->find("&lt;b&gt;bold&lt;/b&gt;"), std::string::npos);

  std::string clean = Tmp() + "/clean2-results";
  WriteFixture(clean, {});
  auto t = Report({"--results", clean, "--out", out, "--check", "--min-line-coverage", "95"});
  EXPECT_EQ(t.exit_code, 4) << t.out;
  EXPECT_NE(t.out.find("verdict: INCOMPLETE"), std::string::npos);
  EXPECT_NE(t.out.find("is below 95%"), std::string::npos) << t.out;
}

TEST(ReportCommand, BadFlagsAreUsageErrors) {
  EXPECT_EQ(Report({"--min-line-coverage", "abc"}).exit_code, 2);
  EXPECT_EQ(Report({"--min-branch-coverage", "101"}).exit_code, 2);
  EXPECT_EQ(Report({"--since", "yesterday"}).exit_code, 2);
  EXPECT_EQ(Report({"--no-such-flag"}).exit_code, 2);
}

TEST(ReportCommand, UnwritableOutputIsAnIoError) {
  std::string file = Tmp() + "/a-file";
  ASSERT_TRUE(WriteFileAtomic(file, "x").ok());
  auto r = Report({"--results", Tmp() + "/no-such-results", "--out", file + "/sub"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
}

}  // namespace
}  // namespace rollcage
