#include "oracle/report.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/status.h"
#include "dns/rr.h"
#include "oracle/crypto.h"

namespace rollcage::oracle {
namespace {

std::string Percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", share * 100);
  return buf;
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", s);
  return buf;
}

std::string TypeName(uint16_t t) { return t == 0 ? "-" : dns::TypeToText(t); }

}  // namespace

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kValid: return "valid";
    case Verdict::kDefects: return "defects";
    case Verdict::kIncomplete: return "incomplete";
  }
  return "unknown";
}

size_t Report::errors() const {
  size_t n = 0;
  for (const auto& f : findings) n += f.severity() == Severity::kError;
  return n;
}

size_t Report::warnings() const { return findings.size() - errors(); }

Verdict Report::verdict() const {
  if (errors() > 0) return Verdict::kDefects;
  if (!not_checked.empty()) return Verdict::kIncomplete;
  return Verdict::kValid;
}

std::map<FindingClass, size_t> Report::CountByClass() const {
  std::map<FindingClass, size_t> m;
  for (const auto& f : findings) ++m[f.cls];
  return m;
}

bool Report::Has(FindingClass c) const {
  for (const auto& f : findings) {
    if (f.cls == c) return true;
  }
  return false;
}

int ExitCodeFor(const Report& r) {
  switch (r.verdict()) {
    case Verdict::kValid: return kExitOk;
    case Verdict::kDefects: return kExitFindings;
    case Verdict::kIncomplete: return kExitEnvironment;
  }
  return kExitInternal;
}

std::string FormatText(const Report& r, const FormatOptions& o) {
  std::string out;
  auto line = [&](const std::string& s) {
    out += s;
    out.push_back('\n');
  };
  Verdict v = r.verdict();
  std::string head = "zone " + r.zone.ToText() + " at " + FormatTimeIso(r.time) + ": ";
  head += v == Verdict::kValid ? "VALID" : v == Verdict::kDefects ? "DEFECTS" : "INCOMPLETE";
  head += " (" + std::to_string(r.errors()) + " errors, " + std::to_string(r.warnings()) + " warnings";
  if (!r.not_checked.empty()) head += ", " + std::to_string(r.not_checked.size()) + " not checked";
  line(head + ")");
  line("trust: " + r.trust.source + ": " + SecurityName(r.trust.security) +
       (r.trust.detail.empty() ? "" : " (" + r.trust.detail + ")"));
  line("denial: " + r.denial + (r.nsec3_opt_out ? " (opt-out)" : ""));

  std::map<FindingClass, long> printed;
  std::map<FindingClass, size_t> counts = r.CountByClass();
  for (const auto& f : r.findings) {
    long& p = printed[f.cls];
    if (o.max_per_class >= 0 && p >= o.max_per_class) continue;
    ++p;
    const FindingClassInfo& info = Info(f.cls);
    std::string s = std::string(SeverityName(info.severity)) + " " + info.id + " " + f.owner.ToText() + " " +
                    TypeName(f.type) + ": " + f.detail + " [" + info.rfc + "]";
    line(s);
  }
  for (const auto& [cls, n] : counts) {
    long p = printed[cls];
    if (size_t(p) < n) line("  ... and " + std::to_string(n - p) + " more " + FindingClassId(cls));
  }
  for (const auto& nc : r.not_checked) {
    line(std::string("not-checked ") + NotCheckedKindId(nc.kind) + " " + nc.owner.ToText() + " " +
         TypeName(nc.type) + ": " + nc.detail +
         (nc.count > 1 ? " (" + std::to_string(nc.count) + " items)" : ""));
  }
  line("summary: " + std::to_string(r.records) + " records, " + std::to_string(r.rrsets) + " RRsets, " +
       std::to_string(r.names) + " names; " + std::to_string(r.rrsigs_total) + " RRSIGs: " +
       std::to_string(r.rrsigs_valid) + " valid, " + std::to_string(r.rrsigs_invalid) + " invalid, " +
       std::to_string(r.rrsigs_no_key) + " without a published key, " + std::to_string(r.rrsigs_not_checked) +
       " not checked, " + std::to_string(r.rrsigs_not_verified) + " on non-authoritative data or orphaned; " +
       std::to_string(r.crypto_ops) + " verifications computed, " + std::to_string(r.cache_hits) + " cached");
  if (!counts.empty()) {
    std::string s = "classes:";
    for (const auto& [cls, n] : counts) s += " " + std::string(FindingClassId(cls)) + " " + std::to_string(n) + ",";
    s.pop_back();
    line(s);
  }
  for (const auto& [tag, n] : r.published_tag_collisions) {
    line("note: " + std::to_string(n) + " published keys share key tag " + std::to_string(tag) +
         " (a genuine collision; every one is tried)");
  }
  if (r.de.rrsigs > 0) {
    line(".DE diagnosis: " + std::to_string(r.de.rrsigs) + " of " + std::to_string(r.rrsigs_total) + " RRSIGs (" +
         Percent(r.de.share) + ") carry a published key's tag and algorithm but verify under none; " +
         std::to_string(r.de.unpublished_keys) + " distinct unpublished keys recovered");
    for (const auto& g : r.de.groups) {
      std::string s = "  tag " + std::to_string(g.key_tag) + " " + AlgorithmName(g.algorithm) + ": " +
                      std::to_string(g.signatures) + " signatures, " + std::to_string(g.published_keys) +
                      " published key(s) with this tag";
      if (!g.recovered.empty()) {
        s += ", " + std::to_string(g.recovered.size()) + " distinct unpublished key(s) made them (";
        for (size_t i = 0; i < g.recovered.size(); ++i) {
          if (i) s += " + ";
          s += std::to_string(g.recovered[i].signatures);
        }
        s += " signatures)";
      }
      if (g.unattributed) s += ", " + std::to_string(g.unattributed) + " not attributable to any key";
      line(s);
    }
  }
  const ResolverView& rv = r.resolver;
  line("resolver view: " + std::to_string(rv.delegations) + " delegations: " + std::to_string(rv.secure) +
       " secure, " + std::to_string(rv.insecure) + " insecure, " + std::to_string(rv.bogus) + " bogus (" +
       std::to_string(rv.bogus_with_ds) + " with DS, " + std::to_string(rv.bogus_unsigned) +
       " unsigned children bogus only because the parent's proof is bad)" +
       (rv.unchecked ? ", " + std::to_string(rv.unchecked) + " not checked" : ""));
  if (o.timing) {
    line("timing: index " + Seconds(r.timing.index_s) + ", signatures " + Seconds(r.timing.signatures_s) +
         ", denial " + Seconds(r.timing.denial_s) + ", resolver view " + Seconds(r.timing.resolver_s) +
         ", total " + Seconds(r.timing.total_s) + " (" + std::to_string(r.timing.threads) + " threads)");
  }
  return out;
}

std::string FormatJson(const Report& r, const FormatOptions& o) {
  using J = nlohmann::ordered_json;
  J j;
  j["schema"] = "rollcage-validate/1";
  j["zone"] = r.zone.ToText();
  j["time"] = FormatTimeIso(r.time);
  j["time_unix"] = r.time;
  j["verdict"] = VerdictName(r.verdict());
  j["exit_code"] = ExitCodeFor(r);
  J trust;
  trust["source"] = r.trust.source;
  trust["security"] = SecurityName(r.trust.security);
  trust["detail"] = r.trust.detail;
  trust["trusted_key_tags"] = r.trust.trusted_key_tags;
  j["trust"] = trust;
  j["denial"] = r.denial;
  j["nsec3_opt_out"] = r.nsec3_opt_out;

  J findings = J::array();
  std::map<FindingClass, long> printed;
  for (const auto& f : r.findings) {
    long& p = printed[f.cls];
    if (o.max_per_class >= 0 && p >= o.max_per_class) continue;
    ++p;
    const FindingClassInfo& info = Info(f.cls);
    J e;
    e["class"] = info.id;
    e["severity"] = SeverityName(info.severity);
    e["owner"] = f.owner.ToText();
    e["type"] = f.type == 0 ? J(nullptr) : J(dns::TypeToText(f.type));
    e["detail"] = f.detail;
    e["rfc"] = info.rfc;
    if (f.key_tag >= 0) e["key_tag"] = f.key_tag;
    if (f.algorithm >= 0) e["algorithm"] = f.algorithm;
    findings.push_back(std::move(e));
  }
  j["findings"] = std::move(findings);
  J nc = J::array();
  for (const auto& n : r.not_checked) {
    J e;
    e["kind"] = NotCheckedKindId(n.kind);
    e["owner"] = n.owner.ToText();
    e["type"] = n.type == 0 ? J(nullptr) : J(dns::TypeToText(n.type));
    e["detail"] = n.detail;
    e["count"] = n.count;
    nc.push_back(std::move(e));
  }
  j["not_checked"] = std::move(nc);

  J summary;
  summary["errors"] = r.errors();
  summary["warnings"] = r.warnings();
  J by_class = J::object();
  for (const auto& [cls, n] : r.CountByClass()) by_class[FindingClassId(cls)] = n;
  summary["by_class"] = std::move(by_class);
  summary["records"] = r.records;
  summary["rrsets"] = r.rrsets;
  summary["names"] = r.names;
  J sigs;
  sigs["total"] = r.rrsigs_total;
  sigs["valid"] = r.rrsigs_valid;
  sigs["invalid"] = r.rrsigs_invalid;
  sigs["no_key"] = r.rrsigs_no_key;
  sigs["not_checked"] = r.rrsigs_not_checked;
  sigs["not_verified"] = r.rrsigs_not_verified;
  sigs["verifications_computed"] = r.crypto_ops;
  sigs["cache_hits"] = r.cache_hits;
  summary["rrsigs"] = std::move(sigs);
  J coll = J::array();
  for (const auto& [tag, n] : r.published_tag_collisions) coll.push_back({{"key_tag", tag}, {"keys", n}});
  summary["published_tag_collisions"] = std::move(coll);
  j["summary"] = std::move(summary);

  J de;
  de["rrsigs"] = r.de.rrsigs;
  de["share"] = r.de.share;
  de["unpublished_keys"] = r.de.unpublished_keys;
  J groups = J::array();
  for (const auto& g : r.de.groups) {
    J e;
    e["key_tag"] = g.key_tag;
    e["algorithm"] = g.algorithm;
    e["signatures"] = g.signatures;
    e["published_keys"] = g.published_keys;
    J rec = J::array();
    for (const auto& k : g.recovered) {
      rec.push_back({{"public_key", Base64Encode(k.public_key)}, {"signatures", k.signatures}});
    }
    e["recovered_keys"] = std::move(rec);
    e["unattributed"] = g.unattributed;
    groups.push_back(std::move(e));
  }
  de["groups"] = std::move(groups);
  j["de_diagnosis"] = std::move(de);

  J rv;
  rv["delegations"] = r.resolver.delegations;
  rv["secure"] = r.resolver.secure;
  rv["insecure"] = r.resolver.insecure;
  rv["bogus"] = r.resolver.bogus;
  rv["bogus_with_ds"] = r.resolver.bogus_with_ds;
  rv["bogus_unsigned"] = r.resolver.bogus_unsigned;
  rv["unchecked"] = r.resolver.unchecked;
  J bl = J::array();
  for (const auto& d : r.resolver.bogus_list) {
    bl.push_back({{"name", d.name.ToText()}, {"has_ds", d.has_ds}, {"reason", d.reason}});
  }
  rv["bogus_delegations"] = std::move(bl);
  j["resolver_view"] = std::move(rv);
  if (o.timing) {
    j["timing"] = {{"index_s", r.timing.index_s},           {"signatures_s", r.timing.signatures_s},
                   {"denial_s", r.timing.denial_s},         {"resolver_s", r.timing.resolver_s},
                   {"total_s", r.timing.total_s},           {"threads", r.timing.threads}};
  }
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace rollcage::oracle
