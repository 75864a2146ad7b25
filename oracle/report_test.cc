#include "oracle/report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace rollcage::oracle {
namespace {

Report Sample() {
  Report r;
  r.zone = *dns::Name::FromText("example.");
  r.time = 1893456000;
  for (int i = 0; i < 5; ++i) {
    r.findings.push_back(Finding{FindingClass::kRrsigExpired, *dns::Name::FromText("www.example."), 1,
                                 "expired " + std::to_string(i), 4711, 13});
  }
  // An owner with octets that are not UTF-8: printed escaped, never breaking the JSON.
  auto odd = dns::Name::FromText("a\\255\\000b.example.");
  r.findings.push_back(Finding{FindingClass::kDenialTtlMismatch, *odd, 50, "ttl", -1, -1});
  r.not_checked.push_back(NotChecked{NotCheckedKind::kUnsupportedAlgorithm, r.zone, 0, "alg 12", 3});
  r.rrsigs_total = 10;
  r.de.rrsigs = 2;
  r.de.share = 0.2;
  r.de.groups.push_back(DeKeyGroup{65298, 13, 2, 1, {{std::string(64, 'k'), 2}}, 0});
  r.de.unpublished_keys = 1;
  return r;
}

TEST(Report, VerdictCountsAndExitCodes) {
  Report r = Sample();
  EXPECT_EQ(r.errors(), 5u);
  EXPECT_EQ(r.warnings(), 1u);
  EXPECT_EQ(r.verdict(), Verdict::kDefects);
  EXPECT_EQ(ExitCodeFor(r), 1);
  r.findings.erase(r.findings.begin(), r.findings.begin() + 5);
  EXPECT_EQ(r.verdict(), Verdict::kIncomplete);  // a warning and something unchecked
  EXPECT_EQ(ExitCodeFor(r), 4);
  r.not_checked.clear();
  EXPECT_EQ(r.verdict(), Verdict::kValid);
  EXPECT_EQ(ExitCodeFor(r), 0);
}

TEST(Report, JsonFollowsTheSchemaAndCapsOnlyTheList) {
  Report r = Sample();
  FormatOptions o;
  o.max_per_class = 2;
  auto j = nlohmann::json::parse(FormatJson(r, o));
  EXPECT_EQ(j["schema"], "rollcage-validate/1");
  EXPECT_EQ(j["time"], "2030-01-01T00:00:00Z");
  EXPECT_EQ(j["findings"].size(), 3u);                     // 2 of 5 expired + 1 ttl
  EXPECT_EQ(j["summary"]["by_class"]["rrsig-expired"], 5);  // counts are never capped
  EXPECT_EQ(j["findings"][0]["key_tag"], 4711);
  EXPECT_EQ(j["findings"][0]["algorithm"], 13);
  EXPECT_FALSE(j["findings"][2].contains("key_tag"));
  EXPECT_EQ(j["findings"][2]["owner"], "a\\255\\000b.example.");
  EXPECT_EQ(j["not_checked"][0]["count"], 3);
  EXPECT_EQ(j["de_diagnosis"]["groups"][0]["recovered_keys"].size(), 1u);
  EXPECT_EQ(j["de_diagnosis"]["unpublished_keys"], 1);
}

TEST(Report, TextNamesClassRfcAndWhatWasLeftOut) {
  Report r = Sample();
  FormatOptions o;
  o.max_per_class = 1;
  std::string t = FormatText(r, o);
  EXPECT_NE(t.find("DEFECTS (5 errors, 1 warnings, 1 not checked)"), std::string::npos) << t;
  EXPECT_NE(t.find("error rrsig-expired www.example. A: expired 0 [RFC 4035 §5.3.1]"), std::string::npos) << t;
  EXPECT_NE(t.find("... and 4 more rrsig-expired"), std::string::npos) << t;
  EXPECT_NE(t.find(".DE diagnosis: 2 of 10 RRSIGs (20.00%)"), std::string::npos) << t;
  EXPECT_NE(t.find("trust: assumed"), std::string::npos) << t;
}

}  // namespace
}  // namespace rollcage::oracle
