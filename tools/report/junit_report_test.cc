// The JUnit XML read back by real XML parsers: python3's xml.dom.minidom (always; python3 is in
// ./rollcage's PACKAGES) and xmllint (libxml2-utils) when installed.
#include "tools/report/junit_report.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "base/file.h"
#include "base/subprocess.h"
#include "tools/report/fixture.h"

namespace rollcage::report {
namespace {

// Prints, as JSON, what a DOM parser sees: the root's counts and every suite with its cases.
const char kParse[] = R"PY(
import json, sys, xml.dom.minidom as minidom
doc = minidom.parse(sys.argv[1])
root = doc.documentElement
out = {"root": root.tagName, "tests": int(root.getAttribute("tests")), "failures": int(root.getAttribute("failures")),
       "skipped": int(root.getAttribute("skipped")), "suites": []}
for s in root.getElementsByTagName("testsuite"):
    cases = []
    for c in s.getElementsByTagName("testcase"):
        f = c.getElementsByTagName("failure")
        k = c.getElementsByTagName("skipped")
        cases.append({"name": c.getAttribute("name"), "classname": c.getAttribute("classname"),
                      "failure": f[0].getAttribute("message") if f else None,
                      "failure_text": "".join(n.data for n in f[0].childNodes) if f else "",
                      "skipped": k[0].getAttribute("message") if k else None})
    props = {p.getAttribute("name"): p.getAttribute("value") for p in s.getElementsByTagName("property")}
    out["suites"].append({"name": s.getAttribute("name"), "tests": int(s.getAttribute("tests")),
                          "failures": int(s.getAttribute("failures")), "skipped": int(s.getAttribute("skipped")),
                          "timestamp": s.getAttribute("timestamp"), "properties": props, "cases": cases})
print(json.dumps(out))
)PY";

std::string TmpDir() {
  const char* t = std::getenv("TEST_TMPDIR");
  return t ? t : "/tmp";
}

nlohmann::json ParseWithPython(const std::string& xml, const std::string& name) {
  std::string path = TmpDir() + "/" + name + ".xml";
  EXPECT_TRUE(WriteFileAtomic(path, xml).ok());
  auto res = RunCommand({"python3", "-c", kParse, path}, {.timeout_seconds = 60});
  if (!res.ok()) {
    ADD_FAILURE() << "python3 did not start: " << res.status().message();
    return nullptr;
  }
  EXPECT_EQ(res->exit_code, 0) << res->err;
  return nlohmann::json::parse(res->out, nullptr, false);
}

// Checks the parsed document against the suites the writer meant to write.
void ExpectSameAsModel(const nlohmann::json& doc, const std::vector<JunitSuite>& suites) {
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["root"], "testsuites");
  ASSERT_EQ(doc["suites"].size(), suites.size());
  int tests = 0, failures = 0, skipped = 0;
  for (size_t i = 0; i < suites.size(); ++i) {
    const auto& d = doc["suites"][i];
    const auto& s = suites[i];
    EXPECT_EQ(d["name"], s.name);
    EXPECT_EQ(d["tests"].get<int>(), int(d["cases"].size())) << s.name;
    EXPECT_EQ(d["tests"].get<int>(), int(s.cases.size())) << s.name;
    int f = 0, k = 0;
    for (const auto& c : d["cases"]) f += !c["failure"].is_null(), k += !c["skipped"].is_null();
    EXPECT_EQ(d["failures"].get<int>(), f) << s.name;
    EXPECT_EQ(d["skipped"].get<int>(), k) << s.name;
    EXPECT_EQ(f, s.failures()) << s.name;
    tests += int(s.cases.size()), failures += f, skipped += k;
  }
  EXPECT_EQ(doc["tests"].get<int>(), tests);
  EXPECT_EQ(doc["failures"].get<int>(), failures);
  EXPECT_EQ(doc["skipped"].get<int>(), skipped);
}

const nlohmann::json* Suite(const nlohmann::json& doc, const std::string& name) {
  for (const auto& s : doc["suites"]) {
    if (s["name"] == name) return &s;
  }
  return nullptr;
}

ReportOptions Options() {
  ReportOptions o;
  o.results_dir = "rollcage-results";
  o.now = 1778100000;
  return o;
}

TEST(JunitReport, CleanRunsParseWithOneSuitePerKindAndNoFailures) {
  Report r = BuildReport(FixtureRecords({}), {}, Options());
  auto doc = ParseWithPython(RenderJunit(r), "clean");
  ExpectSameAsModel(doc, JunitSuites(r));
  EXPECT_EQ(doc["failures"], 0);
  for (const std::string k : {"verdict", "hunt", "nightly", "mutants", "rollover", "coverage", "demo"}) {
    EXPECT_NE(Suite(doc, k), nullptr) << k;
  }
  // One testcase per mutant, per fuzz target, per property, per rollover kind.
  EXPECT_EQ((*Suite(doc, "mutants"))["tests"], 4);
  EXPECT_EQ((*Suite(doc, "nightly"))["tests"], 2);
  EXPECT_EQ((*Suite(doc, "nightly"))["cases"][0]["name"], "scenario_codec");
  EXPECT_EQ((*Suite(doc, "hunt"))["tests"], 2);
  EXPECT_EQ((*Suite(doc, "rollover"))["tests"], 3);
  EXPECT_EQ((*Suite(doc, "coverage"))["tests"], 2);
  EXPECT_EQ((*Suite(doc, "hunt"))["properties"]["seed"], "42");
  EXPECT_EQ((*Suite(doc, "hunt"))["timestamp"], "2026-05-05T17:03:20");
}

TEST(JunitReport, FindingsAndSurvivorsAreFailuresWithReproCommands) {
  FixtureOptions f;
  f.signer_finding = true;
  f.surviving_mutant = true;
  f.hostile_text = true;  // markup, quotes, control bytes and invalid UTF-8 in the details
  Report r = BuildReport(FixtureRecords(f), {}, Options());
  std::string xml = RenderJunit(r);
  auto doc = ParseWithPython(xml, "failing");
  ExpectSameAsModel(doc, JunitSuites(r));
  const auto* hunt = Suite(doc, "hunt");
  ASSERT_NE(hunt, nullptr);
  bool found = false;
  for (const auto& c : (*hunt)["cases"]) {
    if (c["name"] == "no-bogus-at-any-instant") {
      found = true;
      EXPECT_EQ(c["failure"], "1 finding(s): temporal-bogus-mix");
      std::string text = c["failure_text"];
      EXPECT_NE(text.find("repro: rollcage repro rollcage-results/hunt-42/shrunk-1.scn"), std::string::npos);
      // The hostile text arrives as text, intact where it was valid.
      EXPECT_NE(text.find("<b>bold</b> & \"quoted\" 'apos'"), std::string::npos);
      EXPECT_NE(text.find("\\x01\\x1F"), std::string::npos);
    }
  }
  EXPECT_TRUE(found);
  const auto* mutants = Suite(doc, "mutants");
  ASSERT_NE(mutants, nullptr);
  EXPECT_EQ((*mutants)["failures"], 1);
  EXPECT_EQ((*Suite(doc, "verdict"))["failures"], 1);

  if (ProgramInPath("xmllint")) {
    std::string path = TmpDir() + "/failing.xml";
    auto res = RunCommand({"xmllint", "--noout", path});
    ASSERT_TRUE(res.ok());
    EXPECT_EQ(res->exit_code, 0) << res->err;
  } else {
    std::printf("xmllint not installed (libxml2-utils): checked with python3's minidom only\n");
  }
}

TEST(JunitReport, NoRunsStillParsesAndSkipsEveryRequiredKind) {
  Report r = BuildReport({}, {}, Options());
  auto doc = ParseWithPython(RenderJunit(r), "empty");
  ExpectSameAsModel(doc, JunitSuites(r));
  EXPECT_EQ(doc["failures"], 0);
  EXPECT_EQ(doc["skipped"], 6);  // the verdict and the five required kinds
  EXPECT_NE((*Suite(doc, "verdict"))["cases"][0]["skipped"].get<std::string>().find("NO EVIDENCE"), std::string::npos);
}

}  // namespace
}  // namespace rollcage::report
