#include "oracle/rrset_verifier.h"
#include "base/hot.h"

#include <algorithm>
#include <array>

#include "base/encoding.h"
#include "oracle/crypto.h"
#include "oracle/ecdsa_recovery.h"
#include "oracle/internal/evp.h"

namespace rollcage::oracle {
namespace {

uint32_t TagAlg(uint16_t tag, uint8_t a) { return uint32_t(tag) << 8 | a; }

bool UsesSha256(uint8_t a) { return a == alg::kRsaSha256 || a == alg::kEcdsaP256Sha256; }

RC_HOT_LEAF inline unsigned char Lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

RC_HOT_LEAF bool WireEqualIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

// SHA-256(signed data || signature length || signature), streamed.
std::array<unsigned char, 32> ContentDigest(std::string_view sd, std::string_view signature) {
  const char len[2] = {char(uint8_t(signature.size() >> 8)), char(uint8_t(signature.size()))};
  std::array<unsigned char, 32> out;
  internal::Sha256Into({sd, std::string_view(len, 2), signature}, out.data());
  return out;
}

const std::vector<int>& Empty() {
  static const std::vector<int> empty;
  return empty;
}

}  // namespace

const char* SigOutcomeName(SigOutcome o) {
  switch (o) {
    case SigOutcome::kValid: return "valid";
    case SigOutcome::kNoKey: return "no-key";
    case SigOutcome::kInvalid: return "invalid";
    case SigOutcome::kMalformedSignature: return "malformed-signature";
    case SigOutcome::kBadLabels: return "bad-labels";
    case SigOutcome::kUnsupportedAlgorithm: return "unsupported-algorithm";
    case SigOutcome::kKeyUnusable: return "key-unusable";
  }
  return "unknown";
}

const char* SecurityName(Security s) {
  switch (s) {
    case Security::kSecure: return "secure";
    case Security::kInsecure: return "insecure";
    case Security::kBogus: return "bogus";
    case Security::kUnchecked: return "unchecked";
  }
  return "unknown";
}

KeySet KeySet::FromRdatas(const std::vector<std::string>& rdatas) {
  std::vector<std::string_view> v(rdatas.begin(), rdatas.end());
  return FromRdatas(v);
}

KeySet KeySet::FromRdatas(const std::vector<std::string_view>& rdatas) {
  KeySet ks;
  for (auto r : rdatas) {
    if (r.size() < 4) continue;
    ZoneKey k;
    k.rdata = std::string(r);
    const auto* u = reinterpret_cast<const unsigned char*>(r.data());
    k.flags = ReadU16(u);
    k.protocol = u[2];
    k.algorithm = u[3];
    k.tag = KeyTag(r);
    unsigned char digest[32];
  internal::Sha256Into({r}, digest);
  k.id.assign(reinterpret_cast<const char*>(digest), 16);
    auto loaded = PublicKey::Parse(k.algorithm, r.substr(4));
    if (loaded.ok()) {
      k.key = *loaded;
    } else {
      k.load = loaded.status();
    }
    int idx = int(ks.keys_.size());
    if (k.usable()) {
      ks.dnskey_keys_[TagAlg(k.tag, k.algorithm)].push_back(idx);
      if (!k.revoked()) ks.data_keys_[TagAlg(k.tag, k.algorithm)].push_back(idx);
    }
    if (k.usable() && !k.revoked() &&
        std::find(ks.algorithms_.begin(), ks.algorithms_.end(), k.algorithm) == ks.algorithms_.end()) {
      ks.algorithms_.insert(std::upper_bound(ks.algorithms_.begin(), ks.algorithms_.end(), k.algorithm), k.algorithm);
    }
    ks.keys_.push_back(std::move(k));
  }
  return ks;
}

const std::vector<int>& KeySet::Matching(uint16_t tag, uint8_t algorithm, bool for_dnskey) const {
  const auto& m = for_dnskey ? dnskey_keys_ : data_keys_;
  auto it = m.find(TagAlg(tag, algorithm));
  return it == m.end() ? Empty() : it->second;
}

std::shared_ptr<const KeySet> KeySet::Shared(const std::vector<std::string_view>& rdatas) {
  static std::mutex mu;
  static auto* memo = new StringMap<std::shared_ptr<const KeySet>>();
  thread_local std::string key;  // each RDATA with its length before it
  key.clear();
  for (auto r : rdatas) {
    AppendU16(key, uint16_t(r.size()));
    key += r;
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = memo->find(key); it != memo->end()) return it->second;
  }
  auto made = std::make_shared<const KeySet>(FromRdatas(rdatas));
  std::lock_guard<std::mutex> lock(mu);
  if (memo->size() >= 1024) memo->clear();
  memo->emplace(key, made);
  return made;
}

RrsetView RrsetView::Of(const dns::RRset& s) {
  RrsetView v;
  v.owner = &s.owner;
  v.type = s.type;
  v.rrclass = s.rrclass;
  v.ttl = s.ttl;
  v.rdatas.assign(s.rdatas.begin(), s.rdatas.end());
  return v;
}

RrsetVerifier::RrsetVerifier(VerdictCache* cache, VerifyOptions options)
    : cache_(cache), options_(options) {}

SignatureCheck RrsetVerifier::Check(const RrsetView& rrset, const RrsigView& sig, const KeySet& keys,
                                    const dns::Name& zone, UnixTime now) const {
  SignatureCheck c;
  c.signer_mismatch = !WireEqualIgnoreCase(sig.signer_wire, zone.wire());
  c.labels_mismatch = sig.labels != RrsigLabelCount(*rrset.owner);
  c.inception = ExpandRrsigTime(sig.inception, now);
  c.expiration = ExpandRrsigTime(sig.expiration, now);
  c.expired = now > c.expiration;
  c.not_yet_valid = now < c.inception;
  if (!AlgorithmSupported(sig.algorithm)) {
    c.outcome = SigOutcome::kUnsupportedAlgorithm;
    return c;
  }
  const std::vector<int>& candidates =
      keys.Matching(sig.key_tag, sig.algorithm, rrset.type == dns::rrtype::kDNSKEY);
  if (candidates.empty()) {
    c.outcome = SigOutcome::kNoKey;
    return c;
  }
  bool any_loaded = false;
  for (int i : candidates) any_loaded |= keys.keys()[i].key != nullptr;
  if (!any_loaded) {
    c.outcome = SigOutcome::kKeyUnusable;
    return c;
  }
  thread_local std::string sd_buffer;  // reused: the signed data of the current check
  if (!BuildSignedDataInto(sig, *rrset.owner, rrset.type, rrset.rrclass, rrset.rdatas, &sd_buffer).ok()) {
    c.outcome = SigOutcome::kBadLabels;
    return c;
  }
  const std::string* sd = &sd_buffer;
  // The content digest names the (RRset, RRSIG) pair in the cache; the signature digest (the
  // algorithm's own hash for SHA-256 algorithms) is computed only when a verification is needed.
  std::array<unsigned char, 32> content_digest{};
  if (cache_) content_digest = ContentDigest(*sd, sig.signature);
  const std::string_view content(reinterpret_cast<const char*>(content_digest.data()), content_digest.size());
  std::string sd_digest;
  for (int i : candidates) {
    const ZoneKey& k = keys.keys()[i];
    if (!k.key) continue;
    VerdictKey vk;
    if (cache_) {
      vk = VerdictKey::Make(content, k.id);
      if (auto v = cache_->Lookup(vk)) {
        if (*v) {
          c.outcome = SigOutcome::kValid;
          c.key = i;
          return c;
        }
        continue;
      }
    }
    if (sd_digest.empty()) sd_digest = Sha256(*sd);
    PublicKey::Outcome o = UsesSha256(sig.algorithm) ? k.key->VerifyDigest(sd_digest, sig.signature)
                                                     : k.key->Verify(*sd, sig.signature);
    ++c.crypto_ops;
    if (o == PublicKey::Outcome::kMalformedSignature) {
      c.outcome = SigOutcome::kMalformedSignature;
      return c;
    }
    if (cache_) cache_->Insert(vk, o == PublicKey::Outcome::kValid);
    if (o == PublicKey::Outcome::kValid) {
      c.outcome = SigOutcome::kValid;
      c.key = i;
      return c;
    }
  }
  if (sd_digest.empty()) sd_digest = Sha256(*sd);
  c.outcome = SigOutcome::kInvalid;
  if (options_.diagnose) Diagnose(rrset, sig, keys, candidates, *sd, sd_digest, &c);
  return c;
}

void RrsetVerifier::Diagnose(const RrsetView& rrset, const RrsigView& sig, const KeySet& keys,
                             const std::vector<int>& candidates, const std::string& signed_data,
                             const std::string& sd_digest, SignatureCheck* c) const {
  uint8_t a = sig.algorithm;
  if (a == alg::kEcdsaP256Sha256 || a == alg::kEcdsaP384Sha384) {
    std::string digest = a == alg::kEcdsaP256Sha256 ? sd_digest : PublicKey::Digest(a, signed_data);
    std::set<uint16_t> flags;
    for (int i : candidates) flags.insert(keys.keys()[i].flags);
    for (const auto& q : RecoverEcdsaPublicKeys(a, digest, sig.signature)) {
      c->candidate_keys.push_back(q);
      for (uint16_t f : flags) {
        std::string rdata;
        AppendU16(rdata, f);
        AppendU8(rdata, 3);
        AppendU8(rdata, a);
        rdata += q;
        if (KeyTag(rdata) == sig.key_tag &&
            std::find(c->recovered_keys.begin(), c->recovered_keys.end(), q) == c->recovered_keys.end()) {
          c->recovered_keys.push_back(q);
        }
      }
    }
    c->evidence = c->recovered_keys.empty() ? InvalidEvidence::kNotMadeOverThisData
                                            : InvalidEvidence::kUnpublishedKey;
    return;
  }
  if (a == alg::kEd25519 || a == alg::kEd448) {
    c->evidence = InvalidEvidence::kUndetermined;
    return;
  }
  for (int i : candidates) {
    const ZoneKey& k = keys.keys()[i];
    if (k.key && k.key->RsaSignatureDecodes(sig.signature)) {
      c->evidence = InvalidEvidence::kPublishedKeyOtherData;
      return;
    }
  }
  c->evidence = InvalidEvidence::kUndetermined;
}

RrsetVerdict RrsetVerifier::Verify(const RrsetView& rrset, const std::vector<std::string_view>& rrsig_rdatas,
                                   const KeySet& keys, const dns::Name& zone, UnixTime now) const {
  RrsetVerdict v;
  bool any_checkable = false;
  for (size_t i = 0; i < rrsig_rdatas.size(); ++i) {
    auto sig = RrsigView::Parse(rrsig_rdatas[i]);
    SignatureCheck c;
    if (!sig.ok() || sig->type_covered != rrset.type) {
      c.outcome = SigOutcome::kMalformedSignature;
    } else {
      c = Check(rrset, *sig, keys, zone, now);
    }
    if (c.outcome != SigOutcome::kUnsupportedAlgorithm) any_checkable = true;
    if (v.validating < 0 && c.Validates()) v.validating = int(i);
    v.checks.push_back(std::move(c));
  }
  if (v.validating >= 0) {
    v.security = Security::kSecure;
  } else if (!any_checkable && !rrsig_rdatas.empty()) {
    v.security = Security::kUnchecked;
    v.reason = "every RRSIG uses an algorithm the oracle cannot verify";
  } else {
    v.security = Security::kBogus;
    if (rrsig_rdatas.empty()) {
      v.reason = "no RRSIG";
    } else {
      const SignatureCheck& c = v.checks.front();
      v.reason = std::string("no RRSIG validates (first: ") + SigOutcomeName(c.outcome) +
                 (c.expired ? ", expired" : "") + (c.not_yet_valid ? ", not yet valid" : "") +
                 (c.signer_mismatch ? ", wrong signer" : "") + ")";
    }
  }
  return v;
}

TrustVerdict RrsetVerifier::VerifyDnskeys(const dns::Name& zone, const RrsetView& dnskeys,
                                          const std::vector<std::string_view>& rrsig_rdatas,
                                          const std::vector<std::string_view>& ds_rdatas,
                                          const std::vector<std::string_view>& anchor_keys,
                                          UnixTime now) const {
  TrustVerdict t;
  KeySet keys = KeySet::FromRdatas(dnskeys.rdatas);
  std::set<int> matched;
  for (auto ds : ds_rdatas) {
    if (ds.size() < 4) {
      ++t.ds_unsupported;
      continue;
    }
    const auto* u = reinterpret_cast<const unsigned char*>(ds.data());
    uint16_t tag = ReadU16(u);
    uint8_t a = u[2], dt = u[3];
    if (!DigestTypeSupported(dt) || !AlgorithmSupported(a)) {
      ++t.ds_unsupported;
      continue;
    }
    bool tag_seen = false, hit = false;
    for (int i : keys.Matching(tag, a, true)) {
      tag_seen = true;
      auto d = DsDigest(zone, keys.keys()[i].rdata, dt);
      if (d && *d == ds.substr(4)) {
        matched.insert(i);
        hit = true;
      }
    }
    if (tag_seen && !hit) ++t.ds_digest_mismatches;
  }
  for (auto a : anchor_keys) {
    for (size_t i = 0; i < keys.keys().size(); ++i) {
      if (keys.keys()[i].rdata == a && keys.keys()[i].usable()) matched.insert(int(i));
    }
  }
  t.ds_matched_keys.assign(matched.begin(), matched.end());
  if (matched.empty()) {
    if (t.ds_unsupported > 0 && t.ds_digest_mismatches == 0 && anchor_keys.empty()) {
      t.security = Security::kUnchecked;
      t.reason = "every DS uses a digest type or algorithm the oracle cannot use";
    } else {
      t.security = Security::kBogus;
      t.reason = "no DS or trust anchor matches a key in the DNSKEY RRset";
    }
    return t;
  }
  for (auto r : rrsig_rdatas) {
    auto sig = RrsigView::Parse(r);
    if (!sig.ok() || sig->type_covered != dns::rrtype::kDNSKEY) continue;
    SignatureCheck c = Check(dnskeys, *sig, keys, zone, now);
    if (c.Validates() && matched.count(c.key) &&
        std::find(t.signing_keys.begin(), t.signing_keys.end(), c.key) == t.signing_keys.end()) {
      t.signing_keys.push_back(c.key);
    }
  }
  if (t.signing_keys.empty()) {
    t.security = Security::kBogus;
    t.reason = "no key designated by the DS set (or trust anchor) validly signs the DNSKEY RRset";
  } else {
    t.security = Security::kSecure;
  }
  return t;
}

uint16_t RrsetVerifier::KeyTag(std::string_view dnskey_rdata) { return oracle::KeyTag(dnskey_rdata); }

std::shared_ptr<const KeySet> RrsetVerifier::SingleKey(std::string_view dnskey_rdata) const {
  std::lock_guard<std::mutex> lock(single_mu_);
  auto it = single_keys_.find(dnskey_rdata);
  if (it != single_keys_.end()) return it->second;
  if (single_keys_.size() > 4096) single_keys_.clear();
  auto ks = std::make_shared<const KeySet>(KeySet::FromRdatas(std::vector<std::string_view>{dnskey_rdata}));
  single_keys_.emplace(std::string(dnskey_rdata), ks);
  return ks;
}

bool RrsetVerifier::Verifies(const RrsetView& rrset, std::string_view rrsig_rdata,
                             std::string_view dnskey_rdata) const {
  auto sig = RrsigView::Parse(rrsig_rdata);
  if (!sig.ok() || sig->type_covered != rrset.type) return false;
  auto keys = SingleKey(dnskey_rdata);
  if (keys->empty()) return false;
  const ZoneKey& k = keys->keys().front();
  if (k.tag != sig->key_tag || k.algorithm != sig->algorithm) return false;
  // Check against the key's own owner as signer: the question is purely cryptographic.
  RrsetVerifier plain(cache_, VerifyOptions{false});
  dns::Name signer;
  auto n = dns::Name::FromWire(sig->signer_wire);
  if (n.ok()) signer = *n;
  SignatureCheck c = plain.Check(rrset, *sig, *keys, signer, 0);
  return c.outcome == SigOutcome::kValid;
}

bool RrsetVerifier::DsMatches(const dns::Name& owner, std::string_view ds_rdata, std::string_view dnskey_rdata) {
  if (ds_rdata.size() < 4 || dnskey_rdata.size() < 4) return false;
  const auto* u = reinterpret_cast<const unsigned char*>(ds_rdata.data());
  if (ReadU16(u) != oracle::KeyTag(dnskey_rdata)) return false;
  if (u[2] != static_cast<unsigned char>(dnskey_rdata[3])) return false;
  auto d = DsDigest(owner, dnskey_rdata, u[3]);
  return d && *d == ds_rdata.substr(4);
}

}  // namespace rollcage::oracle
