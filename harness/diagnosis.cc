#include "harness/diagnosis.h"

#include <map>
#include <set>

#include "base/encoding.h"
#include "dns/rdata.h"
#include "oracle/rrset_verifier.h"
#include "oracle/zone_validator.h"

namespace rollcage::harness {

std::string SummarizeFindings(const std::vector<Finding>& findings) {
  struct Agg {
    int n = 0;
    const Finding* first = nullptr;
  };
  std::map<std::string, Agg> by;
  for (const auto& f : findings) {
    auto& a = by[f.cls + " (" + f.source + ", " + f.severity + ")"];
    if (!a.first) a.first = &f;
    ++a.n;
  }
  std::string out;
  for (const auto& [k, a] : by) {
    out += "  " + k + ": " + std::to_string(a.n) + ", first at " + FormatTimeIso(a.first->at) +
           (a.first->zone_version ? " (zone v" + std::to_string(a.first->zone_version) + ")" : "") + ": " +
           a.first->owner + (a.first->type.empty() ? "" : " " + a.first->type) + ": " + a.first->detail + "\n";
  }
  return out;
}

Diagnosis Diagnose(const RunResult& r) {
  Diagnosis d;
  const auto& tl = r.timeline;
  if (tl.zones.empty()) {
    d.text = "no zone was published\n";
    return d;
  }
  // The last version with a static error (the fullest picture of the damage), else the version
  // where the first finding happened, else the last.
  int pick = 0;
  for (const auto& f : r.findings) {
    if (f.source == "static" && f.severity == "error" && f.zone_version > pick) pick = f.zone_version;
  }
  if (!pick) {
    for (const auto& f : r.findings) {
      if (f.zone_version > 0) {
        pick = f.zone_version;
        break;
      }
    }
  }
  if (!pick) pick = int(tl.zones.size());
  const auto& zv = tl.zones[size_t(pick - 1)];
  d.version = pick;
  d.at = zv.published;
  oracle::ValidateOptions o;
  o.origin = tl.origin;
  o.now = zv.published;
  o.threads = 1;
  const timeline::DsVersion* ds = nullptr;
  for (const auto& v : tl.parent_ds) {
    if (v.published <= zv.published) ds = &v;
  }
  if (ds && !ds->ds.empty()) {
    for (const auto& rr : ds->ds) o.ds_rdatas.push_back(rr.rdata);
    o.trust_source = "ds";
  }
  d.report = oracle::Validate(zv.zone, o);
  const oracle::Report& rep = d.report;

  std::string t;
  t += "zone v" + std::to_string(pick) + " published " + FormatTimeIso(zv.published) + ": " +
       std::to_string(rep.rrsigs_total) + " RRSIGs, " + std::to_string(rep.rrsigs_valid) + " valid\n";
  if (rep.de.rrsigs > 0) {
    char share[32];
    std::snprintf(share, sizeof share, "%.1f%%", rep.de.share * 100);
    t += "  " + std::to_string(rep.de.rrsigs) + " of " + std::to_string(rep.rrsigs_total) + " RRSIGs (" + share +
         ") carry a published key's tag yet verify under no published key\n";
    for (const auto& g : rep.de.groups) {
      t += "  key tag " + std::to_string(g.key_tag) + " (algorithm " + std::to_string(g.algorithm) + "): " +
           std::to_string(g.signatures) + " such signatures; " + std::to_string(g.published_keys) +
           " published key(s) carry the tag; " + std::to_string(g.recovered.size()) +
           " distinct unpublished key(s) made them";
      if (!g.recovered.empty()) {
        t += " (";
        for (size_t i = 0; i < g.recovered.size(); ++i) {
          t += (i ? ", " : "") + HexEncode(g.recovered[i].public_key.substr(0, 6)) + "...: " +
               std::to_string(g.recovered[i].signatures) + " signatures";
        }
        t += ")";
      }
      t += "\n";
    }
    t += "  in all: " + std::to_string(rep.de.unpublished_keys + rep.de.groups.size()) +
         " distinct private keys signed under these tags, " + std::to_string(rep.de.groups.size()) +
         " of them published\n";
  }
  // Which HSMs hold which key.
  if (!r.hsm_keys.empty()) {
    std::set<std::string> published;
    for (const auto& rr : zv.zone.records()) {
      if (rr.type == dns::rrtype::kDNSKEY) {
        if (auto k = dns::DnskeyData::Parse(rr.rdata); k.ok()) published.insert(k->public_key);
      }
    }
    std::map<std::string, std::map<std::string, std::vector<int>>> by_label;  // label -> pubkey -> hsms
    std::map<std::string, const HsmKey*> any;
    for (const auto& k : r.hsm_keys) {
      by_label[k.label][k.public_key].push_back(k.hsm);
      any[k.public_key] = &k;
    }
    t += "HSMs and keys:\n";
    for (const auto& [label, pubs] : by_label) {
      for (const auto& [pub, hsms] : pubs) {
        const HsmKey* k = any[pub];
        std::string rdata;
        rdata.push_back(char(label.find("zsk") != std::string::npos ? 1 : 1));
        rdata.push_back(char(label.find("zsk") != std::string::npos ? 0 : 1));
        rdata.push_back(3);
        rdata.push_back(char(k->algorithm));
        rdata += pub;
        std::string where;
        for (int h : hsms) where += (where.empty() ? "HSM " : ", HSM ") + std::to_string(h);
        t += "  '" + label + "': key " + HexEncode(pub.substr(0, 6)) + "... (tag " +
             std::to_string(oracle::RrsetVerifier::KeyTag(rdata)) + ") on " + where +
             (published.count(pub) ? " — published" : " — NOT published") + "\n";
      }
      if (pubs.size() > 1) {
        t += "    -> one key identity, " + std::to_string(pubs.size()) + " different key pairs across the HSMs\n";
      }
    }
  }
  const auto& rv = rep.resolver;
  t += "resolver view: " + std::to_string(rv.delegations) + " delegations: " + std::to_string(rv.bogus) +
       " bogus (" + std::to_string(rv.bogus_with_ds) + " signed children, " + std::to_string(rv.bogus_unsigned) +
       " unsigned children bogus only because the parent's proof is bad), " + std::to_string(rv.secure) +
       " secure, " + std::to_string(rv.insecure) + " insecure\n";
  d.text = t;
  return d;
}

}  // namespace rollcage::harness
