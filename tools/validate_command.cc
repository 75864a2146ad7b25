// `rollcage validate`: runs the independent oracle (oracle/zone_validator.h) on signed zone files
// (one, or several versions of one zone, judged in order with one verdict cache) and prints the
// findings as text or JSON. Exit codes: 0 valid (warnings allowed), 1 defects found,
// 2 bad input or usage (a malformed zone is named "file:line: what"), 3 I/O, 4 the zone uses an
// algorithm, digest or hash the oracle cannot check (and nothing else was wrong). With several zones
// the exit code is the worst: 1 if any had defects, else 4 if any was incomplete.
#include <chrono>
#include <cstdio>
#include <string>

#include "base/status.h"
#include "base/time.h"
#include "dns/fast_zone_reader.h"
#include "dns/name.h"
#include "dns/zone.h"
#include "oracle/report.h"
#include "oracle/verdict_cache.h"
#include "oracle/zone_validator.h"
#include "harness/oracle_judge.h"
#include "timeline/timeline.h"
#include "tools/cli/command.h"

#include <nlohmann/json.hpp>

namespace rollcage::tools {
namespace {

// --timeline DIR: the static oracle on every zone version (at its publication time, under the
// parent DS served then) and the temporal oracle on the whole timeline (docs/timeline.md).
int RunTimeline(const cli::Args& args) {
  const std::string cmd = "validate";
  std::string format = args.Get("format", "text");
  if (format != "text" && format != "json") {
    return cli::Fail(cmd, UsageError("--format must be text or json, got '" + format + "'"));
  }
  if (!args.positional().empty()) return cli::Fail(cmd, UsageError("give zone files or --timeline DIR, not both"));
  std::string dir = args.Get("timeline");
  auto tl = timeline::ReadTimeline(dir);
  if (!tl.ok()) return cli::Fail(cmd, tl.status());
  if (args.Has("origin")) {
    auto o = dns::Name::FromText(args.Get("origin"));
    if (!o.ok() || !(*o == tl->origin)) {
      return cli::Fail(cmd, UsageError("--origin differs from the timeline's origin " + tl->origin.ToText()));
    }
  }
  harness::OracleJudge judge;
  std::vector<harness::Finding> all;
  nlohmann::json versions = nlohmann::json::array();
  size_t bad_versions = 0;
  for (size_t i = 0; i < tl->zones.size(); ++i) {
    const auto& z = tl->zones[i];
    std::vector<dns::RR> ds;
    for (const auto& d : tl->parent_ds) {
      if (d.published <= z.published) ds = d.ds;
    }
    auto fs = judge.CheckZone(z.zone, ds, z.published);
    if (!fs.ok()) return cli::Fail(cmd, fs.status());
    size_t errors = 0, warnings = 0;
    nlohmann::json jf = nlohmann::json::array();
    for (auto& f : *fs) {
      f.zone_version = int(i + 1);
      (f.severity == "error" ? errors : warnings)++;
      jf.push_back({{"class", f.cls}, {"severity", f.severity}, {"owner", f.owner}, {"type", f.type}, {"detail", f.detail}});
      all.push_back(f);
    }
    if (errors) ++bad_versions;
    versions.push_back({{"version", i + 1}, {"file", z.file}, {"published", FormatTimeIso(z.published)},
                        {"errors", errors}, {"warnings", warnings}, {"findings", jf}});
  }
  auto temporal = judge.CheckTimeline(*tl);
  if (!temporal.ok()) return cli::Fail(cmd, temporal.status());
  nlohmann::json jt = nlohmann::json::array();
  size_t temporal_errors = 0;
  for (const auto& f : *temporal) {
    temporal_errors += f.severity == "error";
    jt.push_back({{"class", f.cls}, {"severity", f.severity}, {"instant", FormatTimeIso(f.at)}, {"owner", f.owner},
                  {"type", f.type}, {"zone_version", f.zone_version}, {"detail", f.detail}});
    all.push_back(f);
  }
  bool defects = bad_versions > 0 || temporal_errors > 0;
  if (format == "json") {
    nlohmann::json j{{"timeline", dir},
                     {"origin", tl->origin.ToText()},
                     {"zone_versions", tl->zones.size()},
                     {"ds_versions", tl->parent_ds.size()},
                     {"versions", versions},
                     {"temporal", jt},
                     {"verdict", defects ? "defects" : "valid"}};
    std::printf("%s\n", j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    for (const auto& f : all) std::printf("%s\n", harness::FormatFinding(f).c_str());
    std::printf("timeline %s: %zu zone versions (%zu with errors), %zu parent DS versions; temporal oracle: %zu "
                "finding(s): %s\n", dir.c_str(), tl->zones.size(), bad_versions, tl->parent_ds.size(),
                temporal->size(), defects ? "DEFECTS" : "VALID");
  }
  return defects ? kExitFindings : kExitOk;
}

int Run(const cli::Args& args) {
  const std::string cmd = "validate";
  if (args.Has("timeline")) return RunTimeline(args);
  if (args.positional().empty()) return cli::Fail(cmd, UsageError("missing ZONE (or --timeline DIR)"));
  if (!args.Has("origin")) return cli::Fail(cmd, UsageError("--origin NAME is required"));
  auto origin = dns::Name::FromText(args.Get("origin"));
  if (!origin.ok()) return cli::Fail(cmd, UsageError("--origin: " + origin.status().message()));
  if (args.Has("ds") && args.Has("trust-anchor")) {
    return cli::Fail(cmd, UsageError("give --ds or --trust-anchor, not both"));
  }
  std::string format = args.Get("format", "text");
  if (format != "text" && format != "json") {
    return cli::Fail(cmd, UsageError("--format must be text or json, got '" + format + "'"));
  }
  auto threads = args.GetInt("threads", 0);
  if (!threads.ok()) return cli::Fail(cmd, threads.status());
  if (*threads < 0 || *threads > 256) return cli::Fail(cmd, UsageError("--threads must be 0..256"));
  auto max_findings = args.GetInt("max-findings", format == "text" ? 20 : -1);
  if (!max_findings.ok()) return cli::Fail(cmd, max_findings.status());

  oracle::ValidateOptions options;
  options.origin = *origin;
  options.threads = int(*threads);
  if (args.Has("time")) {
    auto t = ParseTime(args.Get("time"));
    if (!t.ok()) return cli::Fail(cmd, UsageError("--time: " + t.status().message()));
    options.now = *t;
  } else {
    options.now = RealClock::Now();
  }
  if (args.Has("ds")) {
    options.trust_source = "ds";
    Status s = oracle::LoadTrustFile(args.Get("ds"), *origin, &options);
    if (!s.ok()) return cli::Fail(cmd, s.WithContext("--ds"));
  } else if (args.Has("trust-anchor")) {
    options.trust_source = "trust-anchor";
    Status s = oracle::LoadTrustFile(args.Get("trust-anchor"), *origin, &options);
    if (!s.ok()) return cli::Fail(cmd, s.WithContext("--trust-anchor"));
  }

  oracle::VerdictCache cache;
  if (args.Has("cache")) {
    Status s = cache.Load(args.Get("cache"));
    if (!s.ok()) return cli::Fail(cmd, s.WithContext("--cache"));
  }

  // Each zone in order; one verdict cache for all, so later versions reuse earlier verdicts.
  options.cache = &cache;
  oracle::FormatOptions fo;
  fo.max_per_class = *max_findings;
  fo.timing = args.Has("timing");
  int worst = kExitOk;
  std::string json_list;
  const auto& zones = args.positional();
  for (size_t i = 0; i < zones.size(); ++i) {
    auto t0 = std::chrono::steady_clock::now();
    dns::LoadOptions lo;
    lo.origin = *origin;
    auto zone = dns::LoadZoneFast(zones[i], lo);
    if (!zone.ok()) return cli::Fail(cmd, zone.status());
    double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    oracle::Report report = oracle::Validate(*zone, options);
    int code = oracle::ExitCodeFor(report);
    if (code == kExitFindings || (code == kExitEnvironment && worst == kExitOk)) worst = code;
    if (format == "json") {
      std::string j = oracle::FormatJson(report, fo);
      if (zones.size() == 1) {
        std::fputs(j.c_str(), stdout);
      } else {
        while (!j.empty() && j.back() == '\n') j.pop_back();
        json_list += (i ? ",\n" : "[\n") + j;
      }
    } else {
      if (zones.size() > 1) std::printf("== %s\n", zones[i].c_str());
      std::fputs(oracle::FormatText(report, fo).c_str(), stdout);
      if (fo.timing) std::printf("timing: load %.3f s\n", load_s);
    }
  }
  if (!json_list.empty()) std::printf("%s\n]\n", json_list.c_str());
  if (args.Has("cache")) {
    Status s = cache.Save(args.Get("cache"));
    if (!s.ok()) return cli::Fail(cmd, s.WithContext("--cache"));
  }
  std::fflush(stdout);
  return worst;
}

cli::Command Make() {
  cli::Command c;
  c.name = "validate";
  c.summary = "judge a signed zone with the independent oracle (findings as text or JSON)";
  c.usage = "ZONE... --origin NAME [--ds FILE | --trust-anchor FILE] [--time T] [--format text|json]\n"
            "       rollcage validate --timeline DIR [--format text|json]";
  c.details =
      "Checks every signature (OpenSSL EVP, every published key with the RRSIG's tag tried), algorithm\n"
      "coverage, TTLs, labels, delegations and glue, the chain of trust, the NSEC/NSEC3 chain, the .DE\n"
      "class (signatures under a published tag made by an unpublished key) and the resolver view of every\n"
      "referral. Finding classes and the JSON schema: docs/findings.md.\n"
      "Without --ds or --trust-anchor the apex DNSKEY RRset is taken as given (the report says so).\n"
      "Several ZONE files (versions of one zone) are judged in order with one verdict cache, so each\n"
      "version re-verifies only the signatures that changed; JSON is then an array of reports.\n"
      "Exit codes: 0 valid (warnings allowed), 1 defects, 2 bad input or usage, 3 I/O error,\n"
      "4 incomplete (an algorithm, digest or NSEC3 hash the oracle cannot check; nothing else wrong).";
  c.flags = {
      {"origin", "NAME", "the zone apex (required)"},
      {"ds", "FILE", "the parent's DS RRs for this zone (zone-file syntax)"},
      {"trust-anchor", "FILE", "trust anchor DS or DNSKEY RRs (zone-file syntax)"},
      {"time", "T", "validation time: YYYYMMDDHHmmSS, ISO 8601 or Unix seconds (default: now)"},
      {"format", "FMT", "text (default) or json (on stdout)"},
      {"threads", "N", "verification threads for large zones (default 0: all cores)"},
      {"cache", "FILE", "verdict cache file: load before, save after (reuse across runs)"},
      {"max-findings", "N", "findings printed per class (default 20 for text, all for json; -1: all)"},
      {"timing", "", "print phase timings"},
      {"timeline", "DIR", "judge a timeline (docs/timeline.md): every version, then every cache mix over time"},
  };
  c.min_positional = 0;
  c.max_positional = -1;
  c.run = Run;
  return c;
}

RC_REGISTER_COMMAND(Make);

}  // namespace
}  // namespace rollcage::tools
