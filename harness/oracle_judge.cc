#include "harness/oracle_judge.h"

#include "oracle/finding.h"
#include "oracle/zone_validator.h"

namespace rollcage::harness {

OracleJudge::OracleJudge() : owned_(std::make_unique<oracle::VerdictCache>(1u << 20)), cache_(owned_.get()) {}

OracleJudge::OracleJudge(oracle::VerdictCache* shared) : cache_(shared) {}

std::vector<Finding> ToFindings(const oracle::Report& r, int zone_version, UnixTime at) {
  std::vector<Finding> out;
  for (const auto& f : r.findings) {
    Finding h;
    h.source = "static";
    h.cls = oracle::FindingClassId(f.cls);
    h.severity = oracle::SeverityName(f.severity());
    h.at = at;
    h.zone_version = zone_version;
    h.owner = f.owner.ToText();
    h.type = f.type ? dns::TypeToText(f.type) : "";
    h.detail = f.detail;
    out.push_back(std::move(h));
  }
  return out;
}

std::vector<Finding> ToFindings(const oracle::temporal::TemporalReport& r) {
  std::vector<Finding> out;
  for (const auto& f : r.findings) {
    Finding h;
    h.source = "temporal";
    h.cls = oracle::temporal::TemporalClassId(f.cls);
    h.severity = "error";
    h.at = f.first_instant;
    h.zone_version = f.rrset_zone_version;
    h.owner = f.owner.ToText();
    h.type = dns::TypeToText(f.type);
    h.detail = f.detail + " [mix: RRset from zone v" + std::to_string(f.rrset_zone_version) + ", DNSKEY from zone v" +
               std::to_string(f.dnskey_zone_version) +
               (f.ds_version > 0 ? ", parent DS v" + std::to_string(f.ds_version) : std::string()) + "; " +
               oracle::temporal::TemporalClassRfc(f.cls) + "]";
    if (f.instants > 1) {
      h.detail += " (fails at " + std::to_string(f.instants) + " critical instants until " +
                  FormatTimeIso(f.last_instant) + ")";
    }
    out.push_back(std::move(h));
  }
  return out;
}

Result<std::vector<Finding>> OracleJudge::CheckZone(const dns::Zone& zone, const std::vector<dns::RR>& parent_ds,
                                                    UnixTime at) {
  oracle::ValidateOptions o;
  o.origin = zone.origin();
  o.now = at;
  for (const auto& rr : parent_ds) o.ds_rdatas.push_back(rr.rdata);
  o.trust_source = parent_ds.empty() ? "assumed" : "ds";
  o.threads = 1;
  o.cache = cache_;
  last_ = oracle::Validate(zone, o);
  return ToFindings(last_, 0, at);
}

Result<std::vector<Finding>> OracleJudge::CheckTimeline(const timeline::Timeline& timeline) {
  VerifierJudge judge(cache_);
  auto r = oracle::temporal::CheckTimeline(timeline, judge);
  if (!r.ok()) return r.status();
  return ToFindings(*r);
}

uint16_t VerifierJudge::KeyTag(const std::string& dnskey_rdata) { return oracle::RrsetVerifier::KeyTag(dnskey_rdata); }

bool VerifierJudge::Verifies(const oracle::temporal::RrsetRef& rrset, std::string_view rrsig_rdata,
                             const std::string& dnskey_rdata) {
  view_.owner = &rrset.owner;
  view_.type = rrset.type;
  view_.rrclass = dns::kClassIN;
  view_.ttl = rrset.ttl;
  view_.rdatas.assign(rrset.rdatas.begin(), rrset.rdatas.end());
  return verifier_.Verifies(view_, rrsig_rdata, dnskey_rdata);
}

bool VerifierJudge::DsMatches(const dns::Name& owner, const std::string& ds_rdata, const std::string& dnskey_rdata) {
  return oracle::RrsetVerifier::DsMatches(owner, ds_rdata, dnskey_rdata);
}

}  // namespace rollcage::harness
