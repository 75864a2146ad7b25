// Acceptance: generated zones of more than 1,000 names (delegations with and without DS, glue,
// wildcards, empty non-terminals, occluded data) signed with each algorithm, NSEC / NSEC3 / NSEC3
// opt-out, and each key store; every signed zone must pass ldns-verify-zone, dnssec-verify and
// kzonecheck. The BUILD file runs the two stores as separate, sharded targets.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <tuple>

#include "base/time.h"
#include "dns/rdata.h"
#include "signer-under-test/openssl_key_store.h"
#include "signer-under-test/pkcs11_key_store.h"
#include "signer-under-test/zone_signer.h"
#include "testing/external_validators.h"
#include "testing/zone_generator.h"

namespace rollcage::signer {
namespace {

enum class Store { kOpenSsl, kSoftHsm };
enum class Mode { kNsec, kNsec3, kNsec3OptOut };

std::string TmpDir() {
  const char* t = std::getenv("TEST_TMPDIR");
  return t ? t : "/tmp";
}

const char* ModeName(Mode m) {
  switch (m) {
    case Mode::kNsec: return "NSEC";
    case Mode::kNsec3: return "NSEC3";
    case Mode::kNsec3OptOut: return "NSEC3OptOut";
  }
  return "?";
}

using Param = std::tuple<Store, Algorithm, Mode>;

class SignerAcceptance : public ::testing::TestWithParam<Param> {};

std::unique_ptr<KeyStore> MakeStore(Store s) {
  if (s == Store::kOpenSsl) return std::make_unique<OpenSslKeyStore>(OpenSslKeyStoreOptions{.seed = 2026});
  Pkcs11Options o;
  o.softhsm_dir = TmpDir() + "/softhsm";
  o.token_label = "acceptance";
  o.pin = "1234";
  auto store = Pkcs11KeyStore::Open(o);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? std::move(store).value() : nullptr;
}

TEST_P(SignerAcceptance, GeneratedZonePassesThreeValidators) {
  auto [store_kind, alg, mode] = GetParam();
  testing::ZoneGeneratorOptions gen;
  gen.origin = "accept.test.";
  gen.delegations = 1000;
  gen.ds_percent = 30;
  gen.glue_percent = 10;
  gen.seed = uint64_t(AlgorithmNumber(alg)) * 10 + uint64_t(mode);
  testing::GeneratedZoneStats stats;
  auto zone = testing::ZoneGenerator(gen).Generate(&stats);
  ASSERT_TRUE(zone.ok()) << zone.status().message();
  ASSERT_GE(stats.names, 1000);
  ASSERT_GT(stats.secure_delegations, 0);
  ASSERT_GT(stats.glue_delegations, 0);

  std::unique_ptr<KeyStore> store = MakeStore(store_kind);
  ASSERT_TRUE(store);
  std::vector<ZoneKey> keys;
  for (KeyRole role : {KeyRole::kKsk, KeyRole::kZsk}) {
    auto info = store->Generate({alg, ZoneKeyLabel(zone->origin(), role)});
    ASSERT_TRUE(info.ok()) << info.status().message();
    keys.push_back(ZoneKey::ForRole(*info, role));
  }
  SignOptions options;
  if (mode != Mode::kNsec) {
    options.denial = Denial::kNsec3;
    options.nsec3.opt_out = mode == Mode::kNsec3OptOut;
  }
  options.serial = SerialPolicy::kUnixTime;
  // The validators check signature times against their own clock: sign at the real time.
  auto result = ZoneSigner(*store, options).Sign(*zone, keys, RealClock::Now());
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_GT(result->signatures, 500u);  // opt-out leaves insecure delegations out

  std::string path = TmpDir() + "/" + std::string(AlgorithmName(alg)) + "-" + ModeName(mode) + ".signed";
  ASSERT_TRUE(result->zone.Save(path).ok());
  auto verdicts = testing::RunExternalValidators(path, "accept.test.");
  ASSERT_TRUE(verdicts.ok()) << verdicts.status().message();
  ASSERT_EQ(verdicts->size(), 3u);
  EXPECT_EQ(testing::DescribeRejections(*verdicts), "");

  // Negative control: the same validators must reject the zone once one signature is damaged.
  if (mode == Mode::kNsec3) {
    dns::Zone damaged = result->zone;
    for (auto& rr : damaged.mutable_records()) {
      if (rr.type != dns::rrtype::kRRSIG) continue;
      auto sig = dns::RrsigData::Parse(rr.rdata);
      if (!sig.ok() || sig->type_covered != dns::rrtype::kA) continue;
      sig->signature[sig->signature.size() / 2] ^= 0x01;
      rr.rdata = sig->Encode();
      break;
    }
    std::string bad = path + ".damaged";
    ASSERT_TRUE(damaged.Save(bad).ok());
    auto rejected = testing::RunExternalValidators(bad, "accept.test.");
    ASSERT_TRUE(rejected.ok());
    for (const auto& v : *rejected) EXPECT_FALSE(v.accepted) << v.tool << " accepted a damaged signature";
  }
}

std::string Name(const ::testing::TestParamInfo<Param>& info) {
  auto [s, a, m] = info.param;
  return std::string(s == Store::kOpenSsl ? "OpenSsl" : "SoftHsm") + "_" + AlgorithmName(a) + "_" + ModeName(m);
}

const auto kAlgorithms = ::testing::Values(Algorithm::kRsaSha256, Algorithm::kEcdsaP256Sha256, Algorithm::kEd25519);
const auto kModes = ::testing::Values(Mode::kNsec, Mode::kNsec3, Mode::kNsec3OptOut);

INSTANTIATE_TEST_SUITE_P(OpenSsl, SignerAcceptance, ::testing::Combine(::testing::Values(Store::kOpenSsl), kAlgorithms, kModes),
                         Name);
INSTANTIATE_TEST_SUITE_P(SoftHsm, SignerAcceptance, ::testing::Combine(::testing::Values(Store::kSoftHsm), kAlgorithms, kModes),
                         Name);

}  // namespace
}  // namespace rollcage::signer
