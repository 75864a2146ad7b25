#include "oracle/public_key.h"

#include <gtest/gtest.h>

#include "base/encoding.h"

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

}  // namespace
}  // namespace rollcage::oracle
