#include <gtest/gtest.h>

#include "harness/sim/parent.h"
#include "harness/sim/sim_clock.h"

namespace rollcage::harness {
namespace {

TEST(SimClock, SkewAndJumpsMoveOnlyTheSignersClock) {
  SimClock c(1000);
  c.SetSkew(-3600);
  EXPECT_EQ(c.SignerNow(), 1000 - 3600);
  c.Jump(7200);
  EXPECT_EQ(c.SignerNow(), 1000 + 3600);
  c.AdvanceTo(500);  // true time never goes back
  EXPECT_EQ(c.Now(), 1000);
  c.AdvanceTo(2000);
  EXPECT_EQ(c.TrueTimeFor(c.SignerNow() + 10), 2010);
}

TEST(EventQueue, DeterministicTieBreak) {
  EventQueue q;
  std::vector<std::string> order;
  q.Schedule(10, 1, "b", [&] { order.push_back("b"); });
  q.Schedule(10, 0, "a", [&] { order.push_back("a"); });
  q.Schedule(5, 9, "first", [&] { order.push_back("first"); });
  q.Schedule(10, 1, "c", [&] { order.push_back("c"); });
  while (!q.Empty()) q.Pop().action();
  EXPECT_EQ(order, (std::vector<std::string>{"first", "a", "b", "c"}));
}

TEST(SimParent, RegistrarDelayAndVersions) {
  SimParent p(7200);
  dns::Name o = *dns::Name::FromText("example.");
  auto ds = [&](int tag) {
    return *dns::RR::FromText("example. 1 IN DS " + std::to_string(tag) + " 13 2 " + std::string(64, 'A'), o);
  };
  p.set_registrar_delay(100);
  p.Submit({ds(1)}, 1000);
  EXPECT_FALSE(p.Update(1099));
  EXPECT_TRUE(p.Update(1100));
  EXPECT_EQ(p.Current().size(), 1u);
  EXPECT_EQ(p.Current()[0].ttl, 7200u);
  p.Submit({ds(1)}, 1200);  // same set: no new version
  EXPECT_FALSE(p.Update(5000));
  p.Submit({ds(2)}, 6000);
  p.Submit({ds(1), ds(2)}, 6050);  // replaces the pending one
  EXPECT_EQ(*p.NextDue(), 6150);
  EXPECT_TRUE(p.Update(6200));
  EXPECT_EQ(p.Current().size(), 2u);
  ASSERT_EQ(p.versions().size(), 2u);
  EXPECT_EQ(p.versions()[1].published, 6150);
}

}  // namespace
}  // namespace rollcage::harness
