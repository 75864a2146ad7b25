// The oracle accepts what the reference signer makes: generated zones (delegations with and
// without DS, glue, wildcards, empty non-terminals) signed with each algorithm, NSEC, NSEC3 and
// NSEC3 opt-out, KSK+ZSK and CSK, are valid with zero findings (no false alarms on valid zones).
#include <gtest/gtest.h>

#include "oracle/report.h"
#include "oracle/zone_validator.h"
#include "signer-under-test/openssl_key_store.h"
#include "signer-under-test/zone_signer.h"
#include "testing/zone_generator.h"

namespace rollcage::harness {
namespace {

constexpr UnixTime kNow = 1767225600;

struct Case {
  signer::Algorithm alg;
  signer::Denial denial;
  bool opt_out;
  bool csk;
};

class OracleAcceptsSigner : public ::testing::TestWithParam<Case> {};

TEST_P(OracleAcceptsSigner, GeneratedZoneIsValid) {
  const Case c = GetParam();
  testing::ZoneGeneratorOptions g;
  g.origin = "gen.test.";
  g.delegations = 120;
  g.seed = 5;
  auto text = testing::ZoneGenerator(g).GenerateText(nullptr);
  ASSERT_TRUE(text.ok());
  auto zone = dns::Zone::Parse(*text);
  ASSERT_TRUE(zone.ok()) << zone.status().message();
  signer::OpenSslKeyStore store({.seed = 9});
  std::vector<signer::ZoneKey> keys;
  for (auto role : c.csk ? std::vector<signer::KeyRole>{signer::KeyRole::kCsk}
                         : std::vector<signer::KeyRole>{signer::KeyRole::kKsk, signer::KeyRole::kZsk}) {
    auto info = store.Generate({c.alg, signer::ZoneKeyLabel(zone->origin(), role)});
    ASSERT_TRUE(info.ok());
    keys.push_back(signer::ZoneKey::ForRole(*info, role));
  }
  signer::SignOptions o;
  o.denial = c.denial;
  o.nsec3.opt_out = c.opt_out;
  auto signed_zone = signer::ZoneSigner(store, o).Sign(*zone, keys, kNow);
  ASSERT_TRUE(signed_zone.ok()) << signed_zone.status().message();
  oracle::ValidateOptions vo;
  vo.origin = zone->origin();
  vo.now = kNow;
  for (const auto& ds : signed_zone->ds) vo.ds_rdatas.push_back(ds.rdata);
  vo.trust_source = "ds";
  auto r = oracle::Validate(signed_zone->zone, vo);
  EXPECT_EQ(r.verdict(), oracle::Verdict::kValid) << oracle::FormatText(r);
  EXPECT_EQ(r.errors(), 0u);
  EXPECT_EQ(r.rrsigs_valid, r.rrsigs_total);
  EXPECT_GT(r.resolver.delegations, 100u);
  EXPECT_EQ(r.resolver.bogus, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    AlgorithmsAndDenial, OracleAcceptsSigner,
    ::testing::Values(Case{signer::Algorithm::kEcdsaP256Sha256, signer::Denial::kNsec, false, false},
                      Case{signer::Algorithm::kEcdsaP256Sha256, signer::Denial::kNsec3, false, false},
                      Case{signer::Algorithm::kEcdsaP256Sha256, signer::Denial::kNsec3, true, true},
                      Case{signer::Algorithm::kEd25519, signer::Denial::kNsec3, true, false},
                      Case{signer::Algorithm::kEd25519, signer::Denial::kNsec, false, true},
                      Case{signer::Algorithm::kRsaSha256, signer::Denial::kNsec3, false, false}));

}  // namespace
}  // namespace rollcage::harness
