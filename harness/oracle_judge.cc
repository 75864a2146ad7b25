// The version digest uses OpenSSL's low-level SHA-256 (EVP allocates a context per digest).
#define OPENSSL_SUPPRESS_DEPRECATED
#include "harness/oracle_judge.h"

#include <openssl/sha.h>

#include <cstring>

#include "oracle/finding.h"
#include "oracle/zone_validator.h"

namespace rollcage::harness {
namespace {

// SHA-256 over everything Validate reads from the zone and the options CheckZone sets, each field
// with its length or at a fixed width, so that different inputs cannot run together.
void VersionDigest(const dns::Zone& zone, const oracle::ValidateOptions& o, bool errors_only, unsigned char out[32]) {
  SHA256_CTX c;
  SHA256_Init(&c);
  const unsigned char mode = errors_only ? 'E' : 'A';
  SHA256_Update(&c, &mode, 1);
  auto u32 = [&c](uint32_t v) {
    unsigned char b[4] = {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
    SHA256_Update(&c, b, 4);
  };
  auto bytes = [&](std::string_view v) {
    u32(uint32_t(v.size()));
    SHA256_Update(&c, v.data(), v.size());
  };
  bytes(o.origin.wire());
  u32(uint32_t(uint64_t(o.now) >> 32));
  u32(uint32_t(uint64_t(o.now)));
  bytes(o.trust_source);
  u32(uint32_t(o.ds_rdatas.size()));
  for (const auto& d : o.ds_rdatas) bytes(d);
  u32(uint32_t(o.anchor_dnskeys.size()));
  for (const auto& d : o.anchor_dnskeys) bytes(d);
  u32(uint32_t(zone.size()));
  for (const auto& rr : zone.records()) {
    bytes(rr.owner.wire());
    u32(uint32_t(rr.type) << 16 | rr.rrclass);
    u32(rr.ttl);
    bytes(rr.rdata);
  }
  SHA256_Final(out, &c);
}

// What an errors-only judge returns: the findings less the warnings.
void DropWarnings(std::vector<Finding>* findings) {
  std::erase_if(*findings, [](const Finding& f) { return f.severity != "error"; });
}

}  // namespace

CleanVersions::CleanVersions(size_t slots) {
  size_t n = 1;
  while (n < slots) n <<= 1;
  slots_.assign(n, {});
}

bool CleanVersions::Contains(const unsigned char digest[32]) {
  uint64_t h;
  std::memcpy(&h, digest, sizeof h);  // a digest: any octets are uniform
  std::lock_guard<std::mutex> lock(mu_);
  ++lookups_;
  bool hit = std::memcmp(slots_[h & (slots_.size() - 1)].data(), digest, 32) == 0;
  hits_ += hit;
  return hit;
}

void CleanVersions::Add(const unsigned char digest[32]) {
  uint64_t h;
  std::memcpy(&h, digest, sizeof h);
  std::lock_guard<std::mutex> lock(mu_);
  std::memcpy(slots_[h & (slots_.size() - 1)].data(), digest, 32);
}

OracleJudge::OracleJudge() : owned_(std::make_unique<oracle::VerdictCache>(1u << 20)), cache_(owned_.get()) {}

OracleJudge::OracleJudge(oracle::VerdictCache* shared, CleanVersions* clean) : cache_(shared), clean_(clean) {}

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
  unsigned char digest[32];
  if (clean_) {
    VersionDigest(zone, o, errors_only_, digest);
    if (clean_->Contains(digest)) return std::vector<Finding>();  // what ToFindings makes of a clean report
  }
  last_ = oracle::Validate(zone, o);
  std::vector<Finding> out = ToFindings(last_, 0, at);
  if (errors_only_) DropWarnings(&out);
  if (clean_ && out.empty()) clean_->Add(digest);
  return out;
}

Result<std::vector<Finding>> OracleJudge::CheckTimeline(const timeline::Timeline& timeline) {
  VerifierJudge judge(cache_);
  auto r = oracle::temporal::CheckTimeline(timeline, judge);
  if (!r.ok()) return r.status();
  std::vector<Finding> out = ToFindings(*r);
  if (errors_only_) DropWarnings(&out);
  return out;
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
