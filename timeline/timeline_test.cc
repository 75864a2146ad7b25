#include "timeline/timeline.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "base/file.h"

namespace rollcage::timeline {
namespace {

std::string TmpDir(const std::string& name) {
  const char* t = std::getenv("TEST_TMPDIR");
  std::string d = std::string(t ? t : "/tmp") + "/" + name;
  EXPECT_TRUE(MakeDirs(d).ok());
  return d;
}

dns::Zone SmallZone(uint32_t serial) {
  dns::Name origin = *dns::Name::FromText("example.");
  dns::Zone z(origin);
  z.Add(*dns::RR::FromText("example. 300 IN SOA ns.example. h.example. " + std::to_string(serial) +
                               " 1 1 1 60", origin));
  z.Add(*dns::RR::FromText("www.example. 300 IN A 192.0.2.1", origin));
  return z;
}

TEST(Timeline, WriteThenReadIsIdentity) {
  Timeline tl;
  tl.origin = *dns::Name::FromText("example.");
  tl.AddZone(1000, SmallZone(1));
  tl.AddDs(1000, {*dns::RR::FromText("example. 7200 IN DS 1 13 2 " + std::string(64, 'A'), tl.origin)}, 7200);
  tl.AddNote(1500, "fault injected: C_Sign CKR_DEVICE_ERROR # not a comment");
  tl.AddZone(2000, SmallZone(2));
  tl.AddDs(3000, {}, 7200);
  tl.end = 9000;
  std::string dir = TmpDir("tl1");
  ASSERT_TRUE(WriteTimeline(tl, dir).ok());
  auto back = ReadTimeline(dir);
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_EQ(back->zones.size(), 2u);
  EXPECT_EQ(back->zones[1].published, 2000);
  EXPECT_EQ(back->zones[1].zone.records(), tl.zones[1].zone.records());
  ASSERT_EQ(back->parent_ds.size(), 2u);
  EXPECT_EQ(back->parent_ds[0].ds.size(), 1u);
  EXPECT_EQ(back->parent_ds[0].ttl, 7200u);
  EXPECT_TRUE(back->parent_ds[1].ds.empty());
  ASSERT_EQ(back->notes.size(), 1u);
  EXPECT_EQ(back->notes[0].time, 1500);
  EXPECT_EQ(*back->end, 9000);
}

TEST(Timeline, HandWrittenIndexErrorsNameTheLine) {
  std::string dir = TmpDir("tl2");
  ASSERT_TRUE(MakeDirs(dir + "/z").ok());
  ASSERT_TRUE(SmallZone(1).Save(dir + "/z/a.db").ok());
  auto write = [&](const std::string& index) { ASSERT_TRUE(WriteFileAtomic(dir + "/index", index).ok()); };

  write("origin example.\n2026-01-01T00:00:00Z zone z/a.db\n");
  EXPECT_TRUE(ReadTimeline(dir).ok());

  write("origin example.\n2026-01-01T00:00:00Z zone z/a.db\nyesterday zone z/a.db\n");
  auto r = ReadTimeline(dir);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("index:3:"), std::string::npos) << r.status().message();

  write("origin example.\n2026-01-01T00:00:00Z zone ../../etc/passwd\n");
  EXPECT_FALSE(ReadTimeline(dir).ok());
  write("origin example.\n2026-01-01T00:00:00Z zone z/missing.db\n");
  EXPECT_EQ(ReadTimeline(dir).status().kind(), ErrorKind::kIo);
  write("origin example.\n2026-01-02T00:00:00Z zone z/a.db\n2026-01-01T00:00:00Z zone z/a.db\n");
  EXPECT_FALSE(ReadTimeline(dir).ok());
  write("2026-01-01T00:00:00Z zone z/a.db\n");
  EXPECT_FALSE(ReadTimeline(dir).ok());
  write("origin example.\n2026-01-01T00:00:00Z blob z/a.db\n");
  EXPECT_FALSE(ReadTimeline(dir).ok());
  EXPECT_EQ(ReadTimeline(dir + "/nonexistent").status().kind(), ErrorKind::kIo);
}

}  // namespace
}  // namespace rollcage::timeline
