#include "signer-under-test/rrset_signer.h"

#include <algorithm>

#include "base/encoding.h"

namespace rollcage::signer {

std::string CanonicalRrsetData(const dns::RRset& rrset, uint32_t original_ttl) {
  std::vector<std::string> rdatas;
  rdatas.reserve(rrset.rdatas.size());
  for (const auto& rd : rrset.rdatas) {
    dns::RR rr{rrset.owner, rrset.type, rrset.rrclass, original_ttl, rd};
    rdatas.push_back(rr.CanonicalRdata());
  }
  std::sort(rdatas.begin(), rdatas.end());
  rdatas.erase(std::unique(rdatas.begin(), rdatas.end()), rdatas.end());
  std::string header = rrset.owner.Lowercase().wire();
  AppendU16(header, rrset.type);
  AppendU16(header, rrset.rrclass);
  AppendU32(header, original_ttl);
  std::string out;
  size_t total = 0;
  for (const auto& rd : rdatas) total += header.size() + 2 + rd.size();
  out.reserve(total);
  for (const auto& rd : rdatas) {
    out += header;
    AppendU16(out, uint16_t(rd.size()));
    out += rd;
  }
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
  return fields.EncodeWithoutSignature() + CanonicalRrsetData(rrset, fields.original_ttl);
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
