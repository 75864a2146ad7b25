// The low-level API the temporal oracle uses: one RRset version under one DNSKEY version at time t,
// the DNSKEY RRset under a DS set, single time-free answers, the verdict cache and thread safety.
#include "oracle/rrset_verifier.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "dns/rdata.h"
#include "oracle/crypto.h"
#include "oracle/testing/signers.h"
#include "oracle/testing/test_signer.h"
#include "oracle/zone_validator.h"

namespace rollcage::oracle {
namespace {

namespace rrtype = dns::rrtype;
constexpr char kOrigin[] = "v.test.";

dns::Name N(const std::string& s) { return *dns::Name::FromText(s); }

class RrsetVerifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    testing::ZoneShape shape;
    shape.hosts = 20;
    auto z = testing::SignWithLdns(testing::FreshDir("verifier"), kOrigin, testing::UnsignedZoneText(kOrigin, shape));
    ASSERT_TRUE(z.ok()) << z.status().message();
    signed_ = new testing::SignedZone(*z);
    auto zone = testing::LoadSigned(*z);
    ASSERT_TRUE(zone.ok());
    zone_ = new dns::Zone(*zone);
  }

  static dns::RRset Rrset(const std::string& owner, uint16_t type) {
    dns::RRset s{N(owner), type, 1, 0, {}};
    for (size_t i : testing::FindRecords(*zone_, owner, type)) {
      s.ttl = zone_->records()[i].ttl;
      s.rdatas.push_back(zone_->records()[i].rdata);
    }
    return s;
  }
  static std::vector<std::string> Sigs(const std::string& owner, uint16_t type) {
    std::vector<std::string> out;
    for (size_t i : testing::FindSigs(*zone_, owner, type)) out.push_back(zone_->records()[i].rdata);
    return out;
  }
  static std::vector<std::string_view> Views(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }
  static KeySet Keys() {
    dns::RRset k = Rrset(kOrigin, rrtype::kDNSKEY);
    return KeySet::FromRdatas(k.rdatas);
  }

  static testing::SignedZone* signed_;
  static dns::Zone* zone_;
};
testing::SignedZone* RrsetVerifierTest::signed_ = nullptr;
dns::Zone* RrsetVerifierTest::zone_ = nullptr;

TEST_F(RrsetVerifierTest, RrsetValidatesAtTimeTOnly) {
  RrsetVerifier v;
  dns::RRset a = Rrset("h1.v.test.", rrtype::kA);
  auto sigs = Sigs("h1.v.test.", rrtype::kA);
  KeySet keys = Keys();
  RrsetVerdict ok = v.Verify(RrsetView::Of(a), Views(sigs), keys, N(kOrigin), testing::kValidAt);
  EXPECT_EQ(ok.security, Security::kSecure);
  EXPECT_EQ(ok.validating, 0);
  ASSERT_EQ(ok.checks.size(), 1u);
  EXPECT_EQ(ok.checks[0].outcome, SigOutcome::kValid);
  EXPECT_EQ(keys.keys()[ok.checks[0].key].tag, KeyTag(keys.keys()[ok.checks[0].key].rdata));
  RrsetVerdict late = v.Verify(RrsetView::Of(a), Views(sigs), keys, N(kOrigin), 2114380800);
  EXPECT_EQ(late.security, Security::kBogus);
  EXPECT_TRUE(late.checks[0].expired);
  EXPECT_EQ(late.checks[0].outcome, SigOutcome::kValid);  // the crypto is fine, the time is not
  RrsetVerdict early = v.Verify(RrsetView::Of(a), Views(sigs), keys, N(kOrigin), 1500000000);
  EXPECT_TRUE(early.checks[0].not_yet_valid);
  // Another RRset version under the same signatures: bogus.
  dns::RRset other = a;
  other.rdatas[0][3] ^= 1;
  EXPECT_EQ(v.Verify(RrsetView::Of(other), Views(sigs), keys, N(kOrigin), testing::kValidAt).security,
            Security::kBogus);
  // Under a DNSKEY version without the ZSK: no key.
  std::vector<std::string> ksk_only;
  for (const auto& k : keys.keys()) {
    if (k.sep()) ksk_only.push_back(k.rdata);
  }
  RrsetVerdict nokey = v.Verify(RrsetView::Of(a), Views(sigs), KeySet::FromRdatas(ksk_only), N(kOrigin), testing::kValidAt);
  EXPECT_EQ(nokey.security, Security::kBogus);
  EXPECT_EQ(nokey.checks[0].outcome, SigOutcome::kNoKey);
  // No signatures at all.
  EXPECT_EQ(v.Verify(RrsetView::Of(a), {}, keys, N(kOrigin), testing::kValidAt).reason, "no RRSIG");
}

TEST_F(RrsetVerifierTest, DnskeyRrsetUnderAParentDsSet) {
  RrsetVerifier v;
  dns::RRset k = Rrset(kOrigin, rrtype::kDNSKEY);
  auto sigs = Sigs(kOrigin, rrtype::kDNSKEY);
  ValidateOptions o;
  ASSERT_TRUE(LoadTrustFile(signed_->ds_path, N(kOrigin), &o).ok());
  std::vector<std::string_view> ds(o.ds_rdatas.begin(), o.ds_rdatas.end());
  TrustVerdict t = v.VerifyDnskeys(N(kOrigin), RrsetView::Of(k), Views(sigs), ds, {}, testing::kValidAt);
  EXPECT_EQ(t.security, Security::kSecure) << t.reason;
  EXPECT_EQ(t.ds_matched_keys.size(), 1u);
  EXPECT_EQ(t.signing_keys, t.ds_matched_keys);
  // A DS set that names no key; a DS for the ZSK (which does not sign the DNSKEY RRset).
  std::string bogus = dns::DsData{1, 13, 2, std::string(32, 'x')}.Encode();
  EXPECT_EQ(v.VerifyDnskeys(N(kOrigin), RrsetView::Of(k), Views(sigs), {bogus}, {}, testing::kValidAt).security,
            Security::kBogus);
  KeySet keys = Keys();
  for (const auto& key : keys.keys()) {
    if (key.sep()) continue;
    std::string zsk_ds = dns::DsData{key.tag, key.algorithm, 2, *DsDigest(N(kOrigin), key.rdata, 2)}.Encode();
    TrustVerdict z = v.VerifyDnskeys(N(kOrigin), RrsetView::Of(k), Views(sigs), {zsk_ds}, {}, testing::kValidAt);
    EXPECT_EQ(z.security, Security::kBogus);
    EXPECT_EQ(z.ds_matched_keys.size(), 1u);
    EXPECT_TRUE(z.signing_keys.empty());
  }
  // Unsupported digest type only: unchecked, never secure.
  std::string gost = dns::DsData{1, 13, 3, std::string(32, 'x')}.Encode();
  EXPECT_EQ(v.VerifyDnskeys(N(kOrigin), RrsetView::Of(k), Views(sigs), {gost}, {}, testing::kValidAt).security,
            Security::kUnchecked);
  // After expiry the chain breaks.
  EXPECT_EQ(v.VerifyDnskeys(N(kOrigin), RrsetView::Of(k), Views(sigs), ds, {}, 2114380800).security, Security::kBogus);
}

TEST_F(RrsetVerifierTest, TimeFreeSingleAnswers) {
  RrsetVerifier v;
  dns::RRset a = Rrset("h1.v.test.", rrtype::kA);
  std::string sig = Sigs("h1.v.test.", rrtype::kA).front();
  KeySet keys = Keys();
  int good = 0;
  for (const auto& k : keys.keys()) good += v.Verifies(RrsetView::Of(a), sig, k.rdata);
  EXPECT_EQ(good, 1);
  EXPECT_FALSE(v.Verifies(RrsetView::Of(a), "short", keys.keys()[0].rdata));
  dns::RR sig_rr{N("h1.v.test."), rrtype::kRRSIG, 1, a.ttl, sig};
  int good_rr = 0;
  for (const auto& k : keys.keys()) good_rr += v.Verifies(a, sig_rr, k.rdata);
  EXPECT_EQ(good_rr, 1);
  ValidateOptions o;
  ASSERT_TRUE(LoadTrustFile(signed_->ds_path, N(kOrigin), &o).ok());
  int matches = 0;
  for (const auto& k : keys.keys()) matches += RrsetVerifier::DsMatches(N(kOrigin), o.ds_rdatas[0], k.rdata);
  EXPECT_EQ(matches, 1);
  EXPECT_EQ(RrsetVerifier::KeyTag(keys.keys()[0].rdata), keys.keys()[0].tag);
}

TEST_F(RrsetVerifierTest, CacheAnswersRepeatsWithoutCrypto) {
  VerdictCache cache;
  RrsetVerifier v(&cache);
  dns::RRset a = Rrset("h1.v.test.", rrtype::kA);
  auto sigs = Sigs("h1.v.test.", rrtype::kA);
  KeySet keys = Keys();
  RrsetVerdict first = v.Verify(RrsetView::Of(a), Views(sigs), keys, N(kOrigin), testing::kValidAt);
  EXPECT_EQ(first.checks[0].crypto_ops, 1);
  // Same triple at another time: no crypto, and the time is still judged.
  RrsetVerdict again = v.Verify(RrsetView::Of(a), Views(sigs), keys, N(kOrigin), 2114380800);
  EXPECT_EQ(again.checks[0].crypto_ops, 0);
  EXPECT_EQ(again.security, Security::kBogus);
  EXPECT_TRUE(again.checks[0].expired);
  // A changed RRset is a new triple.
  dns::RRset other = a;
  other.ttl = 1;  // the TTL is not signed data (the Original TTL is): same triple, valid
  EXPECT_EQ(v.Verify(RrsetView::Of(other), Views(sigs), keys, N(kOrigin), testing::kValidAt).checks[0].crypto_ops, 0);
  other.rdatas[0][3] ^= 1;
  RrsetVerdict changed = v.Verify(RrsetView::Of(other), Views(sigs), keys, N(kOrigin), testing::kValidAt);
  EXPECT_EQ(changed.checks[0].crypto_ops, 1);
  EXPECT_EQ(changed.security, Security::kBogus);
  // The cached "invalid" verdict is reused, and still reported invalid.
  RrsetVerdict changed2 = v.Verify(RrsetView::Of(other), Views(sigs), keys, N(kOrigin), testing::kValidAt);
  EXPECT_EQ(changed2.checks[0].crypto_ops, 0);
  EXPECT_EQ(changed2.checks[0].outcome, SigOutcome::kInvalid);
}

TEST_F(RrsetVerifierTest, ConcurrentQuestionsAgree) {
  VerdictCache cache;
  RrsetVerifier v(&cache);
  KeySet keys = Keys();
  std::vector<std::pair<dns::RRset, std::vector<std::string>>> work;
  for (int i = 0; i < 20; ++i) {
    std::string o = "h" + std::to_string(i) + ".v.test.";
    work.emplace_back(Rrset(o, rrtype::kA), Sigs(o, rrtype::kA));
  }
  std::atomic<int> secure{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&] {
      for (int round = 0; round < 5; ++round) {
        for (const auto& [rrset, sigs] : work) {
          if (v.Verify(RrsetView::Of(rrset), Views(sigs), keys, N(kOrigin), testing::kValidAt).security ==
              Security::kSecure) {
            ++secure;
          }
        }
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(secure.load(), 4 * 5 * 20);
}

}  // namespace
}  // namespace rollcage::oracle
