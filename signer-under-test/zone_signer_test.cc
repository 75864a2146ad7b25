#include "signer-under-test/zone_signer.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "base/encoding.h"
#include "dns/rdata.h"
#include "signer-under-test/key_tag.h"
#include "signer-under-test/nsec3_hash.h"
#include "signer-under-test/openssl_key_store.h"
#include "signer-under-test/rrset_signer.h"
#include "signer-under-test/testing/verify.h"

namespace rollcage::signer {
namespace {

namespace rt = dns::rrtype;

constexpr char kCheckZone[] = R"($ORIGIN check.test.
$TTL 3600
@ IN SOA ns1 host 1 7200 3600 1209600 300
@ NS ns1
ns1 A 192.0.2.1
www A 192.0.2.2
*.wild TXT "w"
a.b.c.ent AAAA 2001:db8::1
sub NS ns.sub
ns.sub A 192.0.2.3
sec NS ns.elsewhere.example.
sec DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
)";

constexpr UnixTime kNow = 1780000000;  // 2026-05-28

dns::Zone ParseZone(const std::string& text) {
  auto z = dns::Zone::Parse(text);
  EXPECT_TRUE(z.ok()) << z.status().message();
  return z.ok() ? *z : dns::Zone();
}

struct Fixture {
  OpenSslKeyStore store{{.seed = 11}};
  std::vector<ZoneKey> keys;
  Fixture(Algorithm alg = Algorithm::kEcdsaP256Sha256, bool csk = false) {
    dns::Name origin = *dns::Name::FromText("check.test.");
    for (KeyRole role : csk ? std::vector<KeyRole>{KeyRole::kCsk} : std::vector<KeyRole>{KeyRole::kKsk, KeyRole::kZsk}) {
      auto info = store.Generate({alg, ZoneKeyLabel(origin, role)});
      EXPECT_TRUE(info.ok());
      keys.push_back(ZoneKey::ForRole(*info, role));
    }
  }
};

// Groups a signed zone by (owner, type), RRSIGs by (owner, type covered).
struct View {
  std::map<std::pair<std::string, uint16_t>, dns::RRset> sets;
  std::map<std::pair<std::string, uint16_t>, std::vector<dns::RrsigData>> sigs;
  explicit View(const dns::Zone& z) {
    dns::Zone copy = z;
    copy.SortCanonical();
    for (const auto& set : copy.Rrsets()) {
      if (set.type == rt::kRRSIG) {
        for (const auto& rd : set.rdatas) {
          auto sig = dns::RrsigData::Parse(rd);
          EXPECT_TRUE(sig.ok());
          sigs[{set.owner.ToText(), sig->type_covered}].push_back(*sig);
        }
      } else {
        sets[{set.owner.ToText(), set.type}] = set;
      }
    }
  }
  bool Has(const std::string& owner, uint16_t type) const { return sets.count({owner, type}); }
  dns::RRset Set(const std::string& owner, uint16_t type) const {
    auto it = sets.find({owner, type});
    return it == sets.end() ? dns::RRset() : it->second;
  }
  dns::RrsigData Sig(const std::string& owner, uint16_t type) const {
    auto it = sigs.find({owner, type});
    return it == sigs.end() || it->second.empty() ? dns::RrsigData() : it->second[0];
  }
  size_t Sigs(const std::string& owner, uint16_t type) const {
    auto it = sigs.find({owner, type});
    return it == sigs.end() ? 0 : it->second.size();
  }
};

// Verifies every RRSIG against the keys (by identity, not by tag alone) with OpenSSL.
int CountBadSignatures(const dns::Zone& signed_zone, const std::vector<ZoneKey>& keys) {
  View v(signed_zone);
  int bad = 0;
  for (const auto& [key, list] : v.sigs) {
    auto it = v.sets.find(key);
    if (it == v.sets.end()) {
      ++bad;
      continue;
    }
    for (const auto& sig : list) {
      bool ok = false;
      for (const auto& k : keys) {
        if (k.Tag() != sig.key_tag || AlgorithmNumber(k.key.algorithm) != sig.algorithm) continue;
        ok |= test_support::VerifyWithOpenSsl(k.key, SignedData(sig, it->second), sig.signature);
      }
      bad += !ok;
    }
  }
  return bad;
}

TEST(ZoneSignerTest, SignsTheCheckZoneWithTheRightDataClasses) {
  Fixture f;
  ZoneSigner signer(f.store);
  auto r = signer.Sign(ParseZone(kCheckZone), f.keys, kNow);
  ASSERT_TRUE(r.ok()) << r.status().message();
  View v(r->zone);
  uint16_t ksk = f.keys[0].Tag(), zsk = f.keys[1].Tag();
  // Apex: DNSKEY signed by the KSK only, the rest by the ZSK only.
  ASSERT_EQ(v.Sigs("check.test.", rt::kDNSKEY), 1u);
  EXPECT_EQ(v.Sig("check.test.", rt::kDNSKEY).key_tag, ksk);
  ASSERT_EQ(v.Sigs("check.test.", rt::kSOA), 1u);
  EXPECT_EQ(v.Sig("check.test.", rt::kSOA).key_tag, zsk);
  EXPECT_EQ(v.Set("check.test.", rt::kDNSKEY).rdatas.size(), 2u);
  // Delegations: NS unsigned, DS signed, glue unsigned.
  EXPECT_EQ(v.Sigs("sub.check.test.", rt::kNS), 0u);
  EXPECT_EQ(v.Sigs("sec.check.test.", rt::kNS), 0u);
  EXPECT_EQ(v.Sigs("sec.check.test.", rt::kDS), 1u);
  EXPECT_TRUE(v.Has("ns.sub.check.test.", rt::kA));
  EXPECT_EQ(v.Sigs("ns.sub.check.test.", rt::kA), 0u);
  EXPECT_FALSE(v.Has("ns.sub.check.test.", rt::kNSEC));
  // NSEC bitmaps (RFC 4035 §2.3).
  auto types = [&](const std::string& owner) {
    return dns::NsecData::Parse(v.Set(owner, rt::kNSEC).rdatas[0])->types;
  };
  EXPECT_EQ(types("sec.check.test."), (std::set<uint16_t>{rt::kNS, rt::kDS, rt::kRRSIG, rt::kNSEC}));
  EXPECT_EQ(types("sub.check.test."), (std::set<uint16_t>{rt::kNS, rt::kRRSIG, rt::kNSEC}));
  EXPECT_EQ(types("check.test."),
            (std::set<uint16_t>{rt::kNS, rt::kSOA, rt::kRRSIG, rt::kNSEC, rt::kDNSKEY}));
  // No NSEC at empty non-terminals; the chain closes at the apex.
  EXPECT_FALSE(v.Has("c.ent.check.test.", rt::kNSEC));
  EXPECT_EQ(dns::NsecData::Parse(v.Set("www.check.test.", rt::kNSEC).rdatas[0])->next.ToText(), "check.test.");
  // Wildcard: the Labels field leaves out "*".
  EXPECT_EQ(v.Sig("*.wild.check.test.", rt::kTXT).labels, 3);
  EXPECT_EQ(v.Sig("a.b.c.ent.check.test.", rt::kAAAA).labels, 6);
  // Times: inception backdated, expiration = now + validity - jitter.
  for (const auto& [key, list] : v.sigs) {
    for (const auto& s : list) {
      EXPECT_EQ(s.inception, uint32_t(kNow - 3600));
      EXPECT_LE(s.expiration, uint32_t(kNow + 30 * 86400));
      EXPECT_GE(s.expiration, uint32_t(kNow + 29 * 86400));
      EXPECT_EQ(s.original_ttl, v.Set(key.first, key.second).ttl);
      EXPECT_EQ(s.signer.ToText(), "check.test.");
    }
  }
  // NSEC TTL = min(SOA TTL, SOA MINIMUM) (RFC 9077).
  EXPECT_EQ(v.Set("www.check.test.", rt::kNSEC).ttl, 300u);
  EXPECT_EQ(CountBadSignatures(r->zone, f.keys), 0);
  EXPECT_EQ(r->signatures, 15u);
  EXPECT_EQ(r->names, 7u);
  ASSERT_EQ(r->ds.size(), 1u);
  auto ds = dns::DsData::Parse(r->ds[0].rdata);
  EXPECT_EQ(ds->key_tag, ksk);
}

TEST(ZoneSignerTest, Nsec3WithAndWithoutOptOut) {
  Fixture f;
  SignOptions o;
  o.denial = Denial::kNsec3;
  o.nsec3.salt = "\xaa\xbb";
  o.nsec3.iterations = 3;
  auto hashed = [&](const std::string& name) {
    return Base32HexEncode(Nsec3Hash(*dns::Name::FromText(name), o.nsec3.salt, o.nsec3.iterations)) + ".check.test.";
  };
  auto r = ZoneSigner(f.store, o).Sign(ParseZone(kCheckZone), f.keys, kNow);
  ASSERT_TRUE(r.ok()) << r.status().message();
  View v(r->zone);
  EXPECT_TRUE(v.Has("check.test.", rt::kNSEC3PARAM));
  auto param = dns::Nsec3ParamData::Parse(v.Set("check.test.", rt::kNSEC3PARAM).rdatas[0]);
  EXPECT_EQ(param->flags, 0);
  EXPECT_EQ(param->iterations, 3);
  auto n3 = [&](const std::string& name) {
    auto it = v.sets.find({hashed(name), rt::kNSEC3});
    EXPECT_TRUE(it != v.sets.end()) << name;
    return it == v.sets.end() ? dns::Nsec3Data() : *dns::Nsec3Data::Parse(it->second.rdatas[0]);
  };
  // Every ENT, the insecure delegation (no opt-out), no glue.
  for (const char* ent : {"wild.check.test.", "ent.check.test.", "c.ent.check.test.", "b.c.ent.check.test."}) {
    EXPECT_TRUE(n3(ent).types.empty()) << ent;
  }
  EXPECT_EQ(n3("sub.check.test.").types, std::set<uint16_t>{rt::kNS});
  EXPECT_EQ(n3("sec.check.test.").types, (std::set<uint16_t>{rt::kNS, rt::kDS, rt::kRRSIG}));
  EXPECT_EQ(n3("check.test.").types,
            (std::set<uint16_t>{rt::kNS, rt::kSOA, rt::kRRSIG, rt::kDNSKEY, rt::kNSEC3PARAM}));
  EXPECT_FALSE(v.Has(hashed("ns.sub.check.test."), rt::kNSEC3));
  EXPECT_EQ(n3("www.check.test.").flags, 0);
  EXPECT_FALSE(v.Has("www.check.test.", rt::kNSEC));
  // 12 names: apex ns1 www *.wild wild a.b.c.ent b.c.ent c.ent ent sub sec = 11.
  size_t count = 0;
  for (const auto& [key, set] : v.sets) count += key.second == rt::kNSEC3;
  EXPECT_EQ(count, 11u);
  EXPECT_EQ(CountBadSignatures(r->zone, f.keys), 0);

  o.nsec3.opt_out = true;
  auto opt = ZoneSigner(f.store, o).Sign(ParseZone(kCheckZone), f.keys, kNow);
  ASSERT_TRUE(opt.ok());
  View w(opt->zone);
  EXPECT_FALSE(w.Has(hashed("sub.check.test."), rt::kNSEC3));  // insecure delegation skipped
  EXPECT_TRUE(w.Has(hashed("sec.check.test."), rt::kNSEC3));
  EXPECT_EQ(dns::Nsec3Data::Parse(w.Set(hashed("www.check.test."), rt::kNSEC3).rdatas[0])->flags, 1);
  EXPECT_EQ(CountBadSignatures(opt->zone, f.keys), 0);
}

TEST(ZoneSignerTest, OptOutSkipsEntsAboveOnlyInsecureDelegations) {
  Fixture f;
  SignOptions o;
  o.denial = Denial::kNsec3;
  o.nsec3.opt_out = true;
  std::string text = std::string(kCheckZone) +
                     "x.insecure NS ns.example.net.\n"
                     "y.secure NS ns.example.net.\ny.secure DS 1 13 2 00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF\n";
  auto r = ZoneSigner(f.store, o).Sign(ParseZone(text), f.keys, kNow);
  ASSERT_TRUE(r.ok()) << r.status().message();
  View v(r->zone);
  auto has = [&](const std::string& name) {
    return v.Has(Base32HexEncode(Nsec3Hash(*dns::Name::FromText(name), "", 0)) + ".check.test.", rt::kNSEC3);
  };
  EXPECT_FALSE(has("insecure.check.test."));
  EXPECT_FALSE(has("x.insecure.check.test."));
  EXPECT_TRUE(has("secure.check.test."));
  EXPECT_TRUE(has("y.secure.check.test."));
}

TEST(ZoneSignerTest, DeterministicAndResigningASignedZoneGivesTheSameZone) {
  Fixture f;
  ZoneSigner signer(f.store);
  auto a = signer.Sign(ParseZone(kCheckZone), f.keys, kNow);
  auto b = signer.Sign(ParseZone(kCheckZone), f.keys, kNow);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->zone.ToText(), b->zone.ToText());
  auto again = signer.Sign(a->zone, f.keys, kNow);  // old RRSIG/NSEC dropped, DNSKEYs merged
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->zone.ToText(), a->zone.ToText());
  SignOptions other;
  other.jitter_seed = 99;
  auto c = ZoneSigner(f.store, other).Sign(ParseZone(kCheckZone), f.keys, kNow);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(c->zone.ToText(), a->zone.ToText());  // other jitter
}

TEST(ZoneSignerTest, IncrementalResigningReusesFreshSignaturesOnly) {
  Fixture f;
  SignOptions o;
  o.validity = 14 * 86400;
  o.expiration_jitter = 3600;
  o.serial = SerialPolicy::kIncrement;
  auto first = ZoneSigner(f.store, o).Sign(ParseZone(kCheckZone), f.keys, kNow);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->reused, 0u);
  EXPECT_EQ(first->cache.size(), first->signatures);
  EXPECT_LE(first->next_refresh, kNow + 14 * 86400);

  // One day later, one record changed: only its RRset, the SOA (serial) and the denial records
  // around it are signed again.
  std::string edited = kCheckZone;
  edited.replace(edited.find("192.0.2.2"), 9, "192.0.2.9");
  // (Each signing below gets its own copy of the first cache: the entries a signing reuses move out
  // of the cache it was given into its result's cache.)
  SignatureCache reuse2 = first->cache;
  o.reuse = &reuse2;
  o.refresh = 5 * 86400;
  auto second = ZoneSigner(f.store, o).Sign(ParseZone(edited), f.keys, kNow + 86400);
  ASSERT_TRUE(second.ok());
  EXPECT_GT(second->reused, 0u);
  EXPECT_LT(second->reused, second->signatures);
  EXPECT_GE(second->signatures - second->reused, 1u);  // the edited RRset (same input serial: same SOA)
  EXPECT_EQ(CountBadSignatures(second->zone, f.keys), 0);
  EXPECT_EQ(reuse2.size(), first->cache.size() - second->reused);  // what is left was not used
  EXPECT_EQ(second->cache.size(), second->signatures);

  // Ten days later every signature has less than the refresh interval left: all are renewed.
  SignatureCache reuse3 = first->cache;
  o.reuse = &reuse3;
  auto third = ZoneSigner(f.store, o).Sign(ParseZone(edited), f.keys, kNow + 10 * 86400);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->reused, 0u);

  // A key that stops signing is never reused.
  std::vector<ZoneKey> no_zsk_reuse = f.keys;
  for (auto& k : no_zsk_reuse) k.signs_zone = k.signs_dnskey;  // the KSK only ... and it signs the zone
  no_zsk_reuse[0].signs_zone = true;
  no_zsk_reuse[1].signs_zone = false;
  SignatureCache reuse4 = first->cache;
  o.reuse = &reuse4;
  auto fourth = ZoneSigner(f.store, o).Sign(ParseZone(edited), no_zsk_reuse, kNow + 86400);
  ASSERT_TRUE(fourth.ok());
  EXPECT_EQ(CountBadSignatures(fourth->zone, no_zsk_reuse), 0);
  for (const auto& rr : fourth->zone.records()) {
    if (rr.type != dns::rrtype::kRRSIG) continue;
    EXPECT_NE(dns::RrsigData::Parse(rr.rdata)->key_tag, no_zsk_reuse[1].Tag()) << rr.ToText();
  }
}

class PerAlgorithm : public ::testing::TestWithParam<Algorithm> {};

TEST_P(PerAlgorithm, CskSignsEverythingAndVerifies) {
  Fixture f(GetParam(), /*csk=*/true);
  auto r = ZoneSigner(f.store).Sign(ParseZone(kCheckZone), f.keys, kNow);
  ASSERT_TRUE(r.ok()) << r.status().message();
  View v(r->zone);
  EXPECT_EQ(v.Sigs("check.test.", rt::kDNSKEY), 1u);
  EXPECT_EQ(v.Sigs("check.test.", rt::kSOA), 1u);
  EXPECT_EQ(v.Set("check.test.", rt::kDNSKEY).rdatas.size(), 1u);
  EXPECT_EQ(CountBadSignatures(r->zone, f.keys), 0);
  EXPECT_EQ(r->ds.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, PerAlgorithm,
                         ::testing::Values(Algorithm::kRsaSha256, Algorithm::kEcdsaP256Sha256, Algorithm::kEd25519),
                         [](const auto& info) { return std::string(AlgorithmName(info.param)); });

TEST(ZoneSignerTest, KeyFlagsDecidePublicationAndSigning) {
  Fixture f;
  auto extra = f.store.Generate({Algorithm::kEcdsaP256Sha256, "standby"});
  ASSERT_TRUE(extra.ok());
  ZoneKey standby = ZoneKey::ForRole(*extra, KeyRole::kZsk);
  standby.signs_zone = false;  // pre-published, not signing
  ZoneKey revoked = f.keys[0];
  revoked.flags |= kDnskeyRevokeFlag;
  std::vector<ZoneKey> keys = {f.keys[0], f.keys[1], standby};
  auto r = ZoneSigner(f.store).Sign(ParseZone(kCheckZone), keys, kNow);
  ASSERT_TRUE(r.ok());
  View v(r->zone);
  EXPECT_EQ(v.Set("check.test.", rt::kDNSKEY).rdatas.size(), 3u);
  EXPECT_EQ(v.Sigs("www.check.test.", rt::kA), 1u);
  ZoneKey unpublished = f.keys[1];
  unpublished.published = false;
  auto u = ZoneSigner(f.store).Sign(ParseZone(kCheckZone), {f.keys[0], unpublished}, kNow);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(View(u->zone).Set("check.test.", rt::kDNSKEY).rdatas.size(), 1u);
}

TEST(ZoneSignerTest, MissingRolesAndBadOptionsAreErrors) {
  Fixture f;
  auto no_ksk = ZoneSigner(f.store).Sign(ParseZone(kCheckZone), {f.keys[1]}, kNow);
  ASSERT_FALSE(no_ksk.ok());
  EXPECT_EQ(no_ksk.status().kind(), ErrorKind::kKey);
  auto no_zsk = ZoneSigner(f.store).Sign(ParseZone(kCheckZone), {f.keys[0]}, kNow);
  ASSERT_FALSE(no_zsk.ok());
  EXPECT_EQ(no_zsk.status().kind(), ErrorKind::kKey);
  SignOptions bad;
  bad.validity = 100;
  bad.expiration_jitter = 100;
  EXPECT_EQ(ZoneSigner(f.store, bad).Sign(ParseZone(kCheckZone), f.keys, kNow).status().kind(), ErrorKind::kUsage);
  auto bad_zone = ZoneSigner(f.store).Sign(ParseZone("$ORIGIN t.\n@ SOA a b 1 2 3 4 5\nx DS 1 13 2 00\n"), f.keys, kNow);
  EXPECT_EQ(bad_zone.status().kind(), ErrorKind::kBadInput);
}

// A key store that fails its Nth Sign call the way a PKCS#11 token would.
class FailingStore : public KeyStore {
 public:
  FailingStore(KeyStore& inner, int fail_at) : inner_(inner), fail_at_(fail_at) {}
  std::string Describe() const override { return "failing"; }
  Result<KeyInfo> Generate(const KeySpec& s) override { return inner_.Generate(s); }
  Result<KeyInfo> Import(const KeySpec& s, std::string_view d) override { return inner_.Import(s, d); }
  Result<std::vector<KeyInfo>> List() override { return inner_.List(); }
  Result<KeyInfo> Get(const std::string& id) override { return inner_.Get(id); }
  Result<std::string> Sign(const std::string& id, std::string_view data) override {
    if (++calls_ == fail_at_) return KeyError("PKCS#11 C_Sign: CKR_DEVICE_REMOVED");
    return inner_.Sign(id, data);
  }
  Status Delete(const std::string& id) override { return inner_.Delete(id); }
  int MaxSigningThreads() const override { return 4; }

 private:
  KeyStore& inner_;
  int fail_at_;
  std::atomic<int> calls_{0};
};

TEST(ZoneSignerTest, FailsClosedWhenOneSignatureFails) {
  Fixture f;
  for (int fail_at : {1, 7, 15}) {
    FailingStore failing(f.store, fail_at);
    auto r = ZoneSigner(failing).Sign(ParseZone(kCheckZone), f.keys, kNow);
    ASSERT_FALSE(r.ok()) << fail_at;
    EXPECT_EQ(r.status().kind(), ErrorKind::kKey);
    EXPECT_NE(r.status().message().find("C_Sign: CKR_DEVICE_REMOVED"), std::string::npos) << r.status().message();
  }
}

// A token that silently returns a wrong signature for its Nth Sign call.
class CorruptingStore : public FailingStore {
 public:
  CorruptingStore(KeyStore& inner, int corrupt_at) : FailingStore(inner, 0), inner_(inner), at_(corrupt_at) {}
  Result<std::string> Sign(const std::string& id, std::string_view data) override {
    auto sig = inner_.Sign(id, data);
    if (sig.ok() && ++calls_ == at_) (*sig)[3] ^= 0x10;
    return sig;
  }

 private:
  KeyStore& inner_;
  int at_;
  std::atomic<int> calls_{0};
};

TEST(ZoneSignerTest, VerifiesSignaturesFromUntrustedStores) {
  Fixture f;
  CorruptingStore corrupting(f.store, 9);
  auto r = ZoneSigner(corrupting).Sign(ParseZone(kCheckZone), f.keys, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kKey);
  EXPECT_NE(r.status().message().find("does not verify"), std::string::npos) << r.status().message();
  // Told not to verify, the signer publishes what the store returned: one bad signature.
  CorruptingStore again(f.store, 9);
  SignOptions never;
  never.verify = VerifySignatures::kNever;
  auto unchecked = ZoneSigner(again, never).Sign(ParseZone(kCheckZone), f.keys, kNow);
  ASSERT_TRUE(unchecked.ok());
  EXPECT_FALSE(unchecked->verified);
  EXPECT_EQ(CountBadSignatures(unchecked->zone, f.keys), 1);
  // The in-process store is trusted: no checks unless asked for.
  auto trusted = ZoneSigner(f.store).Sign(ParseZone(kCheckZone), f.keys, kNow);
  ASSERT_TRUE(trusted.ok());
  EXPECT_FALSE(trusted->verified);
  SignOptions always;
  always.verify = VerifySignatures::kAlways;
  auto checked = ZoneSigner(f.store, always).Sign(ParseZone(kCheckZone), f.keys, kNow);
  ASSERT_TRUE(checked.ok());
  EXPECT_TRUE(checked->verified);
  EXPECT_EQ(checked->zone.ToText(), trusted->zone.ToText());
}

TEST(ZoneSignerTest, SerialPolicies) {
  EXPECT_EQ(NextSerial(5, SerialPolicy::kKeep, kNow), 5u);
  EXPECT_EQ(NextSerial(5, SerialPolicy::kIncrement, kNow), 6u);
  EXPECT_EQ(NextSerial(0xffffffffu, SerialPolicy::kIncrement, kNow), 0u);  // RFC 1982 wrap
  EXPECT_EQ(NextSerial(5, SerialPolicy::kUnixTime, kNow), uint32_t(kNow));
  EXPECT_EQ(NextSerial(uint32_t(kNow) + 10, SerialPolicy::kUnixTime, kNow), uint32_t(kNow) + 11);
  EXPECT_EQ(NextSerial(5, SerialPolicy::kDate, kNow), 2026052800u);
  EXPECT_EQ(NextSerial(2026052807u, SerialPolicy::kDate, kNow), 2026052808u);
  EXPECT_EQ(ParseSerialPolicy("unixtime").value(), SerialPolicy::kUnixTime);
  EXPECT_FALSE(ParseSerialPolicy("sometimes").ok());
  Fixture f;
  SignOptions o;
  o.serial = SerialPolicy::kIncrement;
  auto r = ZoneSigner(f.store, o).Sign(ParseZone(kCheckZone), f.keys, kNow);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->serial, 2u);
  View v(r->zone);
  EXPECT_EQ(dns::SoaData::Parse(v.Set("check.test.", rt::kSOA).rdatas[0])->serial, 2u);
  EXPECT_EQ(CountBadSignatures(r->zone, f.keys), 0);
}

TEST(ZoneSignerTest, JitterIsSeededAndBounded) {
  auto name = *dns::Name::FromText("www.example.");
  std::set<uint32_t> seen;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    uint32_t j = ExpirationJitter(seed, name, rt::kA, 86400);
    EXPECT_LE(j, 86400u);
    seen.insert(j);
    EXPECT_EQ(j, ExpirationJitter(seed, *dns::Name::FromText("WWW.Example."), rt::kA, 86400));
  }
  EXPECT_GT(seen.size(), 150u);
  EXPECT_EQ(ExpirationJitter(1, name, rt::kA, 0), 0u);
}

// ZoneKey builds its DNSKEY RDATA and key tag by hand (no DnskeyData, no RDATA for the tag): the
// same octets as dns::DnskeyData::Encode and the same tag as KeyTag over them, for every flag
// combination and public keys of every length parity.
TEST(ZoneKeyTest, RdataAndTagAgreeWithTheEncoder) {
  int checked = 0;
  for (Algorithm alg : {Algorithm::kEcdsaP256Sha256, Algorithm::kEd25519, Algorithm::kRsaSha256}) {
    for (uint16_t flags : {uint16_t(256), uint16_t(257), uint16_t(385), uint16_t(0), uint16_t(0xffff)}) {
      for (size_t len : {0u, 1u, 31u, 32u, 64u, 65u, 260u}) {
        ZoneKey k;
        k.key.algorithm = alg;
        k.flags = flags;
        for (size_t i = 0; i < len; ++i) k.key.public_key.push_back(char((i * 37 + len + flags) & 0xff));
        dns::DnskeyData d;
        d.flags = flags;
        d.protocol = 3;
        d.algorithm = AlgorithmNumber(alg);
        d.public_key = k.key.public_key;
        EXPECT_EQ(k.DnskeyRdata(), d.Encode());
        EXPECT_EQ(k.Tag(), KeyTag(d.Encode())) << "flags " << flags << " length " << len;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 3 * 5 * 7);
}

// RFC 4034 §3.1.8.1 signed data, and the RFC 8080 §6.1 Ed25519 example signature.
TEST(RrsetSignerTest, Rfc8080Example) {
  auto der = Pkcs8FromRawPrivate(Algorithm::kEd25519, *Base64Decode("ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI="));
  ASSERT_TRUE(der.ok());
  OpenSslKeyStore store;
  auto info = store.Import({Algorithm::kEd25519, "rfc8080"}, *der);
  ASSERT_TRUE(info.ok());
  ZoneKey key = ZoneKey::ForRole(*info, KeyRole::kCsk);
  EXPECT_EQ(key.Tag(), 3613);
  dns::Name owner = *dns::Name::FromText("example.com.");
  dns::RR mx = *dns::RR::FromText("example.com. 3600 IN MX 10 mail.example.com.", dns::Name::Root());
  dns::RRset set{owner, rt::kMX, dns::kClassIN, 3600, {mx.rdata}};
  auto sig = RrsetSigner(store, owner).Sign(set, key, 1438207200, 1440021600);
  ASSERT_TRUE(sig.ok());
  auto data = dns::RrsigData::Parse(sig->rdata);
  EXPECT_EQ(data->labels, 2);
  EXPECT_EQ(data->key_tag, 3613);
  EXPECT_EQ(Base64Encode(data->signature),
            "oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3fx8A4M3e23mRZ9VrbpMngwcrqNAg==");
}

TEST(RrsetSignerTest, SignedDataIsCanonical) {
  dns::Name owner = *dns::Name::FromText("Mixed.Example.");
  auto a = *dns::RR::FromText("Mixed.Example. 300 IN NS B.Example.", dns::Name::Root());
  auto b = *dns::RR::FromText("Mixed.Example. 300 IN NS a.example.", dns::Name::Root());
  dns::RRset set{owner, rt::kNS, dns::kClassIN, 300, {a.rdata, b.rdata, a.rdata}};
  std::string data = CanonicalRrsetData(set, 300);
  // Two RRs (duplicate dropped), owner and embedded names lowercased, a.example. before b.example.
  std::string owner_wire = owner.Lowercase().wire();
  std::string expect;
  for (const char* target : {"a.example.", "b.example."}) {
    expect += owner_wire;
    AppendU16(expect, rt::kNS);
    AppendU16(expect, 1);
    AppendU32(expect, 300);
    std::string t = dns::Name::FromText(target)->wire();
    AppendU16(expect, uint16_t(t.size()));
    expect += t;
  }
  EXPECT_EQ(HexEncode(data), HexEncode(expect));
  EXPECT_EQ(RrsigLabels(*dns::Name::FromText("*.a.example.")), 2);
  EXPECT_EQ(RrsigLabels(*dns::Name::FromText("a.*.example.")), 3);
}

}  // namespace
}  // namespace rollcage::signer
