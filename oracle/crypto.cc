#include "oracle/crypto.h"
#include "base/hot.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include <algorithm>
#include <memory>

#include "oracle/internal/evp.h"

namespace rollcage::oracle {

bool AlgorithmSupported(uint8_t a) {
  switch (a) {
    case alg::kRsaSha1: case alg::kRsaSha1Nsec3Sha1: case alg::kRsaSha256: case alg::kRsaSha512:
    case alg::kEcdsaP256Sha256: case alg::kEcdsaP384Sha384: case alg::kEd25519: case alg::kEd448:
      return true;
    default:
      return false;
  }
}

std::string AlgorithmName(uint8_t a) {
  switch (a) {
    case alg::kRsaMd5: return "RSAMD5";
    case alg::kDsa: return "DSA";
    case alg::kRsaSha1: return "RSASHA1";
    case alg::kDsaNsec3Sha1: return "DSA-NSEC3-SHA1";
    case alg::kRsaSha1Nsec3Sha1: return "RSASHA1-NSEC3-SHA1";
    case alg::kRsaSha256: return "RSASHA256";
    case alg::kRsaSha512: return "RSASHA512";
    case alg::kEccGost: return "ECC-GOST";
    case alg::kEcdsaP256Sha256: return "ECDSAP256SHA256";
    case alg::kEcdsaP384Sha384: return "ECDSAP384SHA384";
    case alg::kEd25519: return "ED25519";
    case alg::kEd448: return "ED448";
    default: return "ALG" + std::to_string(a);
  }
}

const EC_GROUP* EcdsaGroup(uint8_t algorithm) {
  static const EC_GROUP* p256 = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  static const EC_GROUP* p384 = EC_GROUP_new_by_curve_name(NID_secp384r1);
  return algorithm == alg::kEcdsaP256Sha256 ? p256 : algorithm == alg::kEcdsaP384Sha384 ? p384 : nullptr;
}

RC_HOT_LEAF uint16_t KeyTag(std::string_view rdata) {
  const auto* k = reinterpret_cast<const unsigned char*>(rdata.data());
  if (rdata.size() >= 4 && k[3] == alg::kRsaMd5) {
    // RFC 4034 B.1: the most significant 16 bits of the least significant 24 bits of the modulus.
    if (rdata.size() < 7) return 0;
    return uint16_t(k[rdata.size() - 3] << 8 | k[rdata.size() - 2]);
  }
  uint32_t ac = 0;
  for (size_t i = 0; i < rdata.size(); ++i) ac += (i & 1) ? k[i] : uint32_t(k[i]) << 8;
  ac += (ac >> 16) & 0xffff;
  return uint16_t(ac & 0xffff);
}

bool DigestTypeSupported(uint8_t t) { return t == 1 || t == 2 || t == 4; }

std::optional<std::string> DsDigest(const dns::Name& owner, std::string_view dnskey_rdata,
                                    uint8_t digest_type) {
  const EVP_MD* md = nullptr;
  switch (digest_type) {
    case 1: md = internal::Md(internal::Hash::kSha1); break;
    case 2: md = internal::Md(internal::Hash::kSha256); break;
    case 4: md = internal::Md(internal::Hash::kSha384); break;
    default: return std::nullopt;
  }
  std::string lower = owner.Lowercase().wire();
  return internal::Digest(md, lower, dnskey_rdata);
}

std::optional<std::string> Nsec3Hash(const dns::Name& name, uint8_t hash_algorithm,
                                     std::string_view salt, uint16_t iterations) {
  if (hash_algorithm != 1) return std::nullopt;
  const EVP_MD* md = internal::Md(internal::Hash::kSha1);
  unsigned char x[256];
  const std::string& w = name.wire();
  size_t n = std::min(w.size(), sizeof x);
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(w[i]);
    x[i] = (c >= 'A' && c <= 'Z') ? c + 32 : c;  // length octets are < 64: unchanged
  }
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = internal::ThreadMdCtx();
  // IH(salt, x, 0) = H(x || salt); IH(salt, x, k) = H(IH(salt, x, k-1) || salt).
  EVP_DigestInit_ex2(ctx, md, nullptr);
  EVP_DigestUpdate(ctx, x, n);
  EVP_DigestUpdate(ctx, salt.data(), salt.size());
  EVP_DigestFinal_ex(ctx, buf, &len);
  for (unsigned i = 0; i < iterations; ++i) {
    EVP_DigestInit_ex2(ctx, md, nullptr);
    EVP_DigestUpdate(ctx, buf, len);
    EVP_DigestUpdate(ctx, salt.data(), salt.size());
    EVP_DigestFinal_ex(ctx, buf, &len);
  }
  return std::string(reinterpret_cast<char*>(buf), len);
}

std::string Sha256(std::string_view data) {
  return internal::Digest(internal::Md(internal::Hash::kSha256), data, {});
}

std::string Sha256(std::string_view a, std::string_view b) {
  return internal::Digest(internal::Md(internal::Hash::kSha256), a, b);
}

}  // namespace rollcage::oracle
