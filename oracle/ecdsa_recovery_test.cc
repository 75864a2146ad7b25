#include "oracle/ecdsa_recovery.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include <algorithm>

#include "oracle/public_key.h"

namespace rollcage::oracle {
namespace {

struct Made {
  std::string public_key;  // X || Y
  std::string digest;
  std::string signature;   // r || s
};

// Makes a key on the curve and signs digest(message) with it, with OpenSSL alone.
Made SignWithFreshKey(const char* curve, const EVP_MD* md, size_t half, const std::string& message) {
  Made m;
  EVP_PKEY* key = EVP_EC_gen(curve);
  unsigned char pub[1 + 2 * 48];
  size_t len = 0;
  EVP_PKEY_get_octet_string_param(key, "pub", pub, sizeof pub, &len);
  m.public_key.assign(reinterpret_cast<char*>(pub + 1), len - 1);
  unsigned char d[64];
  unsigned dl = 0;
  EVP_Digest(message.data(), message.size(), d, &dl, md, nullptr);
  m.digest.assign(reinterpret_cast<char*>(d), dl);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
  EVP_PKEY_sign_init(ctx);
  size_t siglen = 0;
  EVP_PKEY_sign(ctx, nullptr, &siglen, d, dl);
  std::string der(siglen, '\0');
  EVP_PKEY_sign(ctx, reinterpret_cast<unsigned char*>(der.data()), &siglen, d, dl);
  der.resize(siglen);
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* s = d2i_ECDSA_SIG(nullptr, &p, long(der.size()));
  std::string raw(2 * half, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(s), reinterpret_cast<unsigned char*>(raw.data()), int(half));
  BN_bn2binpad(ECDSA_SIG_get0_s(s), reinterpret_cast<unsigned char*>(raw.data()) + half, int(half));
  m.signature = raw;
  ECDSA_SIG_free(s);
  EVP_PKEY_CTX_free(ctx);
  EVP_PKEY_free(key);
  return m;
}

bool Contains(const std::vector<std::string>& v, const std::string& k) {
  return std::find(v.begin(), v.end(), k) != v.end();
}

TEST(EcdsaRecovery, RecoversTheSigningKeyP256) {
  for (int i = 0; i < 20; ++i) {
    Made m = SignWithFreshKey("P-256", EVP_sha256(), 32, "message " + std::to_string(i));
    auto keys = RecoverEcdsaPublicKeys(13, m.digest, m.signature);
    EXPECT_GE(keys.size(), 2u);
    EXPECT_TRUE(Contains(keys, m.public_key)) << i;
    // Every candidate makes the signature verify (that is what recovery means).
    for (const auto& k : keys) {
      auto pk = PublicKey::Parse(13, k);
      ASSERT_TRUE(pk.ok());
      EXPECT_EQ((*pk)->VerifyDigest(m.digest, m.signature), PublicKey::Outcome::kValid);
    }
  }
}

TEST(EcdsaRecovery, RecoversTheSigningKeyP384) {
  Made m = SignWithFreshKey("P-384", EVP_sha384(), 48, "p384");
  EXPECT_TRUE(Contains(RecoverEcdsaPublicKeys(14, m.digest, m.signature), m.public_key));
}

TEST(EcdsaRecovery, OtherDataRecoversOtherKeys) {
  Made m = SignWithFreshKey("P-256", EVP_sha256(), 32, "signed");
  std::string other = m.digest;
  other[0] ^= 1;
  EXPECT_FALSE(Contains(RecoverEcdsaPublicKeys(13, other, m.signature), m.public_key));
}

TEST(EcdsaRecovery, MalformedInputGivesNothing) {
  Made m = SignWithFreshKey("P-256", EVP_sha256(), 32, "x");
  EXPECT_TRUE(RecoverEcdsaPublicKeys(13, m.digest, m.signature.substr(1)).empty());
  EXPECT_TRUE(RecoverEcdsaPublicKeys(13, m.digest, std::string(64, '\0')).empty());
  EXPECT_TRUE(RecoverEcdsaPublicKeys(13, m.digest, std::string(64, '\xff')).empty());  // r, s ≥ n
  EXPECT_TRUE(RecoverEcdsaPublicKeys(8, m.digest, m.signature).empty());
  EXPECT_TRUE(RecoverEcdsaPublicKeys(13, "", m.signature).empty());
}

}  // namespace
}  // namespace rollcage::oracle
