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

// CanonicalCompare (label offsets, an equal-names fast path) against the definition of RFC 4034
// §6.1: labels compared from the rightmost, each as lowercased octets, a missing label first.
TEST(Name, CanonicalCompareMatchesTheDefinitionProperty) {
  auto reference = [](const std::string& a, const std::string& b) {
    auto labels = [](const std::string& w) {
      std::vector<std::string> out;
      for (size_t p = 0; p < w.size() && w[p] != 0; p += 1 + static_cast<unsigned char>(w[p])) {
        std::string l = w.substr(p + 1, static_cast<unsigned char>(w[p]));
        for (char& c : l) c = (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
        out.insert(out.begin(), l);
      }
      return out;
    };
    auto la = labels(a), lb = labels(b);
    return la < lb ? -1 : (lb < la ? 1 : 0);
  };
  EXPECT_TRUE(rc::check("canonical order", [&](std::vector<std::string> la, std::vector<std::string> lc,
                                               bool same_labels, uint8_t flip) {
    // Short labels over a small alphabet (so that names share labels and differ in case only).
    auto wire_of = [](const std::vector<std::string>& labels, bool upper) {
      std::string w;
      for (const auto& l : labels) {
        std::string t = l.substr(0, 3);
        if (t.empty() || w.size() + t.size() + 2 > 255) continue;
        w.push_back(char(t.size()));
        for (char c : t) w.push_back(char((upper ? 'A' : 'a') + (static_cast<unsigned char>(c) % 3)));
      }
      w.push_back('\0');
      return w;
    };
    std::string a = wire_of(la, false);
    std::vector<std::string> lb = la;
    if (!same_labels && !lb.empty()) lb[flip % lb.size()] += "x";
    std::string b = wire_of(lb, flip & 1);
    RC_ASSERT(CanonicalCompare(a, b) == reference(a, b));
    RC_ASSERT(CanonicalCompare(b, a) == reference(b, a));
    RC_ASSERT(CanonicalCompare(a, a) == 0);
    std::string c = wire_of(lc, flip & 2);  // unrelated, often of the same length
    RC_ASSERT(CanonicalCompare(a, c) == reference(a, c));
    RC_ASSERT(CanonicalCompare(c, b) == reference(c, b));
  }));
  // 127 one-octet labels: the most a name holds.
  std::string deep;
  for (int i = 0; i < 127; ++i) deep += std::string("\001a", 2);
  deep.push_back('\0');
  std::string deeper_b = deep;
  deeper_b[1] = 'b';
  EXPECT_EQ(CanonicalCompare(deep, deeper_b), -1);
  EXPECT_EQ(CanonicalCompare(deeper_b, deep), 1);
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
