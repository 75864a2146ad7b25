// The temporal oracle on hand-built timelines with real signatures (the reference signer's
// ZoneSigner with explicit key flags per version): each classic rollover mistake is flagged with
// the right class at the right instant, and the correct schedule passes.
#include <gtest/gtest.h>

#include "harness/oracle_judge.h"
#include "dns/rdata.h"
#include "signer-under-test/key_tag.h"
#include "signer-under-test/openssl_key_store.h"
#include "signer-under-test/zone_signer.h"
#include "timeline/timeline.h"

namespace rollcage::harness {
namespace {

constexpr UnixTime kT0 = 1767225600;
constexpr int64_t kH = 3600, kD = 86400;

struct Keys {
  signer::OpenSslKeyStore store{{.seed = 3}};
  signer::ZoneKey ksk, zsk1, zsk2, ksk2;
  Keys() {
    dns::Name o = *dns::Name::FromText("example.");
    auto mk = [&](signer::KeyRole r, const char* label) {
      auto info = store.Generate({signer::Algorithm::kEcdsaP256Sha256, label});
      EXPECT_TRUE(info.ok());
      return signer::ZoneKey::ForRole(*info, r);
    };
    ksk = mk(signer::KeyRole::kKsk, "ksk");
    ksk2 = mk(signer::KeyRole::kKsk, "ksk2");
    zsk1 = mk(signer::KeyRole::kZsk, "zsk1");
    zsk2 = mk(signer::KeyRole::kZsk, "zsk2");
  }
};

dns::Zone Unsigned() {
  return *dns::Zone::Parse("$ORIGIN example.\n$TTL 3600\n@ SOA ns1 h 1 2 3 4 300\n@ NS ns1\nns1 A 192.0.2.1\n"
                           "www A 192.0.2.2\n");
}

// published / signs flags per key for one version.
dns::Zone Sign(Keys& k, UnixTime now, std::vector<std::tuple<signer::ZoneKey, bool, bool>> use, uint32_t serial) {
  std::vector<signer::ZoneKey> keys;
  for (auto [z, published, signs] : use) {
    z.published = published;
    if (z.signs_dnskey) z.signs_dnskey = signs;
    if (z.signs_zone) z.signs_zone = signs;
    keys.push_back(z);
  }
  signer::SignOptions o;
  o.validity = 30 * 86400;
  o.expiration_jitter = 0;
  o.serial = signer::SerialPolicy::kKeep;
  dns::Zone u = Unsigned();
  for (auto& rr : u.mutable_records()) {
    if (rr.type == dns::rrtype::kSOA) {
      auto soa = dns::SoaData::Parse(rr.rdata);
      soa->serial = serial;
      rr.rdata = soa->Encode();
    }
  }
  auto r = signer::ZoneSigner(k.store, o).Sign(u, keys, now - kD);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r->zone;
}

std::vector<dns::RR> Ds(Keys& k, const signer::ZoneKey& key, uint32_t ttl) {
  auto ds = signer::MakeDs(*dns::Name::FromText("example."), key.DnskeyRdata());
  return {dns::RR{*dns::Name::FromText("example."), dns::rrtype::kDS, dns::kClassIN, ttl, ds->Encode()}};
}

std::vector<Finding> Judge(const timeline::Timeline& tl) {
  OracleJudge j;
  auto f = j.CheckTimeline(tl);
  EXPECT_TRUE(f.ok());
  return f.ok() ? *f : std::vector<Finding>{};
}

bool Has(const std::vector<Finding>& fs, const std::string& cls, UnixTime at) {
  for (const auto& f : fs) {
    if (f.cls == cls && f.at == at) return true;
  }
  return false;
}

std::string Dump(const std::vector<Finding>& fs) {
  std::string s;
  for (const auto& f : fs) s += FormatFinding(f) + "\n";
  return s;
}

TEST(TemporalSigned, CorrectPrePublicationRolloverPasses) {
  Keys k;
  timeline::Timeline tl;
  tl.origin = *dns::Name::FromText("example.");
  tl.AddDs(kT0, Ds(k, k.ksk, 3600), 3600);
  tl.AddZone(kT0, Sign(k, kT0, {{k.ksk, true, true}, {k.zsk1, true, true}}, 1));
  tl.AddZone(kT0 + kD, Sign(k, kT0 + kD, {{k.ksk, true, true}, {k.zsk1, true, true}, {k.zsk2, true, false}}, 2));
  tl.AddZone(kT0 + kD + 3 * kH, Sign(k, kT0 + kD + 3 * kH, {{k.ksk, true, true}, {k.zsk1, true, false}, {k.zsk2, true, true}}, 3));
  tl.AddZone(kT0 + kD + 6 * kH, Sign(k, kT0 + kD + 6 * kH, {{k.ksk, true, true}, {k.zsk2, true, true}}, 4));
  auto fs = Judge(tl);
  EXPECT_TRUE(fs.empty()) << Dump(fs);
}

TEST(TemporalSigned, OldZskWithdrawnAsSoonAsTheNewOneSigns) {
  Keys k;
  timeline::Timeline tl;
  tl.origin = *dns::Name::FromText("example.");
  tl.AddDs(kT0, Ds(k, k.ksk, 3600), 3600);
  tl.AddZone(kT0, Sign(k, kT0, {{k.ksk, true, true}, {k.zsk1, true, true}}, 1));
  tl.AddZone(kT0 + kD, Sign(k, kT0 + kD, {{k.ksk, true, true}, {k.zsk1, true, true}, {k.zsk2, true, false}}, 2));
  tl.AddZone(kT0 + kD + 3 * kH, Sign(k, kT0 + kD + 3 * kH, {{k.ksk, true, true}, {k.zsk2, true, true}}, 3));
  auto fs = Judge(tl);
  EXPECT_TRUE(Has(fs, "key-removed-too-early", kT0 + kD + 3 * kH)) << Dump(fs);
}

TEST(TemporalSigned, NewZskSigningBeforeItsDnskeyTtlPassed) {
  Keys k;
  timeline::Timeline tl;
  tl.origin = *dns::Name::FromText("example.");
  tl.AddDs(kT0, Ds(k, k.ksk, 3600), 3600);
  tl.AddZone(kT0, Sign(k, kT0, {{k.ksk, true, true}, {k.zsk1, true, true}}, 1));
  tl.AddZone(kT0 + kD, Sign(k, kT0 + kD, {{k.ksk, true, true}, {k.zsk1, true, true}, {k.zsk2, true, false}}, 2));
  tl.AddZone(kT0 + kD + 600, Sign(k, kT0 + kD + 600, {{k.ksk, true, true}, {k.zsk1, true, false}, {k.zsk2, true, true}}, 3));
  auto fs = Judge(tl);
  EXPECT_TRUE(Has(fs, "key-used-too-early", kT0 + kD + 600)) << Dump(fs);
}

TEST(TemporalSigned, KskWithdrawnBeforeTheOldDsAgedOut) {
  Keys k;
  timeline::Timeline tl;
  tl.origin = *dns::Name::FromText("example.");
  tl.AddDs(kT0, Ds(k, k.ksk, kD), kD);
  tl.AddZone(kT0, Sign(k, kT0, {{k.ksk, true, true}, {k.zsk1, true, true}}, 1));
  tl.AddZone(kT0 + kD, Sign(k, kT0 + kD, {{k.ksk, true, true}, {k.ksk2, true, true}, {k.zsk1, true, true}}, 2));
  tl.AddDs(kT0 + 2 * kD, Ds(k, k.ksk2, kD), kD);
  tl.AddZone(kT0 + 2 * kD + 2 * kH, Sign(k, kT0 + 2 * kD + 2 * kH, {{k.ksk2, true, true}, {k.zsk1, true, true}}, 3));
  auto fs = Judge(tl);
  EXPECT_TRUE(Has(fs, "ds-ksk-out-of-step", kT0 + 2 * kD + 2 * kH)) << Dump(fs);
}

}  // namespace
}  // namespace rollcage::harness
