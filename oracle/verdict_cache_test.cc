#include "oracle/verdict_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "oracle/crypto.h"
#include "oracle/testing/signers.h"

namespace rollcage::oracle {
namespace {

TEST(VerdictCache, KeysSeparateContentAndKey) {
  std::string content = Sha256("signed data and signature"), key = Sha256("dnskey rdata");
  VerdictKey a = VerdictKey::Make(content, key);
  EXPECT_EQ(a, VerdictKey::Make(content, key));
  EXPECT_FALSE(a == VerdictKey::Make(Sha256("other content"), key));
  EXPECT_FALSE(a == VerdictKey::Make(content, Sha256("other key")));
}

TEST(VerdictCache, LookupInsertAndPersist) {
  VerdictCache c;
  VerdictKey yes = VerdictKey::Make(Sha256("1"), Sha256("k")), no = VerdictKey::Make(Sha256("2"), Sha256("k"));
  EXPECT_FALSE(c.Lookup(yes));
  c.Insert(yes, true);
  c.Insert(no, false);
  EXPECT_EQ(c.Lookup(yes), true);
  EXPECT_EQ(c.Lookup(no), false);
  EXPECT_EQ(c.hits(), 2u);
  EXPECT_EQ(c.misses(), 1u);
  std::string path = testing::FreshDir("cache") + "/verdicts";
  ASSERT_TRUE(c.Save(path).ok());
  VerdictCache d;
  ASSERT_TRUE(d.Load(path).ok());
  EXPECT_EQ(d.size(), 2u);
  EXPECT_EQ(d.Lookup(yes), true);
  EXPECT_EQ(d.Lookup(no), false);
  EXPECT_TRUE(d.Load(path + ".missing").ok());  // nothing to add
  ASSERT_TRUE(testing::WriteText(path + ".bad", "garbage").ok());
  EXPECT_EQ(d.Load(path + ".bad").kind(), ErrorKind::kBadInput);
}

TEST(VerdictCache, BoundedAndThreadSafe) {
  VerdictCache c(1000);
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&c, t] {
      for (int i = 0; i < 5000; ++i) {
        VerdictKey k = VerdictKey::Make(Sha256(std::to_string(t * 100000 + i)), Sha256("k"));
        c.Insert(k, i % 2 == 0);
        auto v = c.Lookup(k);
        if (v) EXPECT_EQ(*v, i % 2 == 0);
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_LE(c.size(), 1000u + 64u);
}

}  // namespace
}  // namespace rollcage::oracle
