#include "testing/zone_generator.h"

#include <gtest/gtest.h>

#include <set>

namespace rollcage::testing {
namespace {

TEST(ZoneGeneratorTest, SameSeedSameZoneOtherSeedOtherZone) {
  ZoneGeneratorOptions o;
  o.delegations = 200;
  auto a = ZoneGenerator(o).GenerateText();
  auto b = ZoneGenerator(o).GenerateText();
  o.seed = 2;
  auto c = ZoneGenerator(o).GenerateText();
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *c);
}

TEST(ZoneGeneratorTest, CountsAndShapes) {
  ZoneGeneratorOptions o;
  o.origin = "gen.test.";
  o.delegations = 1000;
  o.ds_percent = 30;
  o.glue_percent = 10;
  GeneratedZoneStats st;
  auto zone = ZoneGenerator(o).Generate(&st);
  ASSERT_TRUE(zone.ok()) << zone.status().message();
  EXPECT_EQ(zone->origin().ToText(), "gen.test.");
  EXPECT_EQ(st.delegations, 1000);
  EXPECT_GE(st.names, 1000);
  EXPECT_EQ(int(zone->size()), st.records);
  // Percentages land near their targets.
  EXPECT_GT(st.secure_delegations, 240);
  EXPECT_LT(st.secure_delegations, 360);
  EXPECT_GT(st.glue_delegations, 60);
  EXPECT_LT(st.glue_delegations, 140);
  std::set<std::string> ns_owners, ds_owners, owners;
  bool wildcard = false, srv = false;
  for (const auto& r : zone->records()) {
    owners.insert(r.owner.ToText());
    if (r.type == dns::rrtype::kNS && !(r.owner == zone->origin())) ns_owners.insert(r.owner.ToText());
    if (r.type == dns::rrtype::kDS) ds_owners.insert(r.owner.ToText());
    wildcard |= r.owner.IsWildcard();
    srv |= r.type == dns::rrtype::kSRV;
  }
  EXPECT_EQ(ns_owners.size(), 1000u);
  EXPECT_EQ(int(ds_owners.size()), st.secure_delegations);
  for (const auto& d : ds_owners) EXPECT_TRUE(ns_owners.count(d)) << d;
  EXPECT_TRUE(wildcard);
  EXPECT_TRUE(srv);
  EXPECT_TRUE(owners.count("a.b.c.ent0.gen.test."));
  EXPECT_FALSE(owners.count("b.c.ent0.gen.test."));  // an empty non-terminal
}

TEST(ZoneGeneratorTest, BadOptionsAreUsageErrors) {
  ZoneGeneratorOptions o;
  o.ds_percent = 101;
  EXPECT_EQ(ZoneGenerator(o).GenerateText().status().kind(), ErrorKind::kUsage);
  o = {};
  o.delegations = -1;
  EXPECT_EQ(ZoneGenerator(o).GenerateText().status().kind(), ErrorKind::kUsage);
  o = {};
  o.origin = "bad..name";
  EXPECT_EQ(ZoneGenerator(o).GenerateText().status().kind(), ErrorKind::kUsage);
}

TEST(ZoneGeneratorTest, ZeroDelegations) {
  ZoneGeneratorOptions o;
  o.delegations = 0;
  auto zone = ZoneGenerator(o).Generate();
  ASSERT_TRUE(zone.ok()) << zone.status().message();
  EXPECT_GT(zone->size(), 10u);
}

}  // namespace
}  // namespace rollcage::testing
