#include "base/encoding.h"

#include <gtest/gtest.h>

namespace rollcage {
namespace {

TEST(Encoding, HexRoundTrip) {
  EXPECT_EQ(HexEncode(std::string("\x01\xab\xff", 3)), "01ABFF");
  EXPECT_EQ(*HexDecode("01 ab FF"), std::string("\x01\xab\xff", 3));
  EXPECT_FALSE(HexDecode("0").has_value());
  EXPECT_FALSE(HexDecode("zz").has_value());
}

TEST(Encoding, Base64Rfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(*Base64Decode("Zm9v YmE="), "fooba");
  EXPECT_FALSE(Base64Decode("Zm9v!").has_value());
}

TEST(Encoding, Base32HexRfc4648Vectors) {
  // RFC 4648 §10, without padding and in lower case.
  EXPECT_EQ(Base32HexEncode("f"), "co");
  EXPECT_EQ(Base32HexEncode("fo"), "cpng");
  EXPECT_EQ(Base32HexEncode("foo"), "cpnmu");
  EXPECT_EQ(Base32HexEncode("foobar"), "cpnmuoj1e8");
  EXPECT_EQ(*Base32HexDecode("CPNMUOJ1E8"), "foobar");
  EXPECT_FALSE(Base32HexDecode("w").has_value());
}

}  // namespace
}  // namespace rollcage
