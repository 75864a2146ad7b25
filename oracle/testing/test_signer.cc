#include "oracle/testing/test_signer.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <algorithm>

#include "base/encoding.h"
#include "base/file.h"
#include "dns/rdata.h"
#include "oracle/crypto.h"
#include "oracle/signed_data.h"

namespace rollcage::oracle::testing {
namespace {

std::string Field(const std::string& text, const std::string& key) {
  size_t p = text.find(key);
  if (p == std::string::npos) return "";
  p += key.size();
  size_t e = text.find('\n', p);
  std::string v = text.substr(p, e == std::string::npos ? std::string::npos : e - p);
  while (!v.empty() && (v.front() == ' ')) v.erase(v.begin());
  while (!v.empty() && (v.back() == ' ' || v.back() == '\r')) v.pop_back();
  return v;
}

}  // namespace

void TestSigner::Free::operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
TestSigner::~TestSigner() = default;

Result<TestSigner> TestSigner::FromBindFiles(const std::string& base) {
  RC_ASSIGN_OR_RETURN(std::string priv, ReadFile(base + ".private"));
  RC_ASSIGN_OR_RETURN(std::string pub, ReadFile(base + ".key"));
  // The .key file holds one DNSKEY RR; parse it relative to its own owner.
  size_t start = pub.find_first_not_of(" \t\n");
  while (start != std::string::npos && pub[start] == ';') {
    start = pub.find('\n', start);
    if (start != std::string::npos) start = pub.find_first_not_of(" \t\n", start);
  }
  if (start == std::string::npos) return BadInput(base + ".key: no DNSKEY");
  std::string line = pub.substr(start, pub.find('\n', start) - start);
  if (auto sc = line.find(';'); sc != std::string::npos) line = line.substr(0, sc);
  RC_ASSIGN_OR_RETURN(dns::RR rr, dns::RR::FromText(line, dns::Name::Root()));
  if (rr.type != dns::rrtype::kDNSKEY) return BadInput(base + ".key: not a DNSKEY");
  TestSigner s;
  s.dnskey_ = rr.rdata;
  s.algorithm_ = uint8_t(rr.rdata[3]);
  s.tag_ = KeyTag(rr.rdata);
  auto d = Base64Decode(Field(priv, "PrivateKey:"));
  if (!d) return BadInput(base + ".private: no PrivateKey");
  std::string pubkey = rr.rdata.substr(4);
  EVP_PKEY* pkey = nullptr;
  if (s.algorithm_ == 13) {
    std::string point = "\x04" + pubkey;
    BIGNUM* priv_bn = BN_bin2bn(reinterpret_cast<const unsigned char*>(d->data()), int(d->size()), nullptr);
    OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv_bn);
    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
    EVP_PKEY_fromdata_init(ctx);
    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(priv_bn);
  } else if (s.algorithm_ == 15) {
    pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                        reinterpret_cast<const unsigned char*>(d->data()), d->size());
  } else {
    return BadInput(base + ": TestSigner supports algorithms 13 and 15");
  }
  if (!pkey) return BadInput(base + ": OpenSSL rejected the private key");
  s.key_.reset(pkey);
  return s;
}

dns::RR TestSigner::Sign(const dns::Name& zone, const dns::Name& owner, uint16_t type, uint32_t ttl,
                         const std::vector<std::string>& rdatas, const SigFields& f) const {
  std::string fixed;
  AppendU16(fixed, f.type_covered.value_or(type));
  AppendU8(fixed, algorithm_);
  AppendU8(fixed, f.labels.value_or(uint8_t(RrsigLabelCount(owner))));
  AppendU32(fixed, f.original_ttl.value_or(ttl));
  AppendU32(fixed, f.expiration);
  AppendU32(fixed, f.inception);
  AppendU16(fixed, f.key_tag.value_or(tag_));
  fixed += f.signer.value_or(zone).wire();
  const std::string with_placeholder = fixed + std::string(64, '\0');  // outlives the view
  auto view = RrsigView::Parse(with_placeholder);
  std::vector<std::string_view> rv(rdatas.begin(), rdatas.end());
  auto data = BuildSignedData(*view, owner, type, dns::kClassIN, rv);
  std::string sig;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const EVP_MD* md = algorithm_ == 13 ? EVP_sha256() : nullptr;
  EVP_DigestSignInit(ctx, nullptr, md, nullptr, key_.get());
  size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(data.ok() ? data->data() : "");
  size_t in_len = data.ok() ? data->size() : 0;
  EVP_DigestSign(ctx, nullptr, &len, in, in_len);
  std::string der(len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(der.data()), &len, in, in_len);
  der.resize(len);
  EVP_MD_CTX_free(ctx);
  if (algorithm_ == 13) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
    ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, long(der.size()));
    unsigned char raw[64];
    BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + 32, 32);
    ECDSA_SIG_free(es);
    sig.assign(reinterpret_cast<char*>(raw), 64);
  } else {
    sig = der;
  }
  return dns::RR{owner, dns::rrtype::kRRSIG, dns::kClassIN, ttl, fixed + sig};
}

uint16_t CoveredType(const dns::RR& rrsig) {
  if (rrsig.rdata.size() < 2) return 0;
  return ReadU16(reinterpret_cast<const unsigned char*>(rrsig.rdata.data()));
}

std::vector<size_t> FindRecords(const dns::Zone& z, const std::string& owner, uint16_t type) {
  auto o = dns::Name::FromText(owner);
  std::vector<size_t> out;
  for (size_t i = 0; i < z.records().size(); ++i) {
    if (z.records()[i].type == type && z.records()[i].owner == *o) out.push_back(i);
  }
  return out;
}

std::vector<size_t> FindSigs(const dns::Zone& z, const std::string& owner, uint16_t covered) {
  std::vector<size_t> out;
  for (size_t i : FindRecords(z, owner, dns::rrtype::kRRSIG)) {
    if (CoveredType(z.records()[i]) == covered) out.push_back(i);
  }
  return out;
}

void RemoveRecords(dns::Zone& z, const std::function<bool(const dns::RR&)>& pred) {
  auto& r = z.mutable_records();
  r.erase(std::remove_if(r.begin(), r.end(), pred), r.end());
}

void RemoveRrsetAndSigs(dns::Zone& z, const std::string& owner, uint16_t type) {
  auto o = *dns::Name::FromText(owner);
  RemoveRecords(z, [&](const dns::RR& rr) {
    return rr.owner == o && (rr.type == type || (rr.type == dns::rrtype::kRRSIG && CoveredType(rr) == type));
  });
}

std::vector<std::string> RdatasOf(const dns::Zone& z, const std::string& owner, uint16_t type) {
  std::vector<std::string> out;
  for (size_t i : FindRecords(z, owner, type)) out.push_back(z.records()[i].rdata);
  return out;
}

void Resign(dns::Zone& z, const TestSigner& signer, const std::string& owner, uint16_t type,
            const std::function<void(SigFields&)>& tweak) {
  auto o = *dns::Name::FromText(owner);
  auto recs = FindRecords(z, owner, type);
  uint32_t ttl = recs.empty() ? 3600 : z.records()[recs.front()].ttl;
  SigFields f;
  f.inception = 1609459200;   // kInception
  f.expiration = 2051222400;  // kExpiration
  auto old = FindSigs(z, owner, type);
  if (!old.empty()) {
    auto v = dns::RrsigData::Parse(z.records()[old.front()].rdata);
    f.inception = v->inception;
    f.expiration = v->expiration;
  }
  if (tweak) tweak(f);
  dns::RR sig = signer.Sign(z.origin(), o, type, ttl, RdatasOf(z, owner, type), f);
  RemoveRecords(z, [&](const dns::RR& rr) { return rr.owner == o && rr.type == dns::rrtype::kRRSIG && CoveredType(rr) == type; });
  z.Add(sig);
}

}  // namespace rollcage::oracle::testing
