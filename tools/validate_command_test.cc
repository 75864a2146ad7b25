// `rollcage validate` end to end: exit codes 0/1/2/3/4, text and JSON output, --ds, --cache and
// several zone versions in one run.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/file.h"
#include "base/subprocess.h"
#include "oracle/testing/signers.h"

namespace rollcage {
namespace {

constexpr char kOrigin[] = "cli.test.";

RunResult Validate(std::vector<std::string> args) {
  args.insert(args.begin(), {"tools/rollcage", "validate"});
  auto r = RunCommand(args, RunOptions{{}, "", "", 60});
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : RunResult{};
}

class ValidateCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    oracle::testing::ZoneShape shape;
    shape.hosts = 20;
    oracle::testing::SignOptions o;
    o.nsec3 = true;
    auto z = oracle::testing::SignWithLdns(oracle::testing::FreshDir("cli"), kOrigin,
                                           oracle::testing::UnsignedZoneText(kOrigin, shape), o);
    ASSERT_TRUE(z.ok()) << z.status().message();
    zone_ = new oracle::testing::SignedZone(*z);
    text_ = new std::string(*ReadFile(z->path));
  }
  static std::string Write(const std::string& name, const std::string& text) {
    std::string path = zone_->dir + "/" + name;
    EXPECT_TRUE(oracle::testing::WriteText(path, text).ok());
    return path;
  }
  static oracle::testing::SignedZone* zone_;
  static std::string* text_;
};
oracle::testing::SignedZone* ValidateCommand::zone_ = nullptr;
std::string* ValidateCommand::text_ = nullptr;

TEST_F(ValidateCommand, ValidZoneExitsZeroWithTextAndJson) {
  RunResult r = Validate({zone_->path, "--origin", kOrigin, "--time", "2030-01-01", "--ds", zone_->ds_path});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("VALID"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("trust: ds: secure"), std::string::npos) << r.out;
  RunResult j = Validate({zone_->path, "--origin", kOrigin, "--time", "20300101000000", "--format", "json"});
  EXPECT_EQ(j.exit_code, 0) << j.err;
  auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["schema"], "rollcage-validate/1");
  EXPECT_EQ(doc["verdict"], "valid");
  EXPECT_EQ(doc["exit_code"], 0);
  EXPECT_EQ(doc["trust"]["source"], "assumed");
  EXPECT_EQ(doc["denial"], "nsec3");
  EXPECT_GT(doc["summary"]["rrsigs"]["total"].get<int>(), 50);
  EXPECT_EQ(doc["summary"]["rrsigs"]["valid"], doc["summary"]["rrsigs"]["total"]);
  EXPECT_EQ(doc["resolver_view"]["bogus"], 0);
  EXPECT_TRUE(doc["findings"].is_array());
  EXPECT_TRUE(doc["de_diagnosis"].is_object());
}

TEST_F(ValidateCommand, DefectsExitOneAndNameTheClass) {
  // Drop the RRSIG over h1's A record.
  std::string t = *text_;
  size_t p = t.find("h1.cli.test.\t3600\tIN\tRRSIG\tA ");
  ASSERT_NE(p, std::string::npos);
  t.erase(p, t.find('\n', p) - p + 1);
  std::string path = Write("defect.zone", t);
  RunResult r = Validate({path, "--origin", kOrigin, "--time", "2030-01-01", "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["verdict"], "defects");
  ASSERT_FALSE(doc["findings"].empty());
  EXPECT_EQ(doc["findings"][0]["class"], "rrset-unsigned");
  EXPECT_EQ(doc["findings"][0]["owner"], "h1.cli.test.");
  EXPECT_EQ(doc["findings"][0]["type"], "A");
  EXPECT_EQ(doc["findings"][0]["severity"], "error");
  EXPECT_EQ(doc["findings"][0]["rfc"], "RFC 4035 §2.2");
  EXPECT_EQ(doc["summary"]["by_class"]["rrset-unsigned"], 1);
  // Expired at a later time.
  RunResult late = Validate({zone_->path, "--origin", kOrigin, "--time", "2036-01-01"});
  EXPECT_EQ(late.exit_code, 1);
  EXPECT_NE(late.out.find("rrsig-expired"), std::string::npos);
  EXPECT_NE(late.out.find("... and "), std::string::npos);  // text output caps each class
}

TEST_F(ValidateCommand, BadInputAndUsageExitTwoIoExitsThree) {
  EXPECT_EQ(Validate({zone_->path}).exit_code, 2);                                      // no --origin
  EXPECT_EQ(Validate({zone_->path, "--origin", kOrigin, "--time", "soon"}).exit_code, 2);
  EXPECT_EQ(Validate({zone_->path, "--origin", kOrigin, "--format", "xml"}).exit_code, 2);
  EXPECT_EQ(Validate({zone_->path, "--origin", kOrigin, "--ds", zone_->ds_path, "--trust-anchor", zone_->ds_path})
                .exit_code,
            2);
  EXPECT_EQ(Validate({zone_->path, "--origin", kOrigin, "--bogus-flag"}).exit_code, 2);
  std::string bad = Write("bad.zone", "$ORIGIN cli.test.\n@ SOA a b 1 2 3 4 5\nwww A 300.1.1.1\n");
  RunResult r = Validate({bad, "--origin", kOrigin});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.zone:3:"), std::string::npos) << r.err;
  std::string wrong_ds = Write("wrong.ds", "other.test. DS 1 13 2 00112233\n");
  EXPECT_EQ(Validate({zone_->path, "--origin", kOrigin, "--ds", wrong_ds}).exit_code, 2);
  EXPECT_EQ(Validate({zone_->dir + "/missing.zone", "--origin", kOrigin}).exit_code, 3);
  EXPECT_EQ(Validate({zone_->path, "--origin", kOrigin, "--ds", zone_->dir + "/missing.ds"}).exit_code, 3);
}

TEST_F(ValidateCommand, UnsupportedAlgorithmIsIncompleteNotValid) {
  std::string key(88, 'A'), sig(88, 'B');
  std::string t = "$ORIGIN gost.test.\n$TTL 300\n"
                  "@ SOA ns hm 1 2 3 4 300\n@ NS ns.other.test.\n"
                  "@ DNSKEY 257 3 12 " + key + "\n"
                  "@ NSEC gost.test. NS SOA RRSIG NSEC DNSKEY\n";
  for (const char* type : {"SOA", "NS", "DNSKEY", "NSEC"}) {
    t += std::string("@ RRSIG ") + type + " 12 2 300 20350101000000 20210101000000 1234 gost.test. " + sig + "\n";
  }
  std::string path = Write("gost.zone", t);
  RunResult r = Validate({path, "--origin", "gost.test.", "--time", "2030-01-01", "--format", "json"});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["verdict"], "incomplete");
  EXPECT_EQ(doc["summary"]["rrsigs"]["not_checked"], 4);
  EXPECT_EQ(doc["summary"]["rrsigs"]["valid"], 0);
  ASSERT_FALSE(doc["not_checked"].empty());
  EXPECT_EQ(doc["not_checked"][0]["kind"], "unsupported-algorithm");
}

TEST_F(ValidateCommand, CacheAndSeveralVersionsReuseVerdicts) {
  std::string cache = zone_->dir + "/verdicts";
  RunResult first = Validate({zone_->path, "--origin", kOrigin, "--time", "2030-01-01", "--format", "json",
                              "--cache", cache});
  ASSERT_EQ(first.exit_code, 0);
  auto a = nlohmann::json::parse(first.out);
  EXPECT_GT(a["summary"]["rrsigs"]["verifications_computed"].get<int>(), 50);
  RunResult second = Validate({zone_->path, "--origin", kOrigin, "--time", "2030-01-01", "--format", "json",
                               "--cache", cache});
  auto b = nlohmann::json::parse(second.out);
  EXPECT_EQ(b["summary"]["rrsigs"]["verifications_computed"], 0);
  EXPECT_EQ(b["summary"]["rrsigs"]["cache_hits"], b["summary"]["rrsigs"]["valid"]);
  // Two versions in one run (the second changes unsigned glue): it reuses the first's verdicts.
  std::string t = *text_;
  size_t p = t.find("ns.ins0.cli.test.\t3600\tIN\tA\t");
  ASSERT_NE(p, std::string::npos);
  std::string v2 = Write("v2.zone", t.replace(p, std::string("ns.ins0.cli.test.\t3600").size(), "ns.ins0.cli.test.\t60"));
  RunResult both = Validate({zone_->path, v2, "--origin", kOrigin, "--time", "2030-01-01", "--format", "json"});
  EXPECT_EQ(both.exit_code, 0) << both.err;
  auto list = nlohmann::json::parse(both.out);
  ASSERT_TRUE(list.is_array());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1]["summary"]["rrsigs"]["verifications_computed"], 0);
}

}  // namespace
}  // namespace rollcage
