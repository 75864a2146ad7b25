#include "dns/zone.h"
#include "dns/fast_zone_reader.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "dns/rdata.h"

namespace rollcage::dns {
namespace {

constexpr char kZone[] = R"($ORIGIN example.com.
$TTL 600
@   IN SOA ns1 hostmaster ( 2026010101 ; serial
        7200 3600 1209600 300 )
    IN NS ns1
ns1 IN A 192.0.2.1     ; a comment
www 300 IN A 192.0.2.2
txt IN TXT "a \"quoted\" ; string" "two"
esc\.aped IN A 192.0.2.3
sub IN NS ns.other.net.
$ORIGIN sub2.example.com.
deep IN AAAA 2001:db8::1
)";

TEST(Zone, LoadsMasterFileFeatures) {
  auto z = Zone::Parse(kZone);
  ASSERT_TRUE(z.ok()) << z.status().message();
  EXPECT_EQ(z->origin().ToText(), "example.com.");
  ASSERT_EQ(z->size(), 8u);
  const auto& r = z->records();
  EXPECT_EQ(r[0].type, rrtype::kSOA);
  EXPECT_EQ(r[0].ttl, 600u);
  EXPECT_EQ(SoaData::Parse(r[0].rdata)->serial, 2026010101u);
  EXPECT_EQ(SoaData::Parse(r[0].rdata)->mname.ToText(), "ns1.example.com.");
  EXPECT_EQ(r[1].owner.ToText(), "example.com.");  // blank owner: previous owner
  EXPECT_EQ(r[3].ttl, 300u);
  EXPECT_EQ(r[5].owner.ToText(), "esc\\.aped.example.com.");
  EXPECT_EQ(r[5].owner.LabelCount(), 3);
  EXPECT_EQ(r[7].owner.ToText(), "deep.sub2.example.com.");
}

TEST(Zone, PrintAndReloadIsIdentity) {
  auto z = Zone::Parse(kZone);
  ASSERT_TRUE(z.ok());
  z->SortCanonical();
  auto again = Zone::Parse(z->ToText(), {.origin = z->origin()});
  ASSERT_TRUE(again.ok()) << again.status().message();
  again->SortCanonical();
  EXPECT_EQ(again->records(), z->records());
}

TEST(Zone, ErrorsNameSourceAndLine) {
  auto z = Zone::Parse("$ORIGIN x.\n$TTL 60\n@ SOA a b 1 2 3 4 5\nwww A 999.1.1.1\n", {}, "bad.zone");
  ASSERT_FALSE(z.ok());
  EXPECT_EQ(z.status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(z.status().message().rfind("bad.zone:4:", 0), 0u) << z.status().message();

  auto out = Zone::Parse("$ORIGIN x.\nfoo.y. A 1.2.3.4\n", {}, "o.zone");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("outside the zone"), std::string::npos);

  EXPECT_FALSE(Zone::Parse("", {}, "empty").ok());
  EXPECT_FALSE(Zone::Parse("$INCLUDE /etc/passwd\n", {.origin = *Name::FromText("x.")}, "inc").ok());
  EXPECT_EQ(Zone::Load("/nonexistent/zone").status().kind(), ErrorKind::kIo);
}

// Found by the validate fuzz target: ldns read a NUL byte as the end of the text, so the records
// after it were dropped silently. Both readers reject it, naming the line.
TEST(Zone, NulByteIsAnErrorNotTheEndOfTheZone) {
  static const char kText[] = "$ORIGIN x.\n$TTL 60\n@ SOA a b 1 2 3 4 5\nins NS ns.pro\0\0vider.\nwww A 192.0.2.1\n";
  std::string text(kText, sizeof kText - 1);
  ASSERT_NE(text.find('\0'), std::string::npos);
  auto z = Zone::Parse(text, {}, "nul.zone");
  ASSERT_FALSE(z.ok());
  EXPECT_EQ(z.status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(z.status().message().rfind("nul.zone:4: a NUL byte", 0), 0u) << z.status().message();
  auto f = ParseZoneFast(text, {}, "nul.zone");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().message(), z.status().message());
}

// Found by the rr_roundtrip fuzz target: ldns read " CH APL" as a record of its own choosing.
TEST(Zone, RecordTextStartsWithItsOwner) {
  auto r = RR::FromText(" CH APL", *Name::FromText("x."));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("must start with its owner"), std::string::npos) << r.status().message();
  EXPECT_TRUE(RR::FromText("www 60 IN A 192.0.2.1", *Name::FromText("x.")).ok());
}

// Found by the rr_roundtrip fuzz target: the generic (RFC 3597) form printed every class as IN.
TEST(Zone, GenericFormKeepsTheClass) {
  auto r = RR::FromText("www 60 CH TYPE534 \\# 1 ab", *Name::FromText("x."));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->rrclass, 3);
  EXPECT_NE(r->ToText().find("\tCH\tTYPE534"), std::string::npos) << r->ToText();
  auto back = RR::FromText(r->ToText(), *Name::FromText("x."));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_TRUE(*back == *r);
}

TEST(Zone, TruncatedInputNeverCrashes) {
  std::string text = kZone;
  for (size_t n = 1; n < text.size(); n += 3) {
    auto z = Zone::Parse(std::string_view(text).substr(0, n));
    (void)z;  // either outcome is fine; the property is "no crash"
  }
  SUCCEED();
}

TEST(Zone, SortCanonicalDedups) {
  Zone z(*Name::FromText("e."));
  z.Add(*RR::FromText("b.e. 60 IN A 1.1.1.1", z.origin()));
  z.Add(*RR::FromText("a.e. 60 IN A 1.1.1.2", z.origin()));
  z.Add(*RR::FromText("A.e. 60 IN A 1.1.1.2", z.origin()));
  z.Add(*RR::FromText("a.e. 60 IN TXT x", z.origin()));
  z.SortCanonical();
  ASSERT_EQ(z.size(), 3u);
  EXPECT_EQ(z.records()[0].type, rrtype::kA);
  EXPECT_EQ(z.records()[1].type, rrtype::kTXT);
  auto sets = z.Rrsets();
  EXPECT_EQ(sets.size(), 3u);
}

// A zone made of k sorted runs (k = 1..12: merged pairwise up to 8, sorted beyond), with duplicates
// and names that differ only in case, sorts and deduplicates exactly as a full sort does.
TEST(Zone, SortCanonicalOfSortedRunsIsAFullSort) {
  const Name origin = *Name::FromText("e.");
  const char* owners[] = {"e.", "a.e.", "A.e.", "b.a.e.", "z.e.", "*.e.", "0.e.", "B.A.E."};
  const char* datas[] = {"60 IN A 192.0.2.1", "60 IN A 192.0.2.2", "60 IN TXT x", "60 IN NS ns.e.", "60 IN NS NS.e."};
  uint32_t state = 7;
  auto next = [&state](uint32_t n) {
    state = state * 1103515245u + 12345u;
    return (state >> 8) % n;
  };
  for (int round = 0; round < 300; ++round) {
    int k = 1 + round % 12;
    Zone z(origin);
    std::vector<RR> all;
    for (int r = 0; r < k; ++r) {
      std::vector<RR> run;
      int n = 1 + int(next(6));
      for (int i = 0; i < n; ++i) {
        run.push_back(*RR::FromText(std::string(owners[next(8)]) + " " + datas[next(5)], origin));
      }
      std::sort(run.begin(), run.end(), CanonicalLess);
      for (auto& rr : run) {
        all.push_back(rr);
        z.Add(std::move(rr));
      }
    }
    z.SortCanonical();
    std::sort(all.begin(), all.end(), CanonicalLess);
    std::vector<RR> expected;
    for (auto& rr : all) {
      if (!expected.empty() && !CanonicalLess(expected.back(), rr)) continue;  // equal: a duplicate
      expected.push_back(rr);
    }
    ASSERT_EQ(z.size(), expected.size()) << "round " << round;
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_FALSE(CanonicalLess(z.records()[i], expected[i]) || CanonicalLess(expected[i], z.records()[i]))
          << "round " << round << " record " << i << ": " << z.records()[i].ToText() << " vs " << expected[i].ToText();
    }
  }
}

// A zone already in order is left as it is; one only out of order by a duplicate, or by one record
// at the end, is still sorted and deduplicated (SortCanonical skips the sort when nothing is out of
// order).
TEST(Zone, SortCanonicalOnAlmostSortedZones) {
  auto make = [](std::initializer_list<const char*> lines) {
    Zone z(*Name::FromText("e."));
    for (const char* l : lines) z.Add(*RR::FromText(l, z.origin()));
    return z;
  };
  Zone sorted = make({"e. 60 IN A 1.1.1.1", "a.e. 60 IN A 1.1.1.1", "a.e. 60 IN A 1.1.1.2", "a.e. 60 IN TXT x",
                      "b.a.e. 60 IN A 1.1.1.1"});
  Zone copy = sorted;
  copy.SortCanonical();
  EXPECT_EQ(copy.records(), sorted.records());
  Zone dup = make({"e. 60 IN A 1.1.1.1", "a.e. 60 IN A 1.1.1.1", "A.e. 60 IN A 1.1.1.1", "a.e. 60 IN TXT x"});
  dup.SortCanonical();
  ASSERT_EQ(dup.size(), 3u);
  Zone late = make({"a.e. 60 IN A 1.1.1.1", "a.e. 60 IN TXT x", "e. 60 IN A 1.1.1.1"});
  late.SortCanonical();
  ASSERT_EQ(late.size(), 3u);
  EXPECT_EQ(late.records()[0].owner, *Name::FromText("e."));
  Zone rdata = make({"a.e. 60 IN A 1.1.1.2", "a.e. 60 IN A 1.1.1.1"});
  rdata.SortCanonical();
  EXPECT_EQ(rdata.records()[0].rdata, std::string("\x01\x01\x01\x01", 4));
}

}  // namespace
}  // namespace rollcage::dns
