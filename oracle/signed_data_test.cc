#include "oracle/signed_data.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/encoding.h"
#include "dns/rdata.h"
#include "dns/rr.h"

namespace rollcage::oracle {
namespace {

std::string Rdata(const char* text) {
  auto rr = dns::RR::FromText(text, *dns::Name::FromText("example."));
  EXPECT_TRUE(rr.ok()) << text << ": " << rr.status().message();
  return rr.ok() ? rr->rdata : "";
}

TEST(SignedData, CanonicalRdataLowercasesTheNamesRfc4034Lists) {
  EXPECT_EQ(CanonicalRdata(2, Rdata("x NS NS1.Example.")), Rdata("x NS ns1.example."));
  EXPECT_EQ(CanonicalRdata(15, Rdata("x MX 10 MAIL.Example.")), Rdata("x MX 10 mail.example."));
  EXPECT_EQ(CanonicalRdata(33, Rdata("x SRV 1 2 3 T.Example.")), Rdata("x SRV 1 2 3 t.example."));
  EXPECT_EQ(CanonicalRdata(6, Rdata("x SOA A.Example. B.Example. 1 2 3 4 5")), Rdata("x SOA a.example. b.example. 1 2 3 4 5"));
  EXPECT_EQ(CanonicalRdata(35, Rdata("x NAPTR 1 2 \"S\" \"SIP+D2U\" \"\" _SIP._UDP.Example.")),
            Rdata("x NAPTR 1 2 \"S\" \"SIP+D2U\" \"\" _sip._udp.example."));
  // NSEC keeps its case (RFC 6840 §5.1); TXT and others are untouched.
  std::string nsec = Rdata("x NSEC Next.Example. A");
  EXPECT_EQ(CanonicalRdata(47, nsec), nsec);
  std::string txt = Rdata("x TXT \"ABC\"");
  EXPECT_EQ(CanonicalRdata(16, txt), txt);
  // Malformed RDATA is returned unchanged, never read past its end.
  EXPECT_EQ(CanonicalRdata(2, std::string("\x05" "AB", 3)), std::string("\x05" "AB", 3));
  EXPECT_EQ(CanonicalRdata(15, "A"), "A");
}

TEST(SignedData, RrsigViewParsesAndRejectsTruncation) {
  std::string r = Rdata("x RRSIG A 13 2 300 20350101000000 20210101000000 4711 Example. AAAA");
  auto v = RrsigView::Parse(r);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->type_covered, 1);
  EXPECT_EQ(v->algorithm, 13);
  EXPECT_EQ(v->labels, 2);
  EXPECT_EQ(v->key_tag, 4711);
  EXPECT_EQ(v->signature.size(), 3u);
  for (size_t n = 0; n < 18 + 9; ++n) EXPECT_FALSE(RrsigView::Parse(r.substr(0, n)).ok()) << n;
}

// A signer name of 256 octets with its root label is refused, as dns::RrsigData::Parse refuses it;
// 255 are accepted.
TEST(SignedData, RrsigViewRefusesSignerNamesOver255Octets) {
  auto rdata_with_name_of = [](size_t octets) {
    std::string r(18, '\0');
    size_t left = octets - 1;  // the root label
    while (left > 0) {
      size_t label = std::min<size_t>(63, left - 1);
      r.push_back(char(label));
      r.append(label, 'a');
      left -= label + 1;
    }
    r.push_back('\0');
    return r + "sig";
  };
  for (size_t octets : {254u, 255u, 256u}) {
    std::string r = rdata_with_name_of(octets);
    ASSERT_EQ(r.size(), 18 + octets + 3);
    bool ok = octets <= 255;
    EXPECT_EQ(RrsigView::Parse(r).ok(), ok) << octets;
    EXPECT_EQ(dns::RrsigData::Parse(r).ok(), ok) << octets;
  }
}

TEST(SignedData, BuildsSortedDedupedCanonicalData) {
  std::string sig = Rdata("x RRSIG NS 13 2 300 20350101000000 20210101000000 4711 EXAMPLE. AAAA");
  auto v = RrsigView::Parse(sig);
  auto owner = dns::Name::FromText("WWW.example.");
  std::string a = Rdata("x NS B.example."), b = Rdata("x NS a.example.");
  auto d1 = BuildSignedData(*v, *owner, 2, 1, {a, b, a});
  auto d2 = BuildSignedData(*v, *owner, 2, 1, {b, a});
  ASSERT_TRUE(d1.ok() && d2.ok());
  EXPECT_EQ(*d1, *d2);
  // Prefix: RRSIG RDATA without signature, signer lowercased.
  EXPECT_EQ(d1->substr(18, 9), std::string("\x07" "example\x00", 9));
  // Owner lowercased, TTL is the Original TTL (300).
  size_t p = v->without_signature.size();
  EXPECT_EQ(d1->substr(p, 13), std::string("\x03www\x07" "example\x00", 13));
  EXPECT_EQ(HexEncode(d1->substr(p + 13, 8)), "000200010000012C");
  // Two RRs: a.example. sorts before b.example.
  EXPECT_NE(d1->find(std::string("\x01" "a", 2)), std::string::npos);
  EXPECT_LT(d1->find(std::string("\x01" "a", 2)), d1->find(std::string("\x01" "b", 2)));
}

TEST(SignedData, WildcardOwnerFromLabels) {
  std::string sig = Rdata("x RRSIG TXT 13 2 300 20350101000000 20210101000000 4711 example. AAAA");
  auto v = RrsigView::Parse(sig);
  auto expanded = BuildSignedData(*v, *dns::Name::FromText("a.b.wild.example."), 16, 1, {Rdata("x TXT \"w\"")});
  auto literal = BuildSignedData(*v, *dns::Name::FromText("*.wild.example."), 16, 1, {Rdata("x TXT \"w\"")});
  ASSERT_TRUE(expanded.ok() && literal.ok());
  EXPECT_EQ(*expanded, *literal);
  EXPECT_EQ(RrsigLabelCount(*dns::Name::FromText("*.wild.example.")), 2);
  std::string too_many = Rdata("x RRSIG TXT 13 5 300 20350101000000 20210101000000 4711 example. AAAA");
  EXPECT_FALSE(BuildSignedData(*RrsigView::Parse(too_many), *dns::Name::FromText("a.example."), 16, 1, {}).ok());
}

}  // namespace
}  // namespace rollcage::oracle
