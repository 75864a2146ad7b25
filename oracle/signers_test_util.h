// Shared assertions for the signer acceptance tests: a zone from a real signer validates cleanly.
#ifndef ROLLCAGE_ORACLE_SIGNERS_TEST_UTIL_H_
#define ROLLCAGE_ORACLE_SIGNERS_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <string>

#include "dns/name.h"
#include "dns/zone.h"
#include "oracle/report.h"
#include "oracle/testing/signers.h"
#include "oracle/zone_validator.h"

namespace rollcage::oracle {

// Validates a signed zone at its validity time, with its DS file unless with_ds is false. Also
// checks that the fast zone reader and ldns (Zone::Load) read the signer's output identically.
inline Report ValidateSigned(const testing::SignedZone& z, bool with_ds = true, VerdictCache* cache = nullptr) {
  auto zone = testing::LoadSigned(z);
  EXPECT_TRUE(zone.ok()) << zone.status().message();
  if (!zone.ok()) return Report{};
  dns::LoadOptions lo;
  lo.origin = *dns::Name::FromText(z.origin);
  auto slow = dns::Zone::Load(z.path, lo);
  EXPECT_TRUE(slow.ok()) << slow.status().message();
  if (slow.ok()) {
    EXPECT_EQ(slow->records(), zone->records()) << "fast reader and ldns disagree on " << z.path;
  }
  ValidateOptions o;
  o.origin = *dns::Name::FromText(z.origin);
  o.now = z.valid_at;
  o.cache = cache;
  if (with_ds && !z.ds_path.empty()) {
    o.trust_source = "ds";
    Status s = LoadTrustFile(z.ds_path, o.origin, &o);
    EXPECT_TRUE(s.ok()) << s.message();
  }
  return Validate(*zone, o);
}

// The zone is valid: no error findings, nothing unchecked, trusted from its DS, every RRSIG valid,
// no bogus delegation.
inline void ExpectClean(const Report& r, bool with_ds = true) {
  EXPECT_EQ(r.errors(), 0u) << FormatText(r);
  EXPECT_TRUE(r.not_checked.empty()) << FormatText(r);
  EXPECT_EQ(r.verdict(), Verdict::kValid) << FormatText(r);
  if (with_ds) {
    EXPECT_EQ(r.trust.security, Security::kSecure) << r.trust.detail;
    EXPECT_EQ(r.trust.source, "ds");
  }
  EXPECT_GT(r.rrsigs_total, 50u);
  EXPECT_EQ(r.rrsigs_valid, r.rrsigs_total) << FormatText(r);
  EXPECT_EQ(r.resolver.bogus, 0u);
  EXPECT_GT(r.resolver.delegations, 10u);
  EXPECT_EQ(r.resolver.secure + r.resolver.insecure, r.resolver.delegations);
  EXPECT_EQ(r.de.rrsigs, 0u);
}

}  // namespace rollcage::oracle

#endif  // ROLLCAGE_ORACLE_SIGNERS_TEST_UTIL_H_
