// End-to-end tests of `rollcage sign`, `rollcage keygen` and `rollcage genzone`: the binary is run as
// a user would run it, and its output judged by the three external validators.
#include <gtest/gtest.h>

#include <cstdlib>

#include "base/file.h"
#include "base/subprocess.h"
#include "testing/external_validators.h"

namespace rollcage::tools {
namespace {

constexpr char kCheckZone[] = R"($ORIGIN check.test.
$TTL 3600
@ IN SOA ns1 host 1 7200 3600 1209600 3600
@ NS ns1
ns1 A 192.0.2.1
www A 192.0.2.2
*.wild TXT "w"
a.b.c.ent AAAA 2001:db8::1
sub NS ns.sub
ns.sub A 192.0.2.3
sec NS ns.elsewhere.example.
sec DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
)";

std::string Tmp(const std::string& name) {
  const char* t = std::getenv("TEST_TMPDIR");
  return std::string(t ? t : "/tmp") + "/" + name;
}

RunResult Rollcage(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), "tools/rollcage");
  RunOptions o;
  o.timeout_seconds = 120;
  o.env = std::move(env);
  auto r = RunCommand(args, o);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : RunResult{};
}

std::string CheckZoneFile() {
  std::string path = Tmp("check.zone");
  EXPECT_TRUE(WriteFileAtomic(path, kCheckZone).ok());
  return path;
}

void ExpectValid(const std::string& file, const std::string& origin, bool csk = false) {
  auto verdicts = testing::RunExternalValidators(file, origin, {.ignore_ksk_flag = csk});
  ASSERT_TRUE(verdicts.ok()) << verdicts.status().message();
  EXPECT_EQ(testing::DescribeRejections(*verdicts), "");
}

TEST(SignCommandTest, NoKeyOptionsSignsWithThrowawayKeys) {
  std::string out = Tmp("nokeys.signed");
  auto r = Rollcage({"sign", CheckZoneFile(), "--origin", "check.test.", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("throwaway in-process ECDSAP256SHA256 keys derived from seed 0"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("IN\tDS\t"), std::string::npos) << r.err;
  ExpectValid(out, "check.test.");
  // The same seed gives the same keys and, at the same time, the same zone.
  std::string again = Tmp("nokeys2.signed");
  auto a = Rollcage({"sign", CheckZoneFile(), "--origin", "check.test.", "--time", "2026-05-05T12:00:00Z", "--out", out});
  auto b = Rollcage({"sign", CheckZoneFile(), "--origin", "check.test.", "--time", "2026-05-05T12:00:00Z", "--out", again});
  ASSERT_EQ(a.exit_code, 0);
  ASSERT_EQ(b.exit_code, 0);
  EXPECT_EQ(*ReadFile(out), *ReadFile(again));
  EXPECT_NE(ReadFile(out)->find("20260505110000"), std::string::npos);  // inception = time - 1h
}

TEST(SignCommandTest, KeygenToDirectoryThenSignNsec3) {
  std::string dir = Tmp("keys");
  auto k = Rollcage({"keygen", "--origin", "check.test.", "--keys", dir, "--algorithm", "ED25519"});
  ASSERT_EQ(k.exit_code, 0) << k.err;
  EXPECT_NE(k.out.find("DNSKEY\t257 3 15"), std::string::npos) << k.out;
  EXPECT_NE(k.out.find("DNSKEY\t256 3 15"), std::string::npos) << k.out;
  std::string out = Tmp("dir.signed"), ds = Tmp("dir.ds");
  auto r = Rollcage({"sign", CheckZoneFile(), "--origin", "check.test.", "--keys", dir, "--nsec3", "--opt-out",
                     "--serial", "increment", "--out", out, "--ds-out", ds});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectValid(out, "check.test.");
  auto ds_text = ReadFile(ds);
  ASSERT_TRUE(ds_text.ok());
  EXPECT_NE(ds_text->find("DS\t"), std::string::npos);
  EXPECT_NE(ds_text->find(" 15 2 "), std::string::npos) << *ds_text;
  EXPECT_NE(ReadFile(out)->find("NSEC3PARAM"), std::string::npos);
}

TEST(SignCommandTest, MissingKeysAreExit2WithAClearMessage) {
  auto r = Rollcage({"sign", CheckZoneFile(), "--origin", "check.test.", "--keys", Tmp("no-such-dir"), "--out",
                     Tmp("x.signed")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("key directory"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  std::string empty = Tmp("other-zone-keys");
  ASSERT_EQ(Rollcage({"keygen", "--origin", "other.test.", "--keys", empty}).exit_code, 0);
  auto none = Rollcage({"sign", CheckZoneFile(), "--origin", "check.test.", "--keys", empty, "--out", Tmp("y.signed")});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no keys for check.test."), std::string::npos) << none.err;
}

TEST(SignCommandTest, SoftHsmKeygenSignAndWrongPin) {
  std::string tokens = Tmp("tokens");
  auto k = Rollcage({"keygen", "--origin", "check.test.", "--token-dir", tokens, "--token", "cli", "--pin", "1234",
                     "--algorithm", "13"});
  ASSERT_EQ(k.exit_code, 0) << k.err;
  EXPECT_NE(k.out.find("PKCS#11 token 'cli'"), std::string::npos) << k.out;
  std::string out = Tmp("hsm.signed");
  auto r = Rollcage({"sign", CheckZoneFile(), "--origin", "check.test.", "--token-dir", tokens, "--token", "cli",
                     "--out", out},
                    {{"ROLLCAGE_PKCS11_PIN", "1234"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectValid(out, "check.test.");
  auto bad = Rollcage({"sign", CheckZoneFile(), "--origin", "check.test.", "--token-dir", tokens, "--token", "cli",
                       "--pin", "9999", "--out", Tmp("bad.signed")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("C_Login"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("CKR_PIN_INCORRECT"), std::string::npos) << bad.err;
  auto no_module = Rollcage({"sign", CheckZoneFile(), "--origin", "check.test.", "--pkcs11", Tmp("nothing.so"),
                             "--pin", "1", "--out", Tmp("c.signed")});
  EXPECT_EQ(no_module.exit_code, 4);
  EXPECT_NE(no_module.err.find("nothing.so"), std::string::npos) << no_module.err;
}

TEST(SignCommandTest, MalformedZoneNamesFileAndLine) {
  std::string path = Tmp("bad.zone");
  ASSERT_TRUE(WriteFileAtomic(path, "$ORIGIN t.\n@ SOA a b 1 2 3 4 5\nx A not-an-address\n").ok());
  auto r = Rollcage({"sign", path, "--origin", "t.", "--out", Tmp("bad.out")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(path + ":3:"), std::string::npos) << r.err;
  auto ds = Tmp("ds.zone");
  ASSERT_TRUE(WriteFileAtomic(ds, "$ORIGIN t.\n@ SOA a b 1 2 3 4 5\nx DS 1 13 2 00\n").ok());
  auto d = Rollcage({"sign", ds, "--origin", "t.", "--out", Tmp("ds.out")});
  EXPECT_EQ(d.exit_code, 2);
  EXPECT_NE(d.err.find("DS record without a delegation"), std::string::npos) << d.err;
  auto missing = Rollcage({"sign", Tmp("absent.zone"), "--origin", "t.", "--out", Tmp("m.out")});
  EXPECT_EQ(missing.exit_code, 3);
  auto usage = Rollcage({"sign", path, "--origin", "t.", "--out", Tmp("u.out"), "--algorithm", "RSAMD5"});
  EXPECT_EQ(usage.exit_code, 2);
}

TEST(SignCommandTest, GenzoneThenSignRsaCsk) {
  std::string zone = Tmp("gen.zone");
  auto g = Rollcage({"genzone", "--origin", "gen.test.", "--delegations", "300", "--ds-percent", "40", "--seed", "7",
                     "--out", zone});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  EXPECT_NE(g.err.find("300 delegations"), std::string::npos) << g.err;
  std::string out = Tmp("gen.signed");
  auto r = Rollcage({"sign", zone, "--origin", "gen.test.", "--algorithm", "8", "--csk", "--nsec3", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectValid(out, "gen.test.", /*csk=*/true);
}

}  // namespace
}  // namespace rollcage::tools
