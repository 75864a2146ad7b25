#include "signer-under-test/key_tag.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "dns/rr.h"

namespace rollcage::signer {
namespace {

dns::RR Parse(const std::string& text) {
  auto rr = dns::RR::FromText(text, dns::Name::Root());
  EXPECT_TRUE(rr.ok()) << rr.status().message();
  return rr.ok() ? *rr : dns::RR{};
}

TEST(KeyTagTest, Rfc4034Section5_4Example) {
  dns::RR key = Parse(
      "dskey.example.com. 86400 IN DNSKEY 256 3 5 AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/"
      "2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9Xzc"
      "nOf+EPbtG9DMBmADjFDc2w/rljwvFw==");
  EXPECT_EQ(KeyTag(key.rdata), 60485);
}

TEST(KeyTagTest, Rfc6605Section6_1DsSha256) {
  dns::RR key = Parse(
      "example.net. 3600 IN DNSKEY 257 3 13 GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edb"
      "krSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==");
  EXPECT_EQ(KeyTag(key.rdata), 55648);
  auto ds = MakeDs(key.owner, key.rdata);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ(ds->key_tag, 55648);
  EXPECT_EQ(ds->algorithm, 13);
  EXPECT_EQ(ds->digest_type, 2);
  EXPECT_EQ(HexEncode(ds->digest), "B4C8C1FE2E7477127B27115656AD6256F424625BF5C1E2770CE6D6E37DF61D17");
}

TEST(KeyTagTest, Rfc8080Section6_1DsSha256) {
  dns::RR key = Parse("example.com. 3600 IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=");
  EXPECT_EQ(KeyTag(key.rdata), 3613);
  auto ds = MakeDs(key.owner, key.rdata);
  ASSERT_TRUE(ds.ok());
  EXPECT_EQ(HexEncode(ds->digest), "3AA5AB37EFCE57F737FC1627013FEE07BDF241BD10F3B1964AB55C78E79A304B");
}

TEST(KeyTagTest, DsOwnerIsCaseInsensitive) {
  dns::RR key = Parse("EXAMPLE.COM. 3600 IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=");
  auto ds = MakeDs(key.owner, key.rdata);
  ASSERT_TRUE(ds.ok());
  EXPECT_EQ(HexEncode(ds->digest), "3AA5AB37EFCE57F737FC1627013FEE07BDF241BD10F3B1964AB55C78E79A304B");
}

TEST(KeyTagTest, UnsupportedDigestTypeIsAnError) {
  dns::RR key = Parse("example.com. 3600 IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=");
  EXPECT_FALSE(MakeDs(key.owner, key.rdata, 1).ok());
  EXPECT_FALSE(MakeDs(key.owner, "\x01", 2).ok());
}

}  // namespace
}  // namespace rollcage::signer
