#include "signer-under-test/openssl_key_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "base/encoding.h"
#include "signer-under-test/internal/openssl_util.h"
#include "signer-under-test/testing/verify.h"

namespace rollcage::signer {
namespace {

bool Verify(const KeyInfo& key, std::string_view data, std::string_view sig) {
  return test_support::VerifyWithOpenSsl(key, data, sig);
}

class PerAlgorithm : public ::testing::TestWithParam<Algorithm> {};

TEST_P(PerAlgorithm, SeededKeysAreDeterministicAndSignaturesVerify) {
  OpenSslKeyStore a({.seed = 7}), b({.seed = 7}), c({.seed = 8});
  KeySpec spec{GetParam(), "example. ksk"};
  auto ka = a.Generate(spec), kb = b.Generate(spec), kc = c.Generate(spec);
  ASSERT_TRUE(ka.ok()) << ka.status().message();
  ASSERT_TRUE(kb.ok() && kc.ok());
  EXPECT_EQ(ka->public_key, kb->public_key);
  EXPECT_EQ(ka->id, kb->id);
  EXPECT_NE(ka->public_key, kc->public_key);
  EXPECT_EQ(ka->id, KeyIdFor(GetParam(), ka->public_key));
  EXPECT_EQ(ka->id.size(), 32u);
  auto other = a.Generate({GetParam(), "example. zsk"});
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->public_key, ka->public_key);

  size_t expected_size = GetParam() == Algorithm::kRsaSha256 ? 256 : 64;
  if (GetParam() == Algorithm::kRsaSha256) {
    EXPECT_EQ(ka->public_key.size(), 1u + 3u + 256u);  // e = 65537 (3 octets), 2048-bit modulus
  } else {
    EXPECT_EQ(ka->public_key.size(), GetParam() == Algorithm::kEd25519 ? 32u : 64u);
  }
  auto sig = a.Sign(ka->id, "data to sign");
  ASSERT_TRUE(sig.ok()) << sig.status().message();
  EXPECT_EQ(sig->size(), expected_size);
  EXPECT_TRUE(Verify(*ka, "data to sign", *sig));
  EXPECT_FALSE(Verify(*ka, "data to sigN", *sig));
  // Deterministic signatures for every algorithm (RFC 6979 for ECDSA).
  auto sig2 = b.Sign(kb->id, "data to sign");
  ASSERT_TRUE(sig2.ok());
  EXPECT_EQ(*sig, *sig2);
}

TEST_P(PerAlgorithm, ExportImportRoundTrip) {
  OpenSslKeyStore a({.seed = 3}), b;
  auto ka = a.Generate({GetParam(), "k"});
  ASSERT_TRUE(ka.ok());
  auto der = a.ExportPkcs8(ka->id);
  ASSERT_TRUE(der.ok());
  auto kb = b.Import({GetParam(), "imported"}, *der);
  ASSERT_TRUE(kb.ok()) << kb.status().message();
  EXPECT_EQ(kb->id, ka->id);
  EXPECT_EQ(kb->label, "imported");
  auto again = b.Import({GetParam(), "again"}, *der);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(b.List()->size(), 1u);
  auto derived = DeriveKeyPkcs8(3, {GetParam(), "k"});
  ASSERT_TRUE(derived.ok());
  auto pub = PublicKeyOfPkcs8(*derived);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->public_key, ka->public_key);
  auto pem = internal::Pkcs8DerToPem(*der);
  ASSERT_TRUE(pem.ok());
  EXPECT_NE(pem->find("BEGIN PRIVATE KEY"), std::string::npos);
  auto back = internal::Pkcs8PemToDer(*pem);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(PublicKeyOfPkcs8(*back)->public_key, ka->public_key);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, PerAlgorithm,
                         ::testing::Values(Algorithm::kRsaSha256, Algorithm::kEcdsaP256Sha256, Algorithm::kEd25519),
                         [](const auto& info) { return std::string(AlgorithmName(info.param)); });

// RFC 6979 Appendix A.2.5: P-256, SHA-256, messages "sample" and "test".
TEST(OpenSslKeyStoreTest, Rfc6979P256Vectors) {
  auto der = Pkcs8FromRawPrivate(Algorithm::kEcdsaP256Sha256,
                                 *HexDecode("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721"));
  ASSERT_TRUE(der.ok()) << der.status().message();
  OpenSslKeyStore store;
  auto key = store.Import({Algorithm::kEcdsaP256Sha256, "rfc6979"}, *der);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(HexEncode(key->public_key),
            "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"
            "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299");
  auto sample = store.Sign(key->id, "sample");
  ASSERT_TRUE(sample.ok());
  EXPECT_EQ(HexEncode(*sample),
            "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716"
            "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8");
  auto test = store.Sign(key->id, "test");
  ASSERT_TRUE(test.ok());
  EXPECT_EQ(HexEncode(*test),
            "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367"
            "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083");
}

// RFC 8080 §6.1: the Ed25519 example key.
TEST(OpenSslKeyStoreTest, Rfc8080ExampleKey) {
  auto der = Pkcs8FromRawPrivate(Algorithm::kEd25519, *Base64Decode("ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI="));
  ASSERT_TRUE(der.ok());
  auto pub = PublicKeyOfPkcs8(*der);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(Base64Encode(pub->public_key), "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=");
}

// PkeyToPkcs8Der writes P-256 and Ed25519 keys by hand: byte for byte what OpenSSL's encoder writes,
// for keys made from material, from raw scalars and parsed back from DER.
TEST(OpenSslKeyStoreTest, HandWrittenPkcs8IsOpenSsls) {
  for (Algorithm alg : {Algorithm::kEcdsaP256Sha256, Algorithm::kEd25519}) {
    for (int i = 0; i < 64; ++i) {
      auto der = i % 2 ? DeriveKeyPkcs8(uint64_t(i), {alg, "k" + std::to_string(i)}) : RandomKeyPkcs8({alg, "r"});
      ASSERT_TRUE(der.ok()) << der.status().message();
      EXPECT_EQ(der->size(), alg == Algorithm::kEd25519 ? 48u : 138u);
      auto pkey = internal::PkeyFromPkcs8Der(*der);
      ASSERT_TRUE(pkey.ok());
      auto mine = internal::PkeyToPkcs8Der(pkey->get());
      auto theirs = internal::PkeyToPkcs8DerByOpenSsl(pkey->get());
      ASSERT_TRUE(mine.ok() && theirs.ok());
      EXPECT_EQ(HexEncode(*mine), HexEncode(*theirs)) << AlgorithmName(alg) << " key " << i;
      EXPECT_EQ(*mine, *der);
    }
  }
  // A scalar with leading zero octets keeps its 32 octets.
  std::string small(31, '\0');
  small.push_back('\x05');
  auto der = Pkcs8FromRawPrivate(Algorithm::kEcdsaP256Sha256, small);
  ASSERT_TRUE(der.ok());
  auto pkey = internal::PkeyFromPkcs8Der(*der);
  ASSERT_TRUE(pkey.ok());
  EXPECT_EQ(HexEncode(*der), HexEncode(*internal::PkeyToPkcs8DerByOpenSsl(pkey->get())));
}

TEST(OpenSslKeyStoreTest, RandomEcdsaNoncesStillVerify) {
  OpenSslKeyStore store({.seed = 1, .deterministic_ecdsa = false});
  auto key = store.Generate({Algorithm::kEcdsaP256Sha256, "k"});
  ASSERT_TRUE(key.ok());
  auto s1 = store.Sign(key->id, "x"), s2 = store.Sign(key->id, "x");
  ASSERT_TRUE(s1.ok() && s2.ok());
  EXPECT_NE(*s1, *s2);
  EXPECT_TRUE(Verify(*key, "x", *s1));
  EXPECT_TRUE(Verify(*key, "x", *s2));
}

TEST(OpenSslKeyStoreTest, UnseededKeysDiffer) {
  OpenSslKeyStore store;
  auto a = store.Generate({Algorithm::kEd25519, "same"}), b = store.Generate({Algorithm::kEd25519, "same"});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->public_key, b->public_key);
  EXPECT_EQ(store.List()->size(), 2u);
}

TEST(OpenSslKeyStoreTest, MissingKeyAndBadImportAreKeyErrors) {
  OpenSslKeyStore store({.seed = 1});
  auto s = store.Sign("00112233", "x");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().kind(), ErrorKind::kKey);
  EXPECT_NE(s.status().message().find("00112233"), std::string::npos);
  EXPECT_EQ(store.Delete("00112233").kind(), ErrorKind::kKey);
  EXPECT_EQ(store.Import({Algorithm::kEd25519, "x"}, "not der").status().kind(), ErrorKind::kKey);
  auto ec = DeriveKeyPkcs8(1, {Algorithm::kEcdsaP256Sha256, "x"});
  ASSERT_TRUE(ec.ok());
  auto wrong = store.Import({Algorithm::kEd25519, "x"}, *ec);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("ECDSAP256SHA256"), std::string::npos);
  auto key = store.Generate({Algorithm::kEd25519, "x"});
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(store.Delete(key->id).ok());
  EXPECT_FALSE(store.Get(key->id).ok());
}

TEST(OpenSslKeyStoreTest, ConcurrentSigning) {
  OpenSslKeyStore store({.seed = 5});
  auto key = store.Generate({Algorithm::kEcdsaP256Sha256, "k"});
  ASSERT_TRUE(key.ok());
  auto expected = store.Sign(key->id, "msg");
  ASSERT_TRUE(expected.ok());
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto s = store.Sign(key->id, "msg");
        if (!s.ok() || *s != *expected) ++mismatches;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace rollcage::signer
