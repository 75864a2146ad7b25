#include "dns/rdata.h"

#include <gtest/gtest.h>

#include <random>

#include "dns/rr.h"

namespace rollcage::dns {
namespace {

TEST(Rdata, TypeBitmapRoundTrip) {
  std::set<uint16_t> types = {1, 2, 6, 46, 47, 48, 257, 65534};
  auto enc = EncodeTypeBitmap(types);
  auto dec = DecodeTypeBitmap(enc);
  ASSERT_TRUE(dec.ok());
  EXPECT_EQ(*dec, types);
  // RFC 4034 §4.3 example: A MX RRSIG NSEC TYPE1234.
  auto rr = RR::FromText("alfa.example.com. 86400 IN NSEC host.example.com. A MX RRSIG NSEC TYPE1234",
                         Name());
  ASSERT_TRUE(rr.ok()) << rr.status().message();
  auto nsec = NsecData::Parse(rr->rdata);
  ASSERT_TRUE(nsec.ok());
  EXPECT_EQ(nsec->types, (std::set<uint16_t>{1, 15, 46, 47, 1234}));
  EXPECT_EQ(nsec->Encode(), rr->rdata);
}

TEST(Rdata, RejectsBadBitmaps) {
  EXPECT_FALSE(DecodeTypeBitmap(std::string("\x00", 1)).ok());
  EXPECT_FALSE(DecodeTypeBitmap(std::string("\x00\x00", 2)).ok());
  EXPECT_FALSE(DecodeTypeBitmap(std::string("\x00\x21", 2)).ok());
  EXPECT_FALSE(DecodeTypeBitmap(std::string("\x01\x01\x40\x00\x01\x40", 6)).ok());
}

TEST(Rdata, RrsigDnskeyDsNsec3RoundTrip) {
  Name origin = *Name::FromText("example.");
  const char* texts[] = {
      "example. 3600 IN RRSIG SOA 13 1 3600 20260101000000 20251201000000 12345 example. "
      "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==",
      "example. 3600 IN DNSKEY 257 3 13 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==",
      "sub.example. 3600 IN DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
      "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 3600 IN NSEC3 1 1 0 - 2t7b4g4vsa5smi47k61mv5bv1a22bojr NS SOA RRSIG",
      "example. 0 IN NSEC3PARAM 1 0 0 aabbccdd",
  };
  for (const char* t : texts) {
    auto rr = RR::FromText(t, origin);
    ASSERT_TRUE(rr.ok()) << t << ": " << rr.status().message();
    std::string re;
    switch (rr->type) {
      case rrtype::kRRSIG: re = RrsigData::Parse(rr->rdata)->Encode(); break;
      case rrtype::kDNSKEY: re = DnskeyData::Parse(rr->rdata)->Encode(); break;
      case rrtype::kDS: re = DsData::Parse(rr->rdata)->Encode(); break;
      case rrtype::kNSEC3: re = Nsec3Data::Parse(rr->rdata)->Encode(); break;
      case rrtype::kNSEC3PARAM: re = Nsec3ParamData::Parse(rr->rdata)->Encode(); break;
    }
    EXPECT_EQ(re, rr->rdata) << t;
    auto back = RR::FromText(rr->ToText(), origin);
    ASSERT_TRUE(back.ok()) << rr->ToText();
    EXPECT_EQ(*back, *rr) << rr->ToText();
  }
  auto n3 = Nsec3Data::Parse(RR::FromText(texts[3], origin)->rdata);
  EXPECT_TRUE(n3->OptOut());
  EXPECT_EQ(n3->types, (std::set<uint16_t>{2, 6, 46}));
}

TEST(Rdata, TruncatedRdataIsAnErrorNotACrash) {
  std::string full = RrsigData{1, 13, 1, 3600, 2, 1, 7, *Name::FromText("example."), "sig"}.Encode();
  for (size_t n = 0; n < full.size(); ++n) {
    auto r = RrsigData::Parse(std::string_view(full).substr(0, n));
    if (n < 19 + 8) EXPECT_FALSE(r.ok()) << n;
  }
}

TEST(Rr, CanonicalRdataLowercasesNamesButNotNsec) {
  Name origin = *Name::FromText("example.");
  auto mx = RR::FromText("example. 300 IN MX 10 MAIL.Example.", origin);
  ASSERT_TRUE(mx.ok());
  EXPECT_EQ(mx->CanonicalRdata().substr(2), Name::FromText("mail.example.")->wire());
  auto nsec = RR::FromText("example. 300 IN NSEC Next.Example. A", origin);
  ASSERT_TRUE(nsec.ok());
  EXPECT_EQ(nsec->CanonicalRdata(), nsec->rdata);
}

// CompareCanonicalRdata agrees with comparing CanonicalRdata copies, with and without capitals.
TEST(Rr, CompareCanonicalRdataMatchesTheCopies) {
  Name o = *Name::FromText("example.");
  std::vector<RR> rrs;
  for (const char* t : {"a MX 10 Mail.example.", "a MX 10 mail.example.", "a MX 10 mail.Example.", "a MX 9 b.example.",
                        "a MX 10 mail.example.com.", "a NSEC B.example. A", "a NSEC b.example. A", "a A 1.2.3.4",
                        "a A 1.2.3.5", "a SOA NS.example. h.example. 1 2 3 4 5", "a SOA ns.example. H.example. 1 2 3 4 5"}) {
    auto rr = RR::FromText(t, o);
    ASSERT_TRUE(rr.ok()) << t;
    rrs.push_back(*rr);
  }
  auto sign = [](int c) { return (c > 0) - (c < 0); };
  for (const auto& a : rrs) {
    for (const auto& b : rrs) {
      if (a.type != b.type) continue;
      EXPECT_EQ(sign(CompareCanonicalRdata(a.type, a.rdata, b.rdata)),
                sign(a.CanonicalRdata().compare(b.CanonicalRdata())))
          << a.ToText() << " vs " << b.ToText();
    }
  }
  EXPECT_EQ(CompareCanonicalRdata(rrtype::kMX, rrs[0].rdata, rrs[1].rdata), 0);
  EXPECT_NE(CompareCanonicalRdata(rrtype::kNSEC, rrs[5].rdata, rrs[6].rdata), 0);  // RFC 6840 §5.1
}

// The same on arbitrary octets (truncated names, compression-pointer octets, capitals in a
// signature), for every type with names in its RDATA: RRSIG names among raw octets, SOA two names
// then integers, MX a prefix, NS a name alone.
TEST(Rr, CompareCanonicalRdataMatchesTheCopiesOnArbitraryOctets) {
  std::mt19937 rng(20261129);
  const char alphabet[] = {0, 1, 2, 3, 'A', 'Z', 'a', 'z', '@', '[', '`', '{', 63, 64, char(0xc0), char(0xff)};
  auto random_rdata = [&]() {
    std::string r(rng() % 40, '\0');
    for (auto& c : r) c = rng() % 2 ? alphabet[rng() % sizeof alphabet] : char(rng());
    return r;
  };
  auto sign = [](int c) { return (c > 0) - (c < 0); };
  int checked = 0;
  for (uint16_t type : {rrtype::kRRSIG, rrtype::kSOA, rrtype::kMX, rrtype::kNS, rrtype::kSRV, uint16_t(26)}) {
    for (int i = 0; i < 3000; ++i) {
      std::string a = random_rdata(), b = i % 3 ? random_rdata() : a;
      if (i % 3 == 0) {
        for (auto& c : b) {  // the same but for case
          if (c >= 'a' && c <= 'z' && rng() % 2) c = char(c - 32);
        }
      }
      ASSERT_EQ(sign(CompareCanonicalRdata(type, a, b)), sign(CanonicalRdata(type, a).compare(CanonicalRdata(type, b))))
          << "type " << type << " case " << i;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 18000);
}

TEST(Rr, WireRoundTripAndTruncation) {
  auto rr = RR::FromText("www.example. 300 IN A 192.0.2.1", Name());
  ASSERT_TRUE(rr.ok());
  std::string w = rr->ToWire();
  size_t pos = 0;
  auto back = RR::ReadWire(w, &pos);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, *rr);
  EXPECT_EQ(pos, w.size());
  for (size_t n = 0; n < w.size(); ++n) {
    size_t p = 0;
    EXPECT_FALSE(RR::ReadWire(std::string_view(w).substr(0, n), &p).ok()) << n;
  }
}

}  // namespace
}  // namespace rollcage::dns
