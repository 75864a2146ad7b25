// Tests of the temporal oracle's logic over hand-built timelines. The crypto is replaced by a
// transparent judge (a "signature" is the signing key's public key bytes) so each timeline states
// exactly which key signed what; tests with real signatures live in the rollover tests.
#include "oracle/temporal/temporal_oracle.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "dns/rdata.h"

namespace rollcage::oracle::temporal {
namespace {

class TransparentJudge : public SignatureJudge {
 public:
  uint16_t KeyTag(const std::string& rdata) override {
    uint32_t ac = 0;
    for (size_t i = 0; i < rdata.size(); ++i) ac += (i & 1) ? uint8_t(rdata[i]) : uint8_t(rdata[i]) << 8;
    ac += ac >> 16;
    return uint16_t(ac & 0xffff);
  }
  bool Verifies(const RrsetRef&, std::string_view rrsig, const std::string& key) override {
    return dns::RrsigData::Parse(rrsig)->signature == dns::DnskeyData::Parse(key)->public_key;
  }
  bool DsMatches(const dns::Name&, const std::string& ds, const std::string& key) override {
    return dns::DsData::Parse(ds)->digest == dns::DnskeyData::Parse(key)->public_key;
  }
};

constexpr UnixTime kT0 = 1777982400;  // 2026-05-05T12:00:00Z
constexpr UnixTime kH = 3600, kD = 86400;
const dns::Name kApex = *dns::Name::FromText("example.");

std::string Pub(const std::string& key) { return Base64Encode("pubkey-" + key); }

struct Key {
  std::string name;
  bool ksk;
  std::string Rdata() const { return std::string(ksk ? "257" : "256") + " 3 13 " + Pub(name); }
};

// A zone version: the DNSKEY RRset holds `published`; the DNSKEY RRset is signed by `ksks`, every
// other RRset by `zsks`; signatures valid from `inc` to `exp`.
struct Version {
  std::vector<Key> published;
  std::vector<std::string> ksks, zsks;
  uint32_t dnskey_ttl = 3600, a_ttl = 3600;
  UnixTime inc = kT0 - kD, exp = kT0 + 60 * kD;
};

uint16_t Tag(TransparentJudge& j, const Key& k) {
  return j.KeyTag(dns::RR::FromText("example. 1 IN DNSKEY " + k.Rdata(), kApex)->rdata);
}

dns::Zone Build(const Version& v) {
  TransparentJudge j;
  dns::Zone z(kApex);
  auto add = [&](const std::string& s) {
    auto rr = dns::RR::FromText(s, kApex);
    ASSERT_TRUE(rr.ok()) << s << ": " << rr.status().message();
    z.Add(*rr);
  };
  auto sig = [&](const std::string& owner, const std::string& type, int labels, uint32_t ttl, const std::string& key) {
    Key k{key, false};
    for (const auto& p : v.published) if (p.name == key) k = p;
    add(owner + " " + std::to_string(ttl) + " IN RRSIG " + type + " 13 " + std::to_string(labels) + " " +
        std::to_string(ttl) + " " + FormatTimeCompact(v.exp) + " " + FormatTimeCompact(v.inc) + " " +
        std::to_string(Tag(j, k)) + " example. " + Pub(key));
  };
  add("example. 3600 IN SOA ns.example. h.example. 1 1 1 1 60");
  for (const auto& z2 : v.zsks) sig("example.", "SOA", 1, 3600, z2);
  for (const auto& k : v.published) add("example. " + std::to_string(v.dnskey_ttl) + " IN DNSKEY " + k.Rdata());
  for (const auto& k : v.ksks) sig("example.", "DNSKEY", 1, v.dnskey_ttl, k);
  add("www.example. " + std::to_string(v.a_ttl) + " IN A 192.0.2.1");
  for (const auto& z2 : v.zsks) sig("www.example.", "A", 2, v.a_ttl, z2);
  return z;
}

std::vector<dns::RR> Ds(const std::vector<std::string>& keys, uint32_t ttl = 3600) {
  std::vector<dns::RR> out;
  TransparentJudge j;
  for (const auto& k : keys) {
    Key key{k, true};
    out.push_back(*dns::RR::FromText("example. " + std::to_string(ttl) + " IN DS " + std::to_string(Tag(j, key)) +
                                         " 13 2 " + HexEncode("pubkey-" + k), kApex));
  }
  return out;
}

TemporalReport Check(const timeline::Timeline& tl) {
  TransparentJudge j;
  auto r = CheckTimeline(tl, j);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : TemporalReport{};
}

bool Has(const TemporalReport& r, TemporalClass c, UnixTime at, const std::string& owner = "") {
  for (const auto& f : r.findings) {
    if (f.cls == c && f.first_instant == at && (owner.empty() || f.owner.ToText() == owner)) return true;
  }
  return false;
}

std::string Dump(const TemporalReport& r) {
  std::string s;
  for (const auto& f : r.findings) s += FormatFinding(f) + "\n";
  return s;
}

timeline::Timeline Start() {
  timeline::Timeline tl;
  tl.origin = kApex;
  tl.AddDs(kT0, Ds({"K1"}), 3600);
  return tl;
}

const Key K1{"K1", true}, K2{"K2", true}, Z1{"Z1", false}, Z2{"Z2", false};

TEST(Temporal, PrePublicationZskRolloverIsClean) {
  auto tl = Start();
  tl.AddZone(kT0, Build({{K1, Z1}, {"K1"}, {"Z1"}}));
  tl.AddZone(kT0 + kD, Build({{K1, Z1, Z2}, {"K1"}, {"Z1"}}));            // pre-publish Z2
  tl.AddZone(kT0 + kD + 2 * kH, Build({{K1, Z1, Z2}, {"K1"}, {"Z2"}}));   // after the DNSKEY TTL: sign with Z2
  tl.AddZone(kT0 + kD + 4 * kH, Build({{K1, Z2}, {"K1"}, {"Z2"}}));       // after the A TTL: withdraw Z1
  auto r = Check(tl);
  EXPECT_TRUE(r.findings.empty()) << Dump(r);
  EXPECT_GT(r.critical_instants, 4u);
  EXPECT_GT(r.mixes_checked, 10u);
}

TEST(Temporal, OldZskWithdrawnAsSoonAsTheNewOneSigns) {
  auto tl = Start();
  tl.AddZone(kT0, Build({{K1, Z1}, {"K1"}, {"Z1"}}));
  tl.AddZone(kT0 + kD, Build({{K1, Z1, Z2}, {"K1"}, {"Z1"}}));
  tl.AddZone(kT0 + kD + 2 * kH, Build({{K1, Z2}, {"K1"}, {"Z2"}}));  // switch and withdraw at once
  auto r = Check(tl);
  EXPECT_TRUE(Has(r, TemporalClass::kKeyRemovedTooEarly, kT0 + kD + 2 * kH, "www.example.")) << Dump(r);
  for (const auto& f : r.findings) {
    if (f.cls == TemporalClass::kKeyRemovedTooEarly) {
      EXPECT_EQ(f.rrset_zone_version, 1);  // the A RRset signed by Z1 was first served in version 1
      EXPECT_EQ(f.dnskey_zone_version, 3);
    }
  }
  EXPECT_FALSE(Has(r, TemporalClass::kKeyUsedTooEarly, kT0 + kD + 2 * kH)) << Dump(r);
}

TEST(Temporal, NewZskSigningBeforeItsDnskeyTtlPassed) {
  auto tl = Start();
  tl.AddZone(kT0, Build({{K1, Z1}, {"K1"}, {"Z1"}}));
  tl.AddZone(kT0 + kD, Build({{K1, Z1, Z2}, {"K1"}, {"Z1"}}));
  tl.AddZone(kT0 + kD + 600, Build({{K1, Z1, Z2}, {"K1"}, {"Z2"}}));  // 10 min < DNSKEY TTL
  tl.AddZone(kT0 + kD + 4 * kH, Build({{K1, Z2}, {"K1"}, {"Z2"}}));
  auto r = Check(tl);
  EXPECT_TRUE(Has(r, TemporalClass::kKeyUsedTooEarly, kT0 + kD + 600, "www.example.")) << Dump(r);
  EXPECT_FALSE(Has(r, TemporalClass::kKeyRemovedTooEarly, kT0 + kD + 4 * kH)) << Dump(r);
}

TEST(Temporal, KskWithdrawnBeforeTheOldDsAgedOut) {
  timeline::Timeline tl;
  tl.origin = kApex;
  tl.AddZone(kT0, Build({{K1, Z1}, {"K1"}, {"Z1"}}));
  tl.AddDs(kT0, Ds({"K1"}, kD), kD);
  tl.AddZone(kT0 + 2 * kD, Build({{K1, K2, Z1}, {"K1", "K2"}, {"Z1"}}));
  tl.AddDs(kT0 + 3 * kD, Ds({"K2"}, kD), kD);                                // DS swapped at the parent
  tl.AddZone(kT0 + 3 * kD + 2 * kH, Build({{K2, Z1}, {"K2"}, {"Z1"}}));       // K1 gone 2 h later: DS TTL is 1 d
  auto r = Check(tl);
  EXPECT_TRUE(Has(r, TemporalClass::kDsKskOutOfStep, kT0 + 3 * kD + 2 * kH, "example.")) << Dump(r);

  // Waiting out the DS TTL (plus the DNSKEY TTL) is clean.
  timeline::Timeline good;
  good.origin = kApex;
  good.AddZone(kT0, Build({{K1, Z1}, {"K1"}, {"Z1"}}));
  good.AddDs(kT0, Ds({"K1"}, kD), kD);
  good.AddZone(kT0 + 2 * kD, Build({{K1, K2, Z1}, {"K1", "K2"}, {"Z1"}}));
  good.AddDs(kT0 + 3 * kD, Ds({"K2"}, kD), kD);
  good.AddZone(kT0 + 4 * kD + kH, Build({{K2, Z1}, {"K2"}, {"Z1"}}));
  auto g = Check(good);
  EXPECT_TRUE(g.findings.empty()) << Dump(g);
}

TEST(Temporal, SignatureExpiredWhileServed) {
  auto tl = Start();
  Version v{{K1, Z1}, {"K1"}, {"Z1"}};
  v.exp = kT0 + kD;  // never refreshed
  tl.AddZone(kT0, Build(v));
  tl.end = kT0 + 3 * kD;
  auto r = Check(tl);
  EXPECT_TRUE(Has(r, TemporalClass::kSignatureExpiredWhileCacheable, kT0 + kD + 1, "www.example.")) << Dump(r);
}

TEST(Temporal, SignatureNotYetValidWhenInceptionIsInTheFuture) {
  auto tl = Start();
  Version v{{K1, Z1}, {"K1"}, {"Z1"}};
  v.inc = kT0 + kH;  // signer clock ahead, inception not backdated
  tl.AddZone(kT0, Build(v));
  auto r = Check(tl);
  EXPECT_TRUE(Has(r, TemporalClass::kSignatureNotYetValid, kT0, "www.example.")) << Dump(r);
}

TEST(Temporal, TtlChangeNotHonoured) {
  auto tl = Start();
  Version v1{{K1, Z1}, {"K1"}, {"Z1"}};
  v1.dnskey_ttl = kD;  // resolvers may keep this DNSKEY RRset for a day
  tl.AddZone(kT0, Build(v1));
  Version v2{{K1, Z1, Z2}, {"K1"}, {"Z1"}};
  v2.dnskey_ttl = kH;  // TTL lowered together with the pre-publication
  tl.AddZone(kT0 + kD, Build(v2));
  Version v3{{K1, Z1, Z2}, {"K1"}, {"Z2"}};
  v3.dnskey_ttl = kH;
  tl.AddZone(kT0 + kD + 2 * kH, Build(v3));  // waits the new TTL only: the old 1-day one still counts
  auto r = Check(tl);
  EXPECT_TRUE(Has(r, TemporalClass::kTtlChangeNotHonoured, kT0 + kD + 2 * kH, "www.example.")) << Dump(r);
}

TEST(Temporal, VersionsPublishedAtTheSameInstantAreNeverSeen) {
  auto tl = Start();
  tl.AddZone(kT0, Build({{K1, Z2}, {"K1"}, {"Z1"}}));  // broken, but superseded at once
  tl.AddZone(kT0, Build({{K1, Z1}, {"K1"}, {"Z1"}}));
  auto r = Check(tl);
  EXPECT_TRUE(r.findings.empty()) << Dump(r);
}

}  // namespace
}  // namespace rollcage::oracle::temporal
