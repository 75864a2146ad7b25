#include "dns/name.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>

namespace rollcage::dns {
namespace {

Name N(const char* s) { return *Name::FromText(s); }

TEST(Name, ParsesAndPrints) {
  EXPECT_EQ(N("www.Example.com.").ToText(), "www.Example.com.");
  EXPECT_EQ(N(".").ToText(), ".");
  EXPECT_EQ(N("a\\.b.c.").LabelCount(), 2);
  EXPECT_EQ(N("a\\.b.c.").ToText(), "a\\.b.c.");
  EXPECT_EQ(N("\\065.c.").ToText(), "A.c.");
  EXPECT_EQ(N("\\000x.c.").ToText(), "\\000x.c.");
  EXPECT_TRUE(N("*.x.").IsWildcard());
}

TEST(Name, RelativeToOrigin) {
  Name origin = N("example.com.");
  EXPECT_EQ(Name::FromText("www", &origin)->ToText(), "www.example.com.");
  EXPECT_EQ(Name::FromText("@", &origin)->ToText(), "example.com.");
  EXPECT_EQ(Name::FromText("abs.", &origin)->ToText(), "abs.");
}

TEST(Name, RejectsMalformed) {
  EXPECT_FALSE(Name::FromText("a..b.").ok());
  EXPECT_FALSE(Name::FromText(std::string(64, 'a') + ".").ok());
  EXPECT_FALSE(Name::FromText("\\256.").ok());
  EXPECT_FALSE(Name::FromText("a\\").ok());
  EXPECT_FALSE(Name::FromText("a\\12").ok());
  std::string longname;
  for (int i = 0; i < 60; ++i) longname += "abcd.";
  EXPECT_FALSE(Name::FromText(longname).ok());
  EXPECT_FALSE(Name::FromWire(std::string("\x03" "ab", 3)).ok());
  EXPECT_FALSE(Name::FromWire(std::string("\xc0\x0c", 2)).ok());
}

TEST(Name, SubdomainAndParent) {
  EXPECT_TRUE(N("a.b.EXAMPLE.").IsSubdomainOf(N("example.")));
  EXPECT_TRUE(N("example.").IsSubdomainOf(N("example.")));
  EXPECT_FALSE(N("xexample.").IsSubdomainOf(N("example.")));
  EXPECT_FALSE(N("example.").IsSubdomainOf(N("a.example.")));
  EXPECT_EQ(N("a.b.c.").Parent(), N("b.c."));
  EXPECT_EQ(N("a.b.c.").Suffix(1), N("c."));
}

// The example of RFC 4034 §6.1, in canonical order.
TEST(Name, CanonicalOrderRfc4034) {
  std::vector<std::string> ordered = {"example.", "a.example.", "yljkjljk.a.example.",
                                      "Z.a.example.", "zABC.a.EXAMPLE.", "z.example.",
                                      "\\001.z.example.", "*.z.example.", "\\200.z.example."};
  std::vector<Name> names;
  for (const auto& s : ordered) names.push_back(N(s.c_str()));
  std::vector<Name> shuffled(names.rbegin(), names.rend());
  std::sort(shuffled.begin(), shuffled.end());
  ASSERT_EQ(shuffled.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(shuffled[i], names[i]) << i;
}

TEST(Name, TextRoundTripProperty) {
  EXPECT_TRUE(rc::check("text round trip of arbitrary labels", [](std::vector<std::string> labels) {
    std::string wire;
    for (auto& l : labels) {
      if (l.empty() || l.size() > 63) continue;
      if (wire.size() + l.size() + 2 > 255) break;
      wire.push_back(char(l.size()));
      wire += l;
    }
    wire.push_back('\0');
    auto n = Name::FromWire(wire);
    RC_ASSERT(n.ok());
    auto back = Name::FromText(n->ToText());
    RC_ASSERT(back.ok());
    RC_ASSERT(back->wire() == wire);
  }));
}

}  // namespace
}  // namespace rollcage::dns
