#include "signer-under-test/signature_verifier.h"

#include <gtest/gtest.h>

#include "signer-under-test/openssl_key_store.h"

namespace rollcage::signer {
namespace {

class PerAlgorithm : public ::testing::TestWithParam<Algorithm> {};

TEST_P(PerAlgorithm, AcceptsGoodAndRejectsBadSignatures) {
  OpenSslKeyStore store({.seed = 4});
  auto a = store.Generate({GetParam(), "a"});
  auto b = store.Generate({GetParam(), "b"});
  ASSERT_TRUE(a.ok() && b.ok());
  auto v = SignatureVerifier::Create({*a, *b});
  ASSERT_TRUE(v.ok()) << v.status().message();
  auto sig = store.Sign(a->id, "data");
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(v->Verify(*a, "data", *sig));
  EXPECT_FALSE(v->Verify(*a, "datA", *sig));
  EXPECT_FALSE(v->Verify(*b, "data", *sig));  // another key, same algorithm
  std::string flipped = *sig;
  flipped[flipped.size() / 2] ^= 0x40;
  EXPECT_FALSE(v->Verify(*a, "data", flipped));
  EXPECT_FALSE(v->Verify(*a, "data", sig->substr(1)));
  EXPECT_FALSE(v->Verify(*a, "data", ""));
  KeyInfo unknown = *a;
  unknown.id = "0000";
  EXPECT_FALSE(v->Verify(unknown, "data", *sig));
}

INSTANTIATE_TEST_SUITE_P(Algorithms, PerAlgorithm,
                         ::testing::Values(Algorithm::kRsaSha256, Algorithm::kEcdsaP256Sha256, Algorithm::kEd25519),
                         [](const auto& info) { return std::string(AlgorithmName(info.param)); });

TEST(SignatureVerifierTest, MalformedPublicKeysAreKeyErrors) {
  KeyInfo k;
  k.id = "x";
  k.algorithm = Algorithm::kEcdsaP256Sha256;
  k.public_key = std::string(63, '\1');
  EXPECT_EQ(SignatureVerifier::Create({k}).status().kind(), ErrorKind::kKey);
  k.public_key = std::string(64, '\1');  // not a point on the curve
  EXPECT_EQ(SignatureVerifier::Create({k}).status().kind(), ErrorKind::kKey);
  k.algorithm = Algorithm::kRsaSha256;
  k.public_key = std::string("\x03\x01\x00", 3);  // exponent, no modulus
  EXPECT_EQ(SignatureVerifier::Create({k}).status().kind(), ErrorKind::kKey);
  k.algorithm = Algorithm::kEd25519;
  k.public_key = std::string(31, '\1');
  EXPECT_EQ(SignatureVerifier::Create({k}).status().kind(), ErrorKind::kKey);
}

}  // namespace
}  // namespace rollcage::signer
