// OracleJudge with CleanVersions: a zone version the static oracle found clean, met again (same
// records, parent DS and time), is not validated again; any change to what validation reads is a
// new question, and a version with findings is never remembered.
#include "harness/oracle_judge.h"

#include <gtest/gtest.h>

#include "dns/rdata.h"
#include "signer-under-test/openssl_key_store.h"
#include "signer-under-test/zone_signer.h"

namespace rollcage::harness {
namespace {

constexpr UnixTime kNow = 1767225600;

struct Signed {
  dns::Zone zone;
  std::vector<dns::RR> ds;
};

Signed SignSmallZone(std::string salt = "") {
  auto zone = dns::Zone::Parse(
      "$ORIGIN memo.test.\n"
      "@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
      "@ 3600 IN NS ns1\n"
      "ns1 3600 IN A 192.0.2.1\n"
      "www 3600 IN A 192.0.2.2\n"
      "www 3600 IN TXT \"hello\"\n");
  EXPECT_TRUE(zone.ok()) << zone.status().message();
  signer::OpenSslKeyStore store({.seed = 4});
  auto info = store.Generate({signer::Algorithm::kEcdsaP256Sha256, "memo.test. csk"});
  EXPECT_TRUE(info.ok());
  std::vector<signer::ZoneKey> keys = {signer::ZoneKey::ForRole(*info, signer::KeyRole::kCsk)};
  signer::SignOptions o;
  o.denial = signer::Denial::kNsec3;
  o.nsec3.salt = salt;
  auto s = signer::ZoneSigner(store, o).Sign(*zone, keys, kNow);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return {std::move(s->zone), std::move(s->ds)};
}

size_t Errors(const std::vector<Finding>& fs) {
  size_t n = 0;
  for (const auto& f : fs) n += f.severity == "error";
  return n;
}

TEST(OracleJudgeCleanVersions, CleanVersionOnceChangesAndFindingsAreNewQuestions) {
  Signed s = SignSmallZone();
  oracle::VerdictCache verdicts(1024);
  CleanVersions clean(64);
  OracleJudge judge(&verdicts, &clean);

  auto first = judge.CheckZone(s.zone, s.ds, kNow);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->empty());  // clean: remembered
  EXPECT_GT(judge.last_report().rrsigs_valid, 0u);
  auto again = judge.CheckZone(s.zone, s.ds, kNow);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
  EXPECT_EQ(clean.hits(), 1u);

  // The same zone long after its signatures expired: a new question, with errors (not remembered).
  for (int i = 0; i < 2; ++i) {
    auto later = judge.CheckZone(s.zone, s.ds, kNow + 400 * 86400);
    ASSERT_TRUE(later.ok());
    EXPECT_GT(Errors(*later), 0u) << i;
  }
  EXPECT_EQ(clean.hits(), 1u);

  // One RDATA octet changed (the TXT under its old signature): a new question, with errors.
  dns::Zone tampered = s.zone;
  bool changed = false;
  for (auto& rr : tampered.mutable_records()) {
    if (rr.type == dns::rrtype::kTXT) {
      rr.rdata.back() ^= 1;
      changed = true;
    }
  }
  ASSERT_TRUE(changed);
  auto bad = judge.CheckZone(tampered, s.ds, kNow);
  ASSERT_TRUE(bad.ok());
  EXPECT_GT(Errors(*bad), 0u);

  // A parent DS that designates no key: a new question, with errors.
  std::vector<dns::RR> wrong_ds = s.ds;
  ASSERT_FALSE(wrong_ds.empty());
  wrong_ds[0].rdata.back() ^= 1;
  auto untrusted = judge.CheckZone(s.zone, wrong_ds, kNow);
  ASSERT_TRUE(untrusted.ok());
  EXPECT_GT(Errors(*untrusted), 0u);
  EXPECT_EQ(clean.hits(), 1u);

  // The original again: still remembered.
  auto back = judge.CheckZone(s.zone, s.ds, kNow);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->empty());
  EXPECT_EQ(clean.hits(), 2u);
  EXPECT_EQ(clean.lookups(), 7u);
}

TEST(OracleJudgeCleanVersions, OneSlotKeepsTheNewest) {
  Signed s = SignSmallZone();
  oracle::VerdictCache verdicts(1024);
  CleanVersions clean(1);
  OracleJudge judge(&verdicts, &clean);
  ASSERT_TRUE(judge.CheckZone(s.zone, s.ds, kNow).ok());
  ASSERT_TRUE(judge.CheckZone(s.zone, s.ds, kNow + 1).ok());  // replaces the first
  ASSERT_TRUE(judge.CheckZone(s.zone, s.ds, kNow + 1).ok());  // hit
  ASSERT_TRUE(judge.CheckZone(s.zone, s.ds, kNow).ok());      // miss: it was replaced
  EXPECT_EQ(clean.hits(), 1u);
  EXPECT_EQ(clean.lookups(), 4u);
}

TEST(OracleJudgeCleanVersions, ErrorsOnlyRemembersVersionsWithWarningsAndSharesNoAnswers) {
  Signed s = SignSmallZone("\xab\xcd");  // an NSEC3 salt: a warning (RFC 9276 §3.1), no error
  oracle::VerdictCache verdicts(1024);
  CleanVersions clean(64);
  OracleJudge all(&verdicts, &clean);
  OracleJudge errors(&verdicts, &clean);
  errors.set_errors_only(true);

  for (int i = 0; i < 2; ++i) {  // a warning is an answer: never remembered
    auto r = all.CheckZone(s.zone, s.ds, kNow);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->size(), 1u) << i;
    EXPECT_EQ((*r)[0].cls, "nsec3-salt-present");
    EXPECT_EQ((*r)[0].severity, "warning");
  }
  EXPECT_EQ(clean.hits(), 0u);
  for (int i = 0; i < 2; ++i) {  // errors only: nothing to say, remembered after the first look
    auto r = errors.CheckZone(s.zone, s.ds, kNow);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->empty()) << i;
  }
  EXPECT_EQ(clean.hits(), 1u);
  // The full judge on the same table still gets its warning (the digests carry the mode).
  auto r = all.CheckZone(s.zone, s.ds, kNow);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 1u);
  EXPECT_EQ(clean.hits(), 1u);
  // Errors still come out of an errors-only judge (the signatures long expired), and nothing else.
  auto later = errors.CheckZone(s.zone, s.ds, kNow + 400 * 86400);
  ASSERT_TRUE(later.ok());
  EXPECT_GT(Errors(*later), 0u);
  EXPECT_EQ(Errors(*later), later->size());
}

}  // namespace
}  // namespace rollcage::harness
