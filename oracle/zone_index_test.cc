#include "oracle/zone_index.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "dns/zone.h"

namespace rollcage::oracle {
namespace {

dns::Name N(const std::string& s) { return *dns::Name::FromText(s); }

TEST(ZoneIndex, RolesRrsetsAndCanonicalOrder) {
  auto z = dns::Zone::Parse(R"($ORIGIN ex.
@ SOA ns hm 1 2 3 4 5
@ NS ns
ns A 192.0.2.1
WWW A 192.0.2.2
www A 192.0.2.3
www 60 AAAA ::1
sub NS ns.sub
sub DS 1 13 2 00
ns.sub A 192.0.2.4
deep.below.sub A 192.0.2.5
d DNAME other.
x.d A 192.0.2.6
a.b.c TXT "x"
)");
  ASSERT_TRUE(z.ok()) << z.status().message();
  z->Add(dns::RR{N("www.ex."), dns::rrtype::kRRSIG, 1, 3600, std::string("\x00\x01\x0d", 3)});
  z->Add(dns::RR{N("www.ex."), dns::rrtype::kRRSIG, 1, 3600, std::string("\x00\x10\x0d", 3)});
  z->Add(dns::RR{N("www.ex."), dns::rrtype::kRRSIG, 1, 3600, std::string("\x00", 1)});
  z->Add(dns::RR{N("out.other."), dns::rrtype::kA, 1, 3600, "abcd"});
  ZoneIndex ix = ZoneIndex::Build(*z, N("ex."));
  ASSERT_GE(ix.apex(), 0);
  EXPECT_EQ(ix.nodes()[ix.apex()].kind, NodeKind::kApex);
  auto kind = [&](const char* n) { return ix.nodes()[ix.FindNode(N(n))].kind; };
  EXPECT_EQ(kind("sub.ex."), NodeKind::kDelegation);
  EXPECT_EQ(kind("ns.sub.ex."), NodeKind::kBelowCut);
  EXPECT_EQ(kind("deep.below.sub.ex."), NodeKind::kBelowCut);
  EXPECT_EQ(kind("d.ex."), NodeKind::kAuthoritative);
  EXPECT_EQ(kind("x.d.ex."), NodeKind::kBelowCut);  // occluded by the DNAME
  EXPECT_EQ(kind("a.b.c.ex."), NodeKind::kAuthoritative);
  EXPECT_EQ(kind("out.other."), NodeKind::kOutOfZone);
  EXPECT_EQ(ix.FindNode(N("b.c.ex.")), -1);  // an empty non-terminal holds no node
  int www = ix.FindNode(N("WwW.ex."));
  const auto* a = ix.Find(www, dns::rrtype::kA);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->records.size(), 2u);  // WWW and www: one owner
  EXPECT_EQ(a->sigs.size(), 1u);
  EXPECT_EQ(ix.nodes()[www].orphan_sigs.size(), 1u);    // covers TXT, absent
  EXPECT_EQ(ix.nodes()[www].malformed_sigs.size(), 1u);
  EXPECT_EQ(ix.rrsig_count(), 3u);
  const auto* aaaa = ix.Find(www, dns::rrtype::kAAAA);
  EXPECT_EQ(aaaa->ttl, 60u);
  for (size_t i = 1; i < ix.nodes().size(); ++i) {
    EXPECT_LT(dns::CanonicalCompare(ix.nodes()[i - 1].name->wire(), ix.nodes()[i].name->wire()), 0);
  }
}

// Found by the zone fuzz target: an apex DNAME occludes the names below the apex, but not the
// zone's own NSEC3 records at hashed names one label down.
TEST(ZoneIndex, ApexDnameLeavesNsec3Records) {
  auto z = dns::Zone::Parse(R"($ORIGIN ex.
$TTL 60
@ SOA ns hm 1 2 3 4 5
@ DNAME other.
www A 192.0.2.2
3msev9usmd4br9s97v51r2tdvmr9iqo1 NSEC3 1 0 0 - 3MSEV9USMD4BR9S97V51R2TDVMR9IQO1 SOA DNAME RRSIG
deeper.3msev9usmd4br9s97v51r2tdvmr9iqo1 NSEC3 1 0 0 - 3MSEV9USMD4BR9S97V51R2TDVMR9IQO1 A
)");
  ASSERT_TRUE(z.ok()) << z.status().message();
  ZoneIndex ix = ZoneIndex::Build(*z, N("ex."));
  auto kind = [&](const char* n) { return ix.nodes()[ix.FindNode(N(n))].kind; };
  EXPECT_EQ(kind("www.ex."), NodeKind::kBelowCut);
  EXPECT_EQ(kind("3msev9usmd4br9s97v51r2tdvmr9iqo1.ex."), NodeKind::kAuthoritative);
  EXPECT_EQ(kind("deeper.3msev9usmd4br9s97v51r2tdvmr9iqo1.ex."), NodeKind::kBelowCut);  // not one label down
}

TEST(ZoneIndex, SortKeyOrderIsCanonicalOrder) {
  bool ok = rc::check("memcmp order of sort keys == CanonicalCompare", [] {
    auto label = rc::gen::container<std::string>(*rc::gen::inRange(1, 4),
                                                 rc::gen::element<char>('\0', '\x01', 'a', 'A', 'b', 'z', '-', '\xff'));
    auto make = [&] {
      dns::Name n;
      int labels = *rc::gen::inRange(0, 4);
      for (int i = 0; i < labels; ++i) n = *n.Prepend(*label);
      return n;
    };
    dns::Name a = make(), b = make();
    int c = dns::CanonicalCompare(a.wire(), b.wire());
    int k = CanonicalSortKey(a.wire()).compare(CanonicalSortKey(b.wire()));
    RC_ASSERT((c < 0) == (k < 0));
    RC_ASSERT((c == 0) == (k == 0));
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace rollcage::oracle
