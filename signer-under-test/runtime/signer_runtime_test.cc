#include "signer-under-test/runtime/signer_runtime.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "base/encoding.h"
#include "base/file.h"
#include "dns/rdata.h"
#include "signer-under-test/key_tag.h"
#include "signer-under-test/openssl_key_store.h"
#include "signer-under-test/runtime/colliding_key.h"
#include "testing/external_validators.h"

namespace rollcage::signer {
namespace {

// External validators judge signatures against the real clock: this test's world ends now.
const UnixTime kT0 = RealClock::Now() - 100 * 86400;
constexpr int64_t kD = 86400;

std::string TmpDir(const std::string& name) {
  const char* t = std::getenv("TEST_TMPDIR");
  std::string d = std::string(t ? t : "/tmp") + "/" + name;
  std::filesystem::remove_all(d);
  return d;
}

dns::Zone Unsigned() {
  auto z = dns::Zone::Parse(
      "$ORIGIN example.\n$TTL 3600\n@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.53\n"
      "www A 192.0.2.80\nsub NS ns.sub\nns.sub A 192.0.2.7\nsec NS ns.elsewhere.net.\n"
      "sec DS 1 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF\n");
  EXPECT_TRUE(z.ok()) << z.status().message();
  return *z;
}

KeyPool InProcessPool(uint64_t seed) {
  std::vector<std::unique_ptr<KeyStore>> v;
  v.push_back(std::make_unique<OpenSslKeyStore>(OpenSslKeyStoreOptions{.seed = seed}));
  return KeyPool(std::move(v));
}

// Drives a runtime through simulated time with a parent that applies DS requests after `delay`.
struct World {
  RuntimeOptions o;
  KeyPool pool = InProcessPool(7);
  std::unique_ptr<SignerRuntime> rt;
  dns::Zone zone = Unsigned();
  std::vector<dns::RR> parent;
  std::optional<std::pair<UnixTime, std::vector<dns::RR>>> pending;
  std::vector<std::pair<UnixTime, dns::Zone>> published;
  UnixTime t = kT0;
  size_t reused = 0, signatures = 0;

  explicit World(const std::string& dir) {
    o.origin = *dns::Name::FromText("example.");
    o.state_dir = dir;
    o.seed = 7;
    o.policy.zsk_lifetime = 20 * kD;
    o.policy.ksk_lifetime = 60 * kD;
    auto r = SignerRuntime::Start(o, &pool);
    EXPECT_TRUE(r.ok()) << r.status().message();
    rt = std::move(r).value();
  }
  Status Run(UnixTime end) {
    while (t < end) {
      if (pending && pending->first <= t) {
        parent = pending->second;
        pending.reset();
      }
      uint32_t served = 0;
      if (!published.empty()) {
        for (const auto& rr : published.back().second.records()) {
          if (rr.type == dns::rrtype::kSOA) served = dns::SoaData::Parse(rr.rdata)->serial;
        }
      }
      auto tick = rt->Tick(t, zone, parent, served);
      if (!tick.ok()) return tick.status();
      if (tick->crashed) return InternalError("crashed");
      if (tick->refused) return InternalError("refused: " + tick->refusal);
      if (tick->ds_request) pending = std::make_pair(t + 2 * 3600, *tick->ds_request);
      if (tick->zone) published.push_back({t, *tick->zone});
      reused += tick->reused;
      signatures += tick->signatures;
      UnixTime next = tick->next_wakeup;
      if (pending) next = std::min(next, pending->first);
      t = std::max(next, t + 1);
    }
    return Status::Ok();
  }
};

TEST(SignerRuntime, HundredDaysOfRolloversResignIncrementallyAndValidate) {
  World w(TmpDir("rt1"));
  ASSERT_TRUE(w.Run(kT0 + 100 * kD).ok());
  ASSERT_GT(w.published.size(), 10u);
  EXPECT_GT(w.reused, 0u) << "incremental signing reused nothing";
  EXPECT_LT(w.reused, w.signatures);
  // Serials strictly increase.
  uint32_t last = 0;
  for (const auto& [t, z] : w.published) {
    for (const auto& rr : z.records()) {
      if (rr.type != dns::rrtype::kSOA) continue;
      uint32_t s = dns::SoaData::Parse(rr.rdata)->serial;
      EXPECT_GT(s, last);
      last = s;
    }
  }
  // ZSKs rolled (20-day lifetime) and the KSK rolled once the parent showed the new DS.
  int zsks = 0, ksks = 0;
  for (const auto& k : w.rt->keys().keys()) {
    zsks += k.role == kasp::Role::kZsk;
    ksks += k.role == kasp::Role::kKsk;
  }
  EXPECT_GE(zsks, 5);
  EXPECT_GE(ksks, 2);
  // The newest version (signed today) passes the three external validators.
  std::string file = TmpDir("rt1-zone") + ".zone";
  ASSERT_TRUE(w.published.back().second.Save(file).ok());
  auto verdicts = testing::RunExternalValidators(file, "example.");
  ASSERT_TRUE(verdicts.ok()) << verdicts.status().message();
  EXPECT_EQ(testing::DescribeRejections(*verdicts), "");
}

TEST(SignerRuntime, RestartAfterACrashContinuesWithTheSameKeys) {
  std::string dir = TmpDir("rt2");
  World w(dir);
  ASSERT_TRUE(w.Run(kT0 + 30 * kD).ok());
  auto keys_before = w.rt->keys().keys();
  // The process dies; a new runtime starts on the same state directory and the same HSM pool.
  w.rt.reset();
  auto again = SignerRuntime::Start(w.o, &w.pool);
  ASSERT_TRUE(again.ok()) << again.status().message();
  w.rt = std::move(again).value();
  ASSERT_EQ(w.rt->keys().keys().size(), keys_before.size());
  for (size_t i = 0; i < keys_before.size(); ++i) EXPECT_EQ(w.rt->keys().keys()[i].id, keys_before[i].id);
  size_t versions = w.published.size();
  ASSERT_TRUE(w.Run(kT0 + 60 * kD).ok());
  EXPECT_GT(w.published.size(), versions);
}

TEST(SignerRuntime, CrashAtSignPublishesNothingAndTheRestartSigns) {
  std::string dir = TmpDir("rt3");
  World w(dir);
  bool armed = true;
  w.o.crash_at = [&](const std::string& p) {
    if (p == "sign" && armed) {
      armed = false;
      return true;
    }
    return false;
  };
  auto r = SignerRuntime::Start(w.o, &w.pool);
  ASSERT_TRUE(r.ok());
  w.rt = std::move(r).value();
  auto tick = w.rt->Tick(kT0, w.zone, {}, 0);
  ASSERT_TRUE(tick.ok());
  EXPECT_TRUE(tick->crashed);
  EXPECT_FALSE(tick->zone.has_value());
  w.rt = std::move(SignerRuntime::Start(w.o, &w.pool)).value();
  auto tick2 = w.rt->Tick(kT0 + 60, w.zone, {}, 0);
  ASSERT_TRUE(tick2.ok());
  EXPECT_TRUE(tick2->zone.has_value());
}

TEST(SignerRuntime, CorruptStateIsReported) {
  std::string dir = TmpDir("rt4");
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(WriteFileAtomic(dir + "/runtime.json", "{oops").ok());
  KeyPool pool = InProcessPool(1);
  RuntimeOptions o;
  o.origin = *dns::Name::FromText("example.");
  o.state_dir = dir;
  auto r = SignerRuntime::Start(o, &pool);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kBadInput);
}

TEST(CollidingKey, P256KeyWithAGivenTag) {
  KeySpec spec{Algorithm::kEcdsaP256Sha256, "collide"};
  auto pkcs8 = CollidingKeyPkcs8(3, spec, 256, 33834);
  ASSERT_TRUE(pkcs8.ok()) << pkcs8.status().message();
  auto info = PublicKeyOfPkcs8(*pkcs8);
  ASSERT_TRUE(info.ok());
  std::string rdata = std::string("\x01\x00\x03\x0d", 4) + info->public_key;
  EXPECT_EQ(KeyTag(rdata), 33834);
  EXPECT_EQ(*CollidingKeyPkcs8(3, spec, 256, 33834), *pkcs8);  // deterministic
}

// The search walks the same keys in the same order in every version: crash files and corpus
// entries with `keygen ... collide` replay to the same keys only if it does. These public keys were
// found by the first implementation (one affine conversion per step).
TEST(CollidingKey, P256SearchFindsTheSameKeysAsBefore) {
  struct Case {
    uint64_t seed;
    uint16_t flags, tag;
    const char* label;
    const char* public_key_prefix;  // hex
  };
  for (const Case& c : {Case{3, 256, 33834, "collide", "54A3BFD1893264D7"}, Case{7, 257, 1, "k #2", "E663E5A0EC6625F1"},
                        Case{11, 256, 65535, "z #5 gen1", "598A76F942E97A0C"}, Case{1, 257, 40000, "", "A881B8B00BE1AFF7"}}) {
    KeySpec spec{Algorithm::kEcdsaP256Sha256, c.label};
    auto pkcs8 = CollidingKeyPkcs8(c.seed, spec, c.flags, c.tag);
    ASSERT_TRUE(pkcs8.ok()) << pkcs8.status().message();
    auto info = PublicKeyOfPkcs8(*pkcs8);
    ASSERT_TRUE(info.ok());
    std::string rdata = std::string(1, char(c.flags >> 8)) + char(c.flags & 0xff) + "\x03\x0d" + info->public_key;
    EXPECT_EQ(KeyTag(rdata), c.tag);
    EXPECT_EQ(HexEncode(info->public_key).substr(0, 16), c.public_key_prefix) << c.label;
  }
}

}  // namespace
}  // namespace rollcage::signer
