// report_fixture: writes realistic run records of every kind into a results directory, so
// `rollcage report` can be tried before the long commands have run.
//   bazel run //tools/report:report_fixture -- DIR [--fail] [--hostile] [--only KIND,KIND]
#include <cstdio>
#include <cstring>
#include <string>

#include "harness/run_record.h"
#include "tools/report/fixture.h"

int main(int argc, char** argv) {
  using namespace rollcage;
  if (argc < 2) {
    std::fprintf(stderr, "usage: report_fixture DIR [--fail] [--hostile] [--only KIND,KIND...]\n");
    return 2;
  }
  std::string dir = argv[1];
  report::FixtureOptions o;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--fail") {
      o.signer_finding = true;
      o.surviving_mutant = true;
    } else if (a == "--hostile") {
      o.hostile_text = true;
    } else if (a == "--only" && i + 1 < argc) {
      std::string only = std::string(",") + argv[++i] + ",";
      auto has = [&](const char* k) { return only.find(std::string(",") + k + ",") != std::string::npos; };
      o.hunt = has("hunt"), o.nightly = has("nightly"), o.mutants = has("mutants");
      o.rollover = has("rollover"), o.coverage = has("coverage"), o.demo = has("demo");
    } else {
      std::fprintf(stderr, "report_fixture: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  int n = 0;
  for (const auto& r : report::FixtureRecords(o)) {
    // WriteRunRecord names files by kind, start time and pid: distinct for each fixture record.
    auto s = harness::WriteRunRecord(r, dir);
    if (!s.ok()) {
      std::fprintf(stderr, "report_fixture: %s\n", s.message().c_str());
      return 3;
    }
    ++n;
  }
  std::printf("wrote %d run records into %s\n", n, dir.c_str());
  return 0;
}
