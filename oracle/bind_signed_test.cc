// Zones signed by BIND's dnssec-signzone (keys from dnssec-keygen) at test time are accepted:
// several algorithms, NSEC, NSEC3, Opt-Out, a ZSK rollover in its pre-publication phase.
#include <gtest/gtest.h>

#include "base/file.h"
#include "base/subprocess.h"
#include "oracle/signers_test_util.h"
#include "oracle/testing/signers.h"

namespace rollcage::oracle {
namespace {

using testing::FreshDir;
using testing::SignOptions;
using testing::SignWithBind;
using testing::UnsignedZoneText;

constexpr char kOrigin[] = "bind.test.";

Report SignAndValidate(const std::string& name, const SignOptions& o) {
  std::string dir = FreshDir(name);
  auto z = SignWithBind(dir, kOrigin, UnsignedZoneText(kOrigin), o);
  EXPECT_TRUE(z.ok()) << z.status().message();
  if (!z.ok()) return Report{};
  Report r = ValidateSigned(*z);
  ExpectClean(r);
  EXPECT_EQ(r.denial, o.nsec3 ? "nsec3" : "nsec");
  return r;
}

TEST(BindSigned, EcdsaP256Nsec) { SignAndValidate("p256-nsec", {}); }

TEST(BindSigned, EcdsaP256Nsec3) {
  SignOptions o;
  o.nsec3 = true;
  SignAndValidate("p256-nsec3", o);
}

TEST(BindSigned, EcdsaP256Nsec3OptOut) {
  SignOptions o;
  o.nsec3 = true;
  o.opt_out = true;
  Report r = SignAndValidate("p256-optout", o);
  EXPECT_TRUE(r.nsec3_opt_out);
  EXPECT_EQ(r.resolver.secure, 15u);
  EXPECT_EQ(r.resolver.insecure, 46u);
}

TEST(BindSigned, RsaSha256Nsec3) {
  SignOptions o;
  o.algorithms = {8};
  o.nsec3 = true;
  SignAndValidate("rsa-nsec3", o);
}

TEST(BindSigned, Ed25519Nsec) {
  SignOptions o;
  o.algorithms = {15};
  SignAndValidate("ed25519-nsec", o);
}

TEST(BindSigned, TwoAlgorithmsNsec) {
  SignOptions o;
  o.algorithms = {8, 13};
  SignAndValidate("rsa-p256-nsec", o);
}

// Pre-publication phase of a ZSK rollover: a second ZSK published in the DNSKEY RRset, not signing.
TEST(BindSigned, ZskRolloverPrePublish) {
  std::string dir = FreshDir("rollover");
  auto k = RunCommand({"dnssec-keygen", "-q", "-K", dir, "-a", "ECDSAP256SHA256", "-n", "ZONE", kOrigin},
                      RunOptions{{}, "", dir, 30});
  ASSERT_TRUE(k.ok() && k->exit_code == 0);
  std::string base = k->out.substr(0, k->out.find('\n'));
  auto key = ReadFile(dir + "/" + base + ".key");
  ASSERT_TRUE(key.ok());
  // Move the key away so that dnssec-signzone does not pick it up as a signing key.
  ASSERT_EQ(std::rename((dir + "/" + base + ".key").c_str(), (dir + "/published-only.key").c_str()), 0);
  ASSERT_EQ(std::rename((dir + "/" + base + ".private").c_str(), (dir + "/published-only.private").c_str()), 0);
  SignOptions o;
  o.nsec3 = true;
  std::string text = *key;
  size_t p = 0;
  while (p < text.size() && text[p] == ';') p = text.find('\n', p) + 1;  // drop comment lines
  o.extra_dnskey_text = text.substr(p);
  auto z = SignWithBind(dir, kOrigin, UnsignedZoneText(kOrigin), o);
  ASSERT_TRUE(z.ok()) << z.status().message();
  Report r = ValidateSigned(*z);
  ExpectClean(r);
}

}  // namespace
}  // namespace rollcage::oracle
