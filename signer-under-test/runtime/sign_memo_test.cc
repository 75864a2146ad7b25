#include "signer-under-test/runtime/sign_memo.h"

#include <gtest/gtest.h>

#include <map>

#include "signer-under-test/openssl_key_store.h"

namespace rollcage::signer {
namespace {

// A real signing (in-process keys) of a small zone at `now`.
SignResult Signed(UnixTime now, const std::string& extra_name = "www") {
  static OpenSslKeyStore store({.seed = 7});
  static std::vector<ZoneKey> keys = [] {
    auto ksk = store.Generate({.algorithm = Algorithm::kEcdsaP256Sha256, .label = "ksk"});
    auto zsk = store.Generate({.algorithm = Algorithm::kEcdsaP256Sha256, .label = "zsk"});
    EXPECT_TRUE(ksk.ok() && zsk.ok());
    return std::vector<ZoneKey>{ZoneKey::ForRole(*ksk, KeyRole::kKsk), ZoneKey::ForRole(*zsk, KeyRole::kZsk)};
  }();
  auto zone = dns::Zone::Parse("example. 3600 IN SOA ns1.example. h.example. 1 7200 3600 1209600 300\n"
                               "example. 3600 IN NS ns1.example.\n"
                               "ns1.example. 3600 IN A 192.0.2.53\n" +
                               extra_name + ".example. 300 IN A 192.0.2.1\n");
  EXPECT_TRUE(zone.ok()) << zone.status().message();
  SignOptions o;
  o.denial = Denial::kNsec3;
  o.serial = SerialPolicy::kIncrement;
  auto r = ZoneSigner(store, o).Sign(*zone, keys, now);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : SignResult{};
}

std::map<SignatureCache::CacheKey, std::string> CacheText(const SignatureCache& c) {
  std::map<SignatureCache::CacheKey, std::string> out;
  c.ForEach([&out](const SignatureCache::CacheKey& k, const dns::RR& rr) { out[k] = rr.ToText(); });
  return out;
}

SignMemo::Key KeyOf(int i) {
  SignMemo::Key k{};
  k[0] = uint8_t(i);
  k[1] = uint8_t(i >> 8);
  k[31] = 0x5a;
  return k;
}

TEST(SignMemo, FindGivesBackWhatWasStored) {
  SignResult r = Signed(1767225600);
  ASSERT_GT(r.zone.size(), 10u);
  ASSERT_GT(r.cache.size(), 3u);
  ASSERT_FALSE(r.ds.empty());
  r.reused = 3;
  r.failed = 1;
  SignMemo memo(1u << 20, 64);
  ASSERT_TRUE(memo.Store(KeyOf(1), r));
  SignResult back;
  ASSERT_TRUE(memo.Find(KeyOf(1), &back));
  EXPECT_EQ(back.zone.origin(), r.zone.origin());
  EXPECT_EQ(back.zone.records(), r.zone.records());
  EXPECT_EQ(back.ds, r.ds);
  EXPECT_EQ(CacheText(back.cache), CacheText(r.cache));
  EXPECT_EQ(back.cache.ignore_ttl(), r.cache.ignore_ttl());
  EXPECT_EQ(back.signatures, r.signatures);
  EXPECT_EQ(back.verified, r.verified);
  EXPECT_EQ(back.names, r.names);
  EXPECT_EQ(back.serial, r.serial);
  EXPECT_EQ(back.inception, r.inception);
  EXPECT_EQ(back.expiration, r.expiration);
  EXPECT_EQ(back.reused, 3u);
  EXPECT_EQ(back.failed, 1u);
  EXPECT_EQ(back.next_refresh, r.next_refresh);
  EXPECT_FALSE(memo.Find(KeyOf(2), &back));
  EXPECT_EQ(memo.hits(), 1u);
  EXPECT_EQ(memo.lookups(), 2u);
}

TEST(SignMemo, OldEntriesGoWhenTheRingWrapsAndTooLargeOnesAreNotKept) {
  SignResult r = Signed(1767225600);
  SignMemo memo(64u << 10, 1024);  // about twenty entries of this size
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(memo.Store(KeyOf(i), r)) << i;
  SignResult back;
  EXPECT_FALSE(memo.Find(KeyOf(0), &back));   // overwritten long ago
  EXPECT_TRUE(memo.Find(KeyOf(199), &back));  // the newest
  EXPECT_EQ(back.zone.records(), r.zone.records());
  EXPECT_TRUE(memo.Find(KeyOf(190), &back));
  EXPECT_EQ(back.zone.records(), r.zone.records());

  SignMemo tiny(4096, 16);  // an entry may take an eighth of the ring: 512 octets
  EXPECT_FALSE(tiny.Store(KeyOf(1), r));
  EXPECT_FALSE(tiny.Find(KeyOf(1), &back));
}

TEST(SignMemo, AFullBucketLosesItsOldestEntry) {
  SignResult r = Signed(1767225600);
  SignMemo memo(4u << 20, 4);  // one bucket of four ways: every key shares it
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(memo.Store(KeyOf(i), r));
  SignResult back;
  EXPECT_FALSE(memo.Find(KeyOf(0), &back));
  for (int i = 1; i < 5; ++i) EXPECT_TRUE(memo.Find(KeyOf(i), &back)) << i;
  // Storing a key again replaces its own entry.
  SignResult later = Signed(1767225600 + 86400, "mail");
  ASSERT_TRUE(memo.Store(KeyOf(1), later));
  ASSERT_TRUE(memo.Find(KeyOf(1), &back));
  EXPECT_EQ(back.zone.records(), later.zone.records());
  for (int i = 2; i < 5; ++i) EXPECT_TRUE(memo.Find(KeyOf(i), &back)) << i;
}

TEST(SignMemo, TheKeyCoversEverythingTheSigningReads) {
  OpenSslKeyStore store({.seed = 9});
  auto info = store.Generate({.algorithm = Algorithm::kEcdsaP256Sha256, .label = "k"});
  ASSERT_TRUE(info.ok());
  std::vector<ZoneKey> keys{ZoneKey::ForRole(*info, KeyRole::kCsk)};
  std::vector<bool> in_store{true};
  SignOptions o;
  const dns::Name origin = *dns::Name::FromText("example.");
  std::string context = SignMemoContext(origin, o, false, true, {});
  SignMemo::Key cache{};
  SignMemoKeyInput base{context, &cache, "zone octets", &keys, &in_store, 1000, 5};
  const SignMemo::Key k0 = SignMemoKey(base);
  EXPECT_EQ(SignMemoKey(base), k0);  // deterministic

  std::vector<SignMemo::Key> changed;
  auto with = [&](auto change) {
    SignMemoKeyInput in = base;
    auto ks = keys;
    auto present = in_store;
    SignMemo::Key cd = cache;
    std::string ctx = context;
    in.keys = &ks;
    in.in_store = &present;
    in.cache_digest = &cd;
    change(in, ks, present, cd, ctx);
    in.context = ctx;
    changed.push_back(SignMemoKey(in));
  };
  using In = SignMemoKeyInput;
  using Ks = std::vector<ZoneKey>;
  using Bs = std::vector<bool>;
  using K = SignMemo::Key;
  using S = std::string;
  with([](In& in, Ks&, Bs&, K&, S&) { in.now += 1; });
  with([](In& in, Ks&, Bs&, K&, S&) { in.base_serial += 1; });
  with([](In& in, Ks&, Bs&, K&, S&) { in.zone_and_keys = "zone octetS"; });
  with([](In&, Ks&, Bs&, K& cd, S&) { cd[17] ^= 1; });
  with([](In&, Ks&, Bs& present, K&, S&) { present[0] = false; });
  with([](In&, Ks& ks, Bs&, K&, S&) { ks[0].published = false; });
  with([](In&, Ks& ks, Bs&, K&, S&) { ks[0].signs_zone = false; });
  with([](In&, Ks& ks, Bs&, K&, S&) { ks[0].flags ^= 1; });
  with([](In&, Ks& ks, Bs&, K&, S&) { ks[0].key.public_key.back() ^= 1; });
  with([](In&, Ks& ks, Bs&, K&, S&) { ks[0].key.id += "x"; });
  with([](In&, Ks& ks, Bs&, K&, S&) { ks.push_back(ks[0]); });
  // The fixed part: options, mutants, origin.
  auto ctx_with = [&](auto change) {
    with([&](In&, Ks&, Bs&, K&, S& ctx) {
      SignOptions o2;
      dns::Name origin2 = origin;
      std::set<std::string> mutants;
      bool ignore_ttl = false;
      change(o2, origin2, mutants, ignore_ttl);
      ctx = SignMemoContext(origin2, o2, ignore_ttl, true, mutants);
    });
  };
  using O = SignOptions;
  using N = dns::Name;
  using M = std::set<std::string>;
  ctx_with([](O& o2, N&, M&, bool&) { o2.denial = Denial::kNsec3; });
  ctx_with([](O& o2, N&, M&, bool&) { o2.nsec3.salt = "ab"; });
  ctx_with([](O& o2, N&, M&, bool&) { o2.nsec3.iterations = 1; });
  ctx_with([](O& o2, N&, M&, bool&) { o2.validity += 1; });
  ctx_with([](O& o2, N&, M&, bool&) { o2.expiration_jitter += 1; });
  ctx_with([](O& o2, N&, M&, bool&) { o2.jitter_seed += 1; });
  ctx_with([](O& o2, N&, M&, bool&) { o2.refresh += 1; });
  ctx_with([](O& o2, N&, M&, bool&) { o2.dnskey_ttl = 300; });
  ctx_with([](O&, N& n, M&, bool&) { n = *dns::Name::FromText("example.org."); });
  ctx_with([](O&, N&, M& m, bool&) { m.insert("sign-glue"); });
  ctx_with([](O&, N&, M&, bool& ignore) { ignore = true; });
  for (size_t i = 0; i < changed.size(); ++i) {
    EXPECT_NE(changed[i], k0) << "change " << i << " leaves the key as it was";
    for (size_t j = 0; j < i; ++j) EXPECT_NE(changed[i], changed[j]) << i << " " << j;
  }
}

}  // namespace
}  // namespace rollcage::signer
