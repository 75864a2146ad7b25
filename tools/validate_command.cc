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
#include "tools/cli/command.h"

namespace rollcage::tools {
namespace {

int Run(const cli::Args& args) {
  const std::string cmd = "validate";
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
  c.usage = "ZONE... --origin NAME [--ds FILE | --trust-anchor FILE] [--time T] [--format text|json]";
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
  };
  c.min_positional = 1;
  c.max_positional = -1;
  c.run = Run;
  return c;
}

RC_REGISTER_COMMAND(Make);

}  // namespace
}  // namespace rollcage::tools
