#include "signer-under-test/nsec3_hash.h"

#include <gtest/gtest.h>

#include "base/encoding.h"

namespace rollcage::signer {
namespace {

std::string HashText(const std::string& name, const std::string& salt_hex, uint16_t iterations) {
  auto n = dns::Name::FromText(name);
  EXPECT_TRUE(n.ok());
  return Base32HexEncode(Nsec3Hash(*n, *HexDecode(salt_hex), iterations));
}

// RFC 5155 Appendix A: salt aabbccdd, 12 iterations.
TEST(Nsec3HashTest, Rfc5155AppendixA) {
  const std::pair<const char*, const char*> kCases[] = {
      {"example.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"},
      {"a.example.", "35mthgpgcu1qg68fab165klnsnk3dpvl"},
      {"ai.example.", "gjeqe526plbf1g8mklp59enfd789njgi"},
      {"ns1.example.", "2t7b4g4vsa5smi47k61mv5bv1a22bojr"},
      {"ns2.example.", "q04jkcevqvmu85r014c7dkba38o0ji5r"},
      {"w.example.", "k8udemvp1j2f7eg6jebps17vp3n8i58h"},
      {"*.w.example.", "r53bq7cc2uvmubfu5ocmm6pers9tk9en"},
      {"x.w.example.", "b4um86eghhds6nea196smvmlo4ors995"},
      {"y.w.example.", "ji6neoaepv8b5o6k4ev33abha8ht9fgc"},
      {"x.y.w.example.", "2vptu5timamqttgl4luu9kg21e0aor3s"},
      {"xx.example.", "t644ebqk9bibcna874givr6joj62mlhv"},
  };
  for (const auto& [name, hash] : kCases) EXPECT_EQ(HashText(name, "aabbccdd", 12), hash) << name;
}

TEST(Nsec3HashTest, CaseInsensitive) {
  EXPECT_EQ(HashText("X.W.Example.", "aabbccdd", 12), "b4um86eghhds6nea196smvmlo4ors995");
}

TEST(Nsec3HashTest, Rfc9276DefaultsDifferFromIterated) {
  // 0 extra iterations and an empty salt is a single SHA-1 of the wire name.
  std::string h0 = HashText("example.", "", 0);
  EXPECT_EQ(h0.size(), 32u);
  EXPECT_NE(h0, HashText("example.", "", 1));
  EXPECT_NE(h0, HashText("example.", "00", 0));
}

}  // namespace
}  // namespace rollcage::signer
