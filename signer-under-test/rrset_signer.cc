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
  // SignedData(RrsigFields(...), rrset) and then RrsigData::Encode, without the RrsigData: the fields
  // are written once, into the signed data, and the RDATA reuses them (every signature made).
  constexpr size_t kFields = 18;  // type covered .. key tag (RFC 4034 §3.1)
  uint16_t tag = key.Tag();
  std::string data;
  size_t size = kFields + signer_lower_.size();
  for (const auto& rd : rrset.rdatas) size += rrset.owner.wire().size() + 10 + rd.size();
  data.reserve(size);  // one allocation: canonical RDATA has the length of the RDATA
  AppendU16(data, rrset.type);
  AppendU8(data, AlgorithmNumber(key.key.algorithm));
  AppendU8(data, RrsigLabels(rrset.owner));
  AppendU32(data, rrset.ttl);  // original TTL
  AppendU32(data, expiration);
  AppendU32(data, inception);
  AppendU16(data, tag);
  data += signer_lower_;  // the signer's name in canonical form (RFC 4034 §3.1.8.1)
  AppendCanonicalRrsetData(rrset, rrset.ttl, &data);
  auto sig = store_.Sign(key.key.id, data);
  if (!sig.ok()) return sig.status();
  if (verifier_ && !verifier_->Verify(key.key, data, *sig)) {
    return KeyError("key " + key.key.id + " (tag " + std::to_string(tag) + ") on " + store_.Describe() +
                    ": the signature the store returned does not verify; not publishing it");
  }
  // The RRSIG RDATA: the fields, the signer's name as given, the signature.
  std::string rdata;
  rdata.reserve(kFields + signer_.wire().size() + sig->size());
  rdata.append(data, 0, kFields);
  rdata += signer_.wire();
  rdata += *sig;
  return dns::RR{rrset.owner, dns::rrtype::kRRSIG, rrset.rrclass, rrset.ttl, std::move(rdata)};
}

}  // namespace rollcage::signer
