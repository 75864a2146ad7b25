#include "signer-under-test/rrset_signer.h"
#include "base/hot.h"

#include <algorithm>

#include "base/encoding.h"
#include "dns/rr.h"

namespace rollcage::signer {

std::vector<std::string_view>& SortedCanonicalRdata(const dns::RRset& rrset, std::vector<std::string>* owned) {
  thread_local std::vector<std::string_view> rdatas;  // per-thread scratch (no allocation once grown)
  rdatas.clear();
  if (dns::CanonicalRdataIsRdata(rrset.type)) {
    rdatas.assign(rrset.rdatas.begin(), rrset.rdatas.end());
  } else {
    for (const auto& rd : rrset.rdatas) owned->push_back(dns::CanonicalRdata(rrset.type, rd));
    rdatas.assign(owned->begin(), owned->end());
  }
  if (rdatas.size() > 1) std::sort(rdatas.begin(), rdatas.end());
  return rdatas;
}

namespace {

// The RRset's records in canonical form and order (RFC 4034 §6.2, §6.3), duplicates once, appended
// to *out without intermediate copies: the owner lowercased in place (length octets are below 64,
// never letters), RDATA by view unless its canonical form differs (names in RDATA lowercased).
RC_HOT_LEAF void AppendCanonicalRrsetData(const dns::RRset& rrset, uint32_t original_ttl, std::string* out) {
  std::vector<std::string> owned;
  std::vector<std::string_view>& rdatas = SortedCanonicalRdata(rrset, &owned);
  rdatas.erase(std::unique(rdatas.begin(), rdatas.end()), rdatas.end());
  // Owner, type, class and TTL: the same before every RDATA, made once (a name has 255 octets at most).
  const std::string& owner = rrset.owner.wire();
  char header[255 + 8];
  size_t hlen = 0;
  for (char c : owner) header[hlen++] = c >= 'A' && c <= 'Z' ? char(c + 32) : c;
  for (int sh = 8; sh >= 0; sh -= 8) header[hlen++] = char(rrset.type >> sh);
  for (int sh = 8; sh >= 0; sh -= 8) header[hlen++] = char(rrset.rrclass >> sh);
  for (int sh = 24; sh >= 0; sh -= 8) header[hlen++] = char(original_ttl >> sh);
  size_t total = 0;
  for (std::string_view rd : rdatas) total += hlen + 2 + rd.size();
  out->reserve(out->size() + total);
  for (std::string_view rd : rdatas) {
    out->append(header, hlen);
    AppendU16(*out, uint16_t(rd.size()));
    out->append(rd);
  }
}

}  // namespace

std::string CanonicalRrsetData(const dns::RRset& rrset, uint32_t original_ttl) {
  std::string out;
  AppendCanonicalRrsetData(rrset, original_ttl, &out);
  return out;
}

uint8_t RrsigLabels(const dns::Name& owner) {
  int n = owner.LabelCount();
  if (owner.IsWildcard()) --n;
  return uint8_t(n);
}

dns::RrsigData RrsigFields(const dns::RRset& rrset, const dns::Name& signer, uint8_t algorithm, uint16_t key_tag,
                           uint32_t inception, uint32_t expiration) {
  dns::RrsigData f;
  f.type_covered = rrset.type;
  f.algorithm = algorithm;
  f.labels = RrsigLabels(rrset.owner);
  f.original_ttl = rrset.ttl;
  f.expiration = expiration;
  f.inception = inception;
  f.key_tag = key_tag;
  f.signer = signer;
  return f;
}

std::string SignedData(const dns::RrsigData& fields, const dns::RRset& rrset) {
  std::string out = fields.EncodeWithoutSignature();
  AppendCanonicalRrsetData(rrset, fields.original_ttl, &out);
  return out;
}

Result<dns::RR> RrsetSigner::Sign(const dns::RRset& rrset, const ZoneKey& key, uint32_t inception,
                                  uint32_t expiration) const {
  dns::RrsigData f = RrsigFields(rrset, signer_, AlgorithmNumber(key.key.algorithm), key.Tag(), inception, expiration);
  std::string data = SignedData(f, rrset);
  auto sig = store_.Sign(key.key.id, data);
  if (!sig.ok()) return sig.status();
  if (verifier_ && !verifier_->Verify(key.key, data, *sig)) {
    return KeyError("key " + key.key.id + " (tag " + std::to_string(f.key_tag) + ") on " + store_.Describe() +
                    ": the signature the store returned does not verify; not publishing it");
  }
  f.signature = std::move(sig).value();
  return dns::RR{rrset.owner, dns::rrtype::kRRSIG, rrset.rrclass, rrset.ttl, f.Encode()};
}

}  // namespace rollcage::signer
