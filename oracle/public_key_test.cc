#include "oracle/public_key.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <memory>

#include "base/encoding.h"
#include "oracle/crypto.h"

namespace rollcage::oracle {
namespace {

TEST(PublicKey, RejectsMalformedKeysByName) {
  auto p = PublicKey::Parse(13, std::string(63, 'x'));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().kind(), ErrorKind::kBadInput);
  EXPECT_NE(p.status().message().find("64 octets"), std::string::npos);
  // 64 octets that are not a point on P-256.
  auto off = PublicKey::Parse(13, std::string(64, '\x01'));
  ASSERT_FALSE(off.ok());
  EXPECT_NE(off.status().message().find("not a point"), std::string::npos);
  EXPECT_FALSE(PublicKey::Parse(15, std::string(31, 'x')).ok());
  EXPECT_FALSE(PublicKey::Parse(8, "").ok());
  EXPECT_FALSE(PublicKey::Parse(8, std::string("\x03\x01\x00\x01", 4)).ok());        // no modulus
  EXPECT_FALSE(PublicKey::Parse(8, std::string("\x00", 1)).ok());                    // truncated length
  EXPECT_FALSE(PublicKey::Parse(8, std::string("\x01\x03", 2) + std::string(8, '\xff')).ok());  // 64-bit modulus
  auto unsupported = PublicKey::Parse(12, std::string(64, 'x'));
  ASSERT_FALSE(unsupported.ok());
  EXPECT_EQ(unsupported.status().kind(), ErrorKind::kEnvironment);
}

TEST(PublicKey, EcdsaRawToDer) {
  std::string r(32, '\0'), s(32, '\0');
  r[31] = 1;
  s[0] = '\x80';
  std::string der = EcdsaRawToDer(r + s);
  // SEQUENCE { INTEGER 1, INTEGER 0x00 0x80 ... }
  EXPECT_EQ(HexEncode(der.substr(0, 7)), "30260201010221");
  EXPECT_EQ(der[7], 0);
  EXPECT_EQ(der.size(), 2u + 3 + 2 + 33);
  EXPECT_TRUE(EcdsaRawToDer("abc").empty());
}

TEST(PublicKey, MalformedSignaturesAreNotValid) {
  // A valid P-256 point: the generator.
  std::string g = *HexDecode(
      "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296"
      "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5");
  auto k = PublicKey::Parse(13, g);
  ASSERT_TRUE(k.ok()) << k.status().message();
  EXPECT_EQ((*k)->Verify("data", std::string(63, 'x')), PublicKey::Outcome::kMalformedSignature);
  EXPECT_EQ((*k)->Verify("data", std::string(64, 'x')), PublicKey::Outcome::kInvalid);
  EXPECT_EQ((*k)->Verify("data", std::string(64, '\0')), PublicKey::Outcome::kInvalid);
}


// ECDSA is verified on OpenSSL's curve arithmetic directly (not through EVP): it must agree with
// EVP_PKEY_verify on valid signatures and on every way of breaking one, for P-256 and P-384.
TEST(PublicKey, EcdsaAgreesWithOpenSslEvp) {
  struct Curve {
    uint8_t alg;
    const char* name;
    size_t half;
  };
  int valid = 0, compared = 0;
  for (Curve c : {Curve{13, "P-256", 32}, Curve{14, "P-384", 48}}) {
    const BIGNUM* n = EC_GROUP_get0_order(EcdsaGroup(c.alg));
    std::string order(c.half, '\0');
    ASSERT_EQ(BN_bn2binpad(n, reinterpret_cast<unsigned char*>(order.data()), int(c.half)), int(c.half));
    for (int k = 0; k < 6; ++k) {
      std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen(c.name), EVP_PKEY_free);
      ASSERT_TRUE(key);
      unsigned char pub[1 + 96];
      size_t len = 0;
      ASSERT_EQ(EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &len), 1);
      ASSERT_EQ(len, 1 + 2 * c.half);
      auto pk = PublicKey::Parse(c.alg, std::string(reinterpret_cast<char*>(pub + 1), len - 1));
      ASSERT_TRUE(pk.ok()) << pk.status().message();
      std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> sctx(EVP_PKEY_CTX_new(key.get(), nullptr),
                                                                         EVP_PKEY_CTX_free);
      std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> vctx(EVP_PKEY_CTX_new(key.get(), nullptr),
                                                                         EVP_PKEY_CTX_free);
      ASSERT_EQ(EVP_PKEY_sign_init(sctx.get()), 1);
      ASSERT_EQ(EVP_PKEY_verify_init(vctx.get()), 1);
      for (int m = 0; m < 8; ++m) {
        std::string digest = PublicKey::Digest(c.alg, "message " + std::to_string(k) + "/" + std::to_string(m));
        unsigned char der[160];
        size_t der_len = sizeof der;
        ASSERT_EQ(EVP_PKEY_sign(sctx.get(), der, &der_len, reinterpret_cast<const unsigned char*>(digest.data()),
                                digest.size()),
                  1);
        const unsigned char* p = der;
        std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> es(d2i_ECDSA_SIG(nullptr, &p, long(der_len)),
                                                                 ECDSA_SIG_free);
        ASSERT_TRUE(es);
        std::string r(c.half, '\0'), s(c.half, '\0');
        BN_bn2binpad(ECDSA_SIG_get0_r(es.get()), reinterpret_cast<unsigned char*>(r.data()), int(c.half));
        BN_bn2binpad(ECDSA_SIG_get0_s(es.get()), reinterpret_cast<unsigned char*>(s.data()), int(c.half));
        // n - s: the other valid signature for the same r (ECDSA is malleable).
        std::unique_ptr<BIGNUM, decltype(&BN_free)> ns(BN_dup(n), BN_free);
        BN_sub(ns.get(), ns.get(), ECDSA_SIG_get0_s(es.get()));
        std::string neg_s(c.half, '\0');
        BN_bn2binpad(ns.get(), reinterpret_cast<unsigned char*>(neg_s.data()), int(c.half));
        std::string zero(c.half, '\0'), flipped_r = r, flipped_s = s;
        flipped_r[c.half - 1 - m % 4] ^= char(1 << m % 8);
        flipped_s[m % 4] ^= char(0x80 >> m % 8);
        std::string other_digest = digest;
        other_digest[m] ^= 1;
        struct Case {
          std::string digest, sig;
        } cases[] = {{digest, r + s},     {digest, r + neg_s},     {digest, flipped_r + s}, {digest, r + flipped_s},
                     {digest, zero + s},  {digest, r + zero},      {digest, order + s},     {digest, r + order},
                     {digest, s + r},     {other_digest, r + s}};
        for (const Case& t : cases) {
          std::string d = EcdsaRawToDer(t.sig);
          bool evp = EVP_PKEY_verify(vctx.get(), reinterpret_cast<const unsigned char*>(d.data()), d.size(),
                                     reinterpret_cast<const unsigned char*>(t.digest.data()), t.digest.size()) == 1;
          bool ours = (*pk)->VerifyDigest(t.digest, t.sig) == PublicKey::Outcome::kValid;
          EXPECT_EQ(ours, evp) << c.name << " key " << k << " message " << m << " case " << (&t - cases);
          EXPECT_EQ((*pk)->Verify("x", t.sig) == PublicKey::Outcome::kValid, false);
          valid += ours;
          ++compared;
        }
      }
    }
  }
  EXPECT_EQ(compared, 2 * 6 * 8 * 10);
  EXPECT_EQ(valid, 2 * 6 * 8 * 2);  // each signature and its n - s twin; nothing else
}

}  // namespace
}  // namespace rollcage::oracle
