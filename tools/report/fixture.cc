#include "tools/report/fixture.h"

#include <cmath>

namespace rollcage::report {

using harness::RecordedFinding;
using harness::RunRecord;
using harness::SeriesPoint;
using nlohmann::json;

namespace {

RunRecord Base(const std::string& kind, UnixTime started, double seconds, uint64_t seed, const std::string& command) {
  RunRecord r;
  r.kind = kind;
  r.command = command;
  r.started = started;
  r.finished = started + UnixTime(seconds);
  r.seed = seed;
  r.budget_s = seconds;
  r.policy = {{"algorithm", "13"}, {"zsk-lifetime", "30d"}, {"ksk-lifetime", "365d"}, {"denial", "nsec3 1 0 0 -"}};
  r.algorithms = {8, 13};
  r.hsms = 3;
  return r;
}

// A saturating progress curve: cumulative executions at a steady rate that dips as coverage grows.
std::vector<SeriesPoint> Curve(double seconds, double step, double rate, double cov_max, double cov_tau,
                               const std::vector<double>& finding_times = {}) {
  std::vector<SeriesPoint> out;
  double execs = 0;
  for (double t = step; t <= seconds + 1e-9; t += step) {
    double r = rate * (0.92 + 0.08 * std::cos(t / (seconds / 3)));
    execs += r * step;
    double found = 0;
    for (double ft : finding_times) found += ft <= t;
    out.push_back({t, std::round(execs), std::round(cov_max * (1 - std::exp(-t / cov_tau))), found,
                   std::round(r * 10) / 10});
  }
  return out;
}

json SeriesJson(const std::vector<SeriesPoint>& pts) {
  json a = json::array();
  for (const auto& p : pts) {
    a.push_back({{"elapsed_s", p.elapsed_s}, {"executions", p.executions}, {"coverage", p.coverage},
                 {"findings", p.findings}, {"exec_per_s", p.exec_per_s}});
  }
  return a;
}

struct FileCov {
  const char* file;
  int lines, lines_cov, branches, branches_cov, functions, functions_cov;
};

}  // namespace

std::vector<RunRecord> FixtureRecords(const FixtureOptions& o) {
  std::vector<RunRecord> out;
  const std::string hostile = "zone <b>bold</b> & \"quoted\" 'apos' \x01\x1f bad utf-8 \xff\xfe\xc3 end";
  const UnixTime t0 = o.base;

  if (o.coverage) {
    // The latest run's per-file figures; earlier runs scale them down (the suite grew over time).
    const FileCov files[] = {
        {"signer-under-test/zone_signer.cc", 412, 371, 236, 188, 31, 30},
        {"signer-under-test/rrset_signer.cc", 188, 176, 96, 81, 14, 14},
        {"signer-under-test/denial_chain.cc", 264, 231, 158, 117, 19, 18},
        {"signer-under-test/key_tag.cc", 24, 24, 10, 10, 2, 2},
        {"signer-under-test/nsec3_hash.cc", 38, 38, 14, 13, 3, 3},
        {"signer-under-test/openssl_key_store.cc", 301, 236, 142, 92, 25, 22},
        {"signer-under-test/pkcs11_key_store.cc", 522, 377, 288, 171, 41, 33},
        {"signer-under-test/kasp/key_manager.cc", 357, 322, 214, 173, 27, 26},
        {"signer-under-test/runtime/signer_runtime.cc", 468, 395, 250, 187, 36, 33},
        {"signer-under-test/runtime/key_pool.cc", 205, 140, 118, 66, 17, 14},
    };
    int n = std::max(1, o.coverage_runs);
    for (int k = 0; k < n; ++k) {
      double scale = 1.0 - 0.06 * (n - 1 - k);  // 0.88, 0.94, 1.0
      RunRecord r = Base("coverage", t0 - UnixTime(86400) * (n - 1 - k), 140, 0, "rollcage coverage");
      json fs = json::array();
      double tl = 0, tlc = 0, tb = 0, tbc = 0, tf = 0, tfc = 0;
      for (const auto& f : files) {
        double lc = std::floor(f.lines_cov * scale), bc = std::floor(f.branches_cov * scale),
               fc = std::floor(f.functions_cov * scale);
        fs.push_back({{"file", f.file}, {"lines", f.lines}, {"lines_covered", lc}, {"branches", f.branches},
                      {"branches_covered", bc}, {"functions", f.functions}, {"functions_covered", fc}});
        tl += f.lines, tlc += lc, tb += f.branches, tbc += bc, tf += f.functions, tfc += fc;
      }
      r.extra = {{"scope", "signer-under-test/"},
                 {"workload", {"//signer-under-test/...", "//harness:executor_test"}},
                 {"total", {{"lines", tl}, {"lines_covered", tlc}, {"branches", tb}, {"branches_covered", tbc},
                            {"functions", tf}, {"functions_covered", tfc}}},
                 {"files", fs}};
      r.summary = "coverage: lines " + std::to_string(int(100 * tlc / tl)) + "%";
      out.push_back(std::move(r));
    }
  }

  if (o.hunt) {
    RunRecord r = Base("hunt", t0 + 600, 300, 42, "rollcage hunt --budget 5m --seed 42");
    r.scenarios = 1840;
    r.events = 52311;
    r.executions = 1840;
    r.targets = {{"no-bogus-at-any-instant", 180, 1200, 1200.0 / 180, 0, 0, 0},
                 {"pool-consistency", 120, 640, 640.0 / 120, 0, 0, 0}};
    std::vector<double> ft;
    if (o.signer_finding) {
      ft = {212};
      std::string detail = "cache mix at 2026-05-12T04:00:00Z: RRSIG by ZSK 20508 expired while DS still points to it";
      if (o.hostile_text) detail += " " + hostile;
      r.findings.push_back({"temporal-bogus-mix", "error", "no-bogus-at-any-instant", detail,
                            "rollcage-results/hunt-42/shrunk-1.scn", "rollcage repro rollcage-results/hunt-42/shrunk-1.scn"});
      r.findings.push_back({"ttl-exceeds-signature-validity", "warning", "no-bogus-at-any-instant",
                            "TTL 86400 is longer than what remains of the signature validity", "", ""});
      r.verdict = "fail";
      r.summary = "hunt: 1 finding (temporal-bogus-mix), shrunk to 7 events";
    } else {
      r.summary = "hunt: 1,840 scenarios, no findings";
    }
    r.series = Curve(300, 15, 6.13, 0, 1, ft);
    out.push_back(std::move(r));
  }

  if (o.nightly) {
    RunRecord r = Base("nightly", t0 + 1200, 600, 7, "rollcage nightly --budget 10m");
    auto a = Curve(300, 20, 4115.2, 1873, 70);
    auto b = Curve(300, 20, 7818.9, 1022, 45);
    r.targets = {{"scenario_codec", 300, a.back().executions, a.back().executions / 300, a.back().coverage, 214, 0},
                 {"rr_roundtrip", 300, b.back().executions, b.back().executions / 300, b.back().coverage, 167, 0}};
    r.executions = a.back().executions + b.back().executions;
    r.extra = {{"series_by_target", {{"scenario_codec", SeriesJson(a)}, {"rr_roundtrip", SeriesJson(b)}}}};
    // The run's own series: both targets one after the other.
    r.series = a;
    for (auto p : b) {
      p.elapsed_s += 300;
      p.executions += a.back().executions;
      r.series.push_back(p);
    }
    r.summary = "nightly: 2 targets, " + std::to_string(int64_t(r.executions)) + " executions, 0 crashes";
    out.push_back(std::move(r));
  }

  if (o.rollover) {
    RunRecord r = Base("rollover", t0 + 2000, 180, 11, "rollcage rollover --hsms 0,1,3 --seed 11");
    r.scenarios = 24;
    r.events = 9120;
    r.executions = 24;
    r.targets = {{"zsk-prepublish", 50, 8, 0.16, 0, 0, 0},
                 {"ksk-double-ds", 70, 8, 0.114, 0, 0, 0},
                 {"algorithm-8-to-13", 60, 8, 0.133, 0, 0, 0}};
    r.series = Curve(180, 15, 0.133, 0, 1);
    r.extra = {{"rollovers", {"zsk-prepublish", "ksk-double-ds", "algorithm-8-to-13"}}, {"hsm_counts", {0, 1, 3}}};
    r.summary = "rollover: 24 scenarios, no findings";
    out.push_back(std::move(r));
  }

  if (o.mutants) {
    RunRecord r = Base("mutants", t0 + 3000, 240, 1, "rollcage mutants --seeds 5");
    struct M {
      const char* name;
      double median;
      int events;
      const char* cls;
    };
    const M ms[] = {{"per-hsm-keypair", 2.4, 6, "rrsig-unpublished-key-same-tag"},
                    {"expire-early", 0.8, 3, "rrsig-expired"},
                    {"ds-before-dnskey", 4.1, 5, "chain-broken-ds-without-dnskey"},
                    {"stale-rrsig-after-rollover", 11.7, 9, "temporal-bogus-mix"}};
    std::vector<double> ft;
    for (const auto& m : ms) {
      std::string repro = std::string("corpus/regressions/mutants/") + m.name + ".scn";
      r.mutants.push_back({m.name, true, m.median, 5, 5, m.events, m.cls, repro});
      r.findings.push_back({m.cls, "error", m.name, std::string("planted bug ") + m.name + " caught", repro,
                            "rollcage repro " + repro});
      ft.push_back(ft.size() * 50 + m.median);
    }
    if (o.surviving_mutant) {
      r.mutants.push_back({"forget-dnskey-ttl", false, -1, 5, 0, -1, "", ""});
    }
    r.scenarios = 310;
    r.events = 8870;
    r.series = Curve(240, 10, 1.3, 0, 1, ft);
    int killed = 0;
    for (const auto& m : r.mutants) killed += m.killed;
    r.summary = "mutants: " + std::to_string(killed) + "/" + std::to_string(r.mutants.size()) + " killed";
    r.verdict = killed == int(r.mutants.size()) ? "pass" : "fail";
    out.push_back(std::move(r));
  }

  if (o.demo) {
    RunRecord r = Base("demo", t0 + 3600, 30, 3, "rollcage demo");
    r.extra = {{"mutant", "per-hsm-keypair"}};
    r.scenarios = 12;
    r.events = 340;
    std::string detail = "3 distinct private keys signed as tag 33834; 1 published";
    if (o.hostile_text) detail += " " + hostile;
    r.findings.push_back({"rrsig-unpublished-key-same-tag", "error", "per-hsm-keypair", detail,
                          "rollcage-results/demo/shrunk.scn", "rollcage repro rollcage-results/demo/shrunk.scn"});
    r.verdict = "fail";
    r.summary = "demo: found the planted .DE bug in 12 scenarios, shrunk to 6 events";
    if (o.hostile_text) r.command += " --note '" + hostile + "'";
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace rollcage::report
