#include "oracle/crypto.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "base/subprocess.h"
#include "dns/rr.h"
#include "oracle/testing/signers.h"

namespace rollcage::oracle {
namespace {

// RFC 4034 §5.4: the example DNSKEY and its DS.
constexpr char kRfc4034Key[] =
    "dskey.example.com. 86400 IN DNSKEY 256 3 5 AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZ"
    "DRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==";

TEST(Crypto, KeyTagAndDsOfTheRfc4034Example) {
  auto rr = dns::RR::FromText(kRfc4034Key, dns::Name::Root());
  ASSERT_TRUE(rr.ok()) << rr.status().message();
  EXPECT_EQ(KeyTag(rr->rdata), 60485);
  auto sha1 = DsDigest(rr->owner, rr->rdata, 1);
  ASSERT_TRUE(sha1);
  EXPECT_EQ(HexEncode(*sha1), "2BB183AF5F22588179A53B0A98631FAD1A292118");
  // SHA-256 as ldns-key2ds -2 computes it.
  auto sha256 = DsDigest(rr->owner, rr->rdata, 2);
  ASSERT_TRUE(sha256);
  EXPECT_EQ(HexEncode(*sha256), "D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F6A1E4469DA50A");
  // The owner is lowercased before hashing.
  auto upper = dns::Name::FromText("DSKEY.Example.COM.");
  EXPECT_EQ(DsDigest(*upper, rr->rdata, 1), sha1);
  EXPECT_FALSE(DsDigest(rr->owner, rr->rdata, 3));  // GOST: not supported
  EXPECT_EQ(DsDigest(rr->owner, rr->rdata, 4)->size(), 48u);
}

TEST(Crypto, KeyTagIsTotal) {
  EXPECT_EQ(KeyTag(""), 0);
  EXPECT_EQ(KeyTag(std::string("\x01\x00\x03\x01", 4)), KeyTag(std::string("\x01\x00\x03\x01", 4)));
  EXPECT_EQ(KeyTag(std::string("\x01\x00\x03\x01\xAB\xCD\xEF", 7)), 0xABCD);  // RFC 4034 B.1 (RSAMD5)
}

// RFC 5155 Appendix A: salt aabbccdd, 12 iterations.
TEST(Crypto, Nsec3HashesOfRfc5155AppendixA) {
  std::string salt = *HexDecode("aabbccdd");
  auto h = [&](const char* n) {
    return Base32HexEncode(*Nsec3Hash(*dns::Name::FromText(n), 1, salt, 12));
  };
  EXPECT_EQ(h("example."), "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom");
  EXPECT_EQ(h("a.example."), "35mthgpgcu1qg68fab165klnsnk3dpvl");
  EXPECT_EQ(h("ai.example."), "gjeqe526plbf1g8mklp59enfd789njgi");
  EXPECT_EQ(h("ns1.example."), "2t7b4g4vsa5smi47k61mv5bv1a22bojr");
  EXPECT_EQ(h("*.w.example."), "r53bq7cc2uvmubfu5ocmm6pers9tk9en");
  EXPECT_EQ(h("x.w.example."), "b4um86eghhds6nea196smvmlo4ors995");
  EXPECT_EQ(h("A.EXAMPLE."), h("a.example."));
  EXPECT_FALSE(Nsec3Hash(*dns::Name::FromText("example."), 2, salt, 12));
}

// Cross-check against ldns's own tools: ldns-nsec3-hash, and ldns-keygen's key tags and DS files.
TEST(Crypto, AgreesWithLdnsTools) {
  auto r = RunCommand({"ldns-nsec3-hash", "-t", "0", "example."});
  ASSERT_TRUE(r.ok() && r->exit_code == 0);
  EXPECT_EQ(r->out.substr(0, 32), Base32HexEncode(*Nsec3Hash(*dns::Name::FromText("example."), 1, "", 0)));

  std::string dir = testing::FreshDir("keys");
  for (const char* alg : {"RSASHA256", "ECDSAP256SHA256", "ECDSAP384SHA384", "ED25519", "ED448"}) {
    std::vector<std::string> argv = {"ldns-keygen", "-a", alg, "-k"};
    if (std::string(alg) == "RSASHA256") argv.insert(argv.end(), {"-b", "1024"});
    argv.push_back("keys.example.");
    auto k = RunCommand(argv, RunOptions{{}, "", dir, 60});
    ASSERT_TRUE(k.ok() && k->exit_code == 0) << alg;
    std::string base = k->out.substr(0, k->out.find('\n'));
    uint16_t tag = uint16_t(std::stoi(base.substr(base.rfind('+') + 1)));
    RunResult cat = *RunCommand({"cat", dir + "/" + base + ".key", dir + "/" + base + ".ds"});
    // .key line, then .ds line
    size_t nl = cat.out.find('\n');
    std::string key_line = cat.out.substr(0, cat.out.find(';'));
    auto key = dns::RR::FromText(key_line, dns::Name::Root());
    auto ds = dns::RR::FromText(cat.out.substr(nl + 1), dns::Name::Root());
    ASSERT_TRUE(key.ok() && ds.ok()) << cat.out;
    EXPECT_EQ(KeyTag(key->rdata), tag) << alg;
    std::string_view d = ds->rdata;
    EXPECT_EQ(ReadU16(reinterpret_cast<const unsigned char*>(d.data())), tag);
    auto digest = DsDigest(key->owner, key->rdata, uint8_t(d[3]));
    ASSERT_TRUE(digest) << alg;
    EXPECT_EQ(*digest, d.substr(4)) << alg;
  }
}

TEST(Crypto, AlgorithmTable) {
  for (int a : {5, 7, 8, 10, 13, 14, 15, 16}) EXPECT_TRUE(AlgorithmSupported(uint8_t(a))) << a;
  for (int a : {0, 1, 3, 6, 12, 17, 253, 254}) EXPECT_FALSE(AlgorithmSupported(uint8_t(a))) << a;
  EXPECT_EQ(AlgorithmName(13), "ECDSAP256SHA256");
  EXPECT_EQ(AlgorithmName(99), "ALG99");
}

}  // namespace
}  // namespace rollcage::oracle
