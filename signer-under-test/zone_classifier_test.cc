#include "signer-under-test/zone_classifier.h"

#include <gtest/gtest.h>

#include <map>

namespace rollcage::signer {
namespace {

constexpr char kCheckZone[] = R"($ORIGIN check.test.
$TTL 3600
@ IN SOA ns1 host 1 7200 3600 1209600 3600
@ NS ns1
ns1 A 192.0.2.1
www A 192.0.2.2
*.wild TXT "w"
a.b.c.ent AAAA 2001:db8::1
sub NS ns.sub
ns.sub A 192.0.2.3
sec NS ns.elsewhere.example.
sec DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
dname DNAME elsewhere.example.
x.dname A 192.0.2.9
deep.ins.dept NS ns.example.net.
deep.sec.dept NS ns.example.net.
deep.sec.dept DS 1 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
)";

Result<ClassifiedZone> Classify(const std::string& text) {
  auto zone = dns::Zone::Parse(text);
  if (!zone.ok()) return zone.status();
  return ClassifyZone(zone->records(), zone->origin());
}

std::map<std::string, const ZoneNode*> ByName(const ClassifiedZone& z) {
  std::map<std::string, const ZoneNode*> out;
  for (const auto& n : z.nodes) out[n.name.ToText()] = &n;
  return out;
}

TEST(ZoneClassifierTest, ClassifiesEveryKindOfName) {
  auto z = Classify(kCheckZone);
  ASSERT_TRUE(z.ok()) << z.status().message();
  auto n = ByName(*z);
  auto kind = [&](const std::string& name) {
    EXPECT_TRUE(n.count(name)) << name;
    return n.count(name) ? n[name]->kind : NodeKind::kOccluded;
  };
  EXPECT_EQ(z->apex().name.ToText(), "check.test.");
  EXPECT_EQ(kind("check.test."), NodeKind::kApex);
  EXPECT_EQ(kind("ns1.check.test."), NodeKind::kAuthoritative);
  EXPECT_EQ(kind("*.wild.check.test."), NodeKind::kAuthoritative);
  EXPECT_EQ(kind("wild.check.test."), NodeKind::kEmptyNonTerminal);
  EXPECT_EQ(kind("a.b.c.ent.check.test."), NodeKind::kAuthoritative);
  EXPECT_EQ(kind("b.c.ent.check.test."), NodeKind::kEmptyNonTerminal);
  EXPECT_EQ(kind("c.ent.check.test."), NodeKind::kEmptyNonTerminal);
  EXPECT_EQ(kind("ent.check.test."), NodeKind::kEmptyNonTerminal);
  EXPECT_EQ(kind("sub.check.test."), NodeKind::kDelegation);
  EXPECT_FALSE(n["sub.check.test."]->secure);
  EXPECT_EQ(kind("ns.sub.check.test."), NodeKind::kOccluded);
  EXPECT_EQ(kind("sec.check.test."), NodeKind::kDelegation);
  EXPECT_TRUE(n["sec.check.test."]->secure);
  EXPECT_EQ(kind("dname.check.test."), NodeKind::kAuthoritative);
  EXPECT_EQ(kind("x.dname.check.test."), NodeKind::kOccluded);
  // ENTs above delegations only: "secure" tells whether one below is a secure delegation.
  EXPECT_EQ(kind("ins.dept.check.test."), NodeKind::kEmptyNonTerminal);
  EXPECT_FALSE(n["ins.dept.check.test."]->secure);
  EXPECT_EQ(kind("sec.dept.check.test."), NodeKind::kEmptyNonTerminal);
  EXPECT_TRUE(n["sec.dept.check.test."]->secure);
  EXPECT_EQ(kind("dept.check.test."), NodeKind::kEmptyNonTerminal);
  EXPECT_TRUE(n["dept.check.test."]->secure);
  EXPECT_TRUE(n["ent.check.test."]->secure);
  // No ENT below a cut.
  EXPECT_FALSE(n.count("sub.sub.check.test."));
  // Canonical order.
  for (size_t i = 1; i < z->nodes.size(); ++i) EXPECT_LT(z->nodes[i - 1].name, z->nodes[i].name);
}

TEST(ZoneClassifierTest, RrsetTtlIsTheSmallest) {
  auto z = Classify("$ORIGIN t.\n@ 60 SOA a b 1 2 3 4 5\nx 300 A 192.0.2.1\nx 100 A 192.0.2.2\n");
  ASSERT_TRUE(z.ok());
  auto n = ByName(*z);
  EXPECT_EQ(n["x.t."]->Find(dns::rrtype::kA)->ttl, 100u);
  EXPECT_EQ(n["x.t."]->Find(dns::rrtype::kA)->rdatas.size(), 2u);
}

TEST(ZoneClassifierTest, BadZonesNameTheOwner) {
  struct Case {
    const char* text;
    const char* expect;
  };
  const Case kCases[] = {
      {"$ORIGIN t.\nx A 192.0.2.1\n", "no SOA"},
      {"$ORIGIN t.\n@ SOA a b 1 2 3 4 5\nx DS 1 13 2 00\n", "x.t.: DS record without a delegation"},
      {"$ORIGIN t.\n@ SOA a b 1 2 3 4 5\n@ DS 1 13 2 00\n", "DS record at the zone apex"},
      {"$ORIGIN t.\n@ SOA a b 1 2 3 4 5\nx CNAME y\nx A 192.0.2.1\n", "x.t.: CNAME and A"},
      {"$ORIGIN t.\n@ SOA a b 1 2 3 4 5\nx SOA a b 1 2 3 4 5\n", "x.t.: SOA record outside the apex"},
      {"$ORIGIN t.\n@ SOA a b 1 2 3 4 5\n@ SOA a b 2 2 3 4 5\n", "more than one SOA"},
  };
  for (const auto& c : kCases) {
    auto z = Classify(c.text);
    ASSERT_FALSE(z.ok()) << c.text;
    EXPECT_EQ(z.status().kind(), ErrorKind::kBadInput);
    EXPECT_NE(z.status().message().find(c.expect), std::string::npos) << z.status().message();
  }
  auto zone = dns::Zone::Parse("$ORIGIN t.\n@ SOA a b 1 2 3 4 5\n");
  ASSERT_TRUE(zone.ok());
  auto records = zone->records();
  records.push_back(*dns::RR::FromText("x.other. 300 IN A 192.0.2.1", dns::Name::Root()));
  auto z = ClassifyZone(records, zone->origin());
  ASSERT_FALSE(z.ok());
  EXPECT_NE(z.status().message().find("outside the zone"), std::string::npos);
}

}  // namespace
}  // namespace rollcage::signer
