// Fuzz target: zone text -> dns/ parser -> reference signer -> oracle. Property: whatever the signer
// emits validates — no error finding from the static oracle, with the chain of trust taken from the
// DS records the signer itself made. The signer may refuse a zone (a Status): that is fail-closed and
// fine; publishing a zone the oracle rejects is not.
//
// Input: one options octet, then zone text (origin example.):
//   bits 0-1 denial (nsec, nsec3, nsec3 opt-out, nsec3 with 1 iteration and a salt),
//   bits 2 and 4 algorithm (13 ECDSAP256SHA256, 15 ED25519, 8 RSASHA256 with bit 4),
//   bit 3 one CSK instead of KSK + ZSK.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "dns/zone.h"
#include "fuzz/finding.h"
#include "oracle/finding.h"
#include "oracle/report.h"
#include "oracle/zone_validator.h"
#include "signer-under-test/openssl_key_store.h"
#include "signer-under-test/zone_key.h"
#include "signer-under-test/zone_signer.h"

namespace {

using namespace rollcage;

constexpr UnixTime kNow = 1767225600;  // 2026-01-01

struct Keys {
  std::unique_ptr<signer::OpenSslKeyStore> store;
  std::vector<signer::ZoneKey> split[3], csk[3];  // [0] ECDSA, [1] Ed25519, [2] RSA
};

const Keys& TheKeys() {
  static Keys* keys = [] {
    auto* k = new Keys;
    k->store = std::make_unique<signer::OpenSslKeyStore>(signer::OpenSslKeyStoreOptions{.seed = 7, .max_threads = 1});
    int i = 0;
    for (auto alg : {signer::Algorithm::kEcdsaP256Sha256, signer::Algorithm::kEd25519, signer::Algorithm::kRsaSha256}) {
      auto gen = [&](const char* label) {
        auto info = k->store->Generate(signer::KeySpec{alg, label});
        if (!info.ok()) {
          std::fprintf(stderr, "zone fuzz target: key generation failed: %s\n", info.status().message().c_str());
          std::abort();
        }
        return *info;
      };
      k->split[i] = {signer::ZoneKey::ForRole(gen("ksk"), signer::KeyRole::kKsk),
                     signer::ZoneKey::ForRole(gen("zsk"), signer::KeyRole::kZsk)};
      k->csk[i] = {signer::ZoneKey::ForRole(gen("csk"), signer::KeyRole::kCsk)};
      ++i;
    }
    return k;
  }();
  return *keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 8192) return -1;
  uint8_t opt = data[0];
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  static const dns::Name origin = *dns::Name::FromText("example.");
  dns::LoadOptions lo;
  lo.origin = origin;
  auto zone = dns::Zone::Parse(text, lo, "fuzz");
  if (!zone.ok() || zone->size() > 300) return 0;

  const Keys& keys = TheKeys();
  int alg = (opt & 16) ? 2 : (opt >> 2) & 1;
  const auto& zone_keys = (opt & 8) ? keys.csk[alg] : keys.split[alg];
  signer::SignOptions so;
  so.threads = 1;
  so.jitter_seed = opt;
  so.serial = signer::SerialPolicy::kIncrement;
  switch (opt & 3) {
    case 0: so.denial = signer::Denial::kNsec; break;
    case 1: so.denial = signer::Denial::kNsec3; break;
    case 2: so.denial = signer::Denial::kNsec3; so.nsec3.opt_out = true; break;
    default: so.denial = signer::Denial::kNsec3; so.nsec3.iterations = 1; so.nsec3.salt = "\xab\xcd";
  }
  signer::ZoneSigner zs(*keys.store, so);
  auto signed_zone = zs.Sign(*zone, zone_keys, kNow);
  if (!signed_zone.ok()) return 0;  // refused: fail closed

  oracle::ValidateOptions vo;
  vo.origin = origin;
  vo.now = kNow;
  vo.threads = 1;
  for (const auto& ds : signed_zone->ds) vo.ds_rdatas.push_back(ds.rdata);
  vo.trust_source = vo.ds_rdatas.empty() ? "assumed" : "ds";
  oracle::Report report = oracle::Validate(signed_zone->zone, vo);
  if (report.errors() > 0) {
    std::fprintf(stderr, "\n==== the signer published a zone the oracle rejects ====\n---- input\n%.*s\n---- signed\n%s---- oracle\n%s",
                 int(text.size()), text.data(), signed_zone->zone.ToText().c_str(), oracle::FormatText(report).c_str());
    for (const auto& f : report.findings) {
      if (f.severity() == oracle::Severity::kError) {
        rollcage::fuzz::FuzzFinding(std::string("signed-zone-") + oracle::FindingClassId(f.cls),
                                    f.owner.ToText() + " " + dns::TypeToText(f.type) + ": " + f.detail);
      }
    }
    rollcage::fuzz::FuzzFinding("signed-zone-rejected", "the oracle counts errors");
  }
  return 0;
}
