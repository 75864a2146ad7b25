// Zones signed by ldns-signzone (keys from ldns-keygen) at test time are accepted: several
// algorithms, NSEC, NSEC3, Opt-Out, a ZSK rollover in both phases, two published keys sharing a tag.
#include <gtest/gtest.h>

#include "base/file.h"
#include "base/subprocess.h"
#include "oracle/signers_test_util.h"
#include "oracle/testing/signers.h"

namespace rollcage::oracle {
namespace {

using testing::FreshDir;
using testing::SignOptions;
using testing::SignWithLdns;
using testing::UnsignedZoneText;

constexpr char kOrigin[] = "ldns.test.";

void SignAndExpectClean(const std::string& name, const SignOptions& o) {
  std::string dir = FreshDir(name);
  auto z = SignWithLdns(dir, kOrigin, UnsignedZoneText(kOrigin), o);
  ASSERT_TRUE(z.ok()) << z.status().message();
  Report r = ValidateSigned(*z);
  ExpectClean(r);
  EXPECT_EQ(r.denial, o.nsec3 ? "nsec3" : "nsec");
  EXPECT_EQ(r.nsec3_opt_out, o.opt_out);
}

TEST(LdnsSigned, EcdsaP256Nsec) { SignAndExpectClean("p256-nsec", {}); }

TEST(LdnsSigned, EcdsaP256Nsec3) {
  SignOptions o;
  o.nsec3 = true;
  SignAndExpectClean("p256-nsec3", o);
}

TEST(LdnsSigned, EcdsaP256Nsec3OptOutJudgesInsecureDelegationsByOptOut) {
  SignOptions o;
  o.nsec3 = true;
  o.opt_out = true;
  std::string dir = FreshDir("p256-optout");
  auto z = SignWithLdns(dir, kOrigin, UnsignedZoneText(kOrigin), o);
  ASSERT_TRUE(z.ok()) << z.status().message();
  Report r = ValidateSigned(*z);
  ExpectClean(r);
  EXPECT_TRUE(r.nsec3_opt_out);
  EXPECT_EQ(r.resolver.secure, 15u);
  EXPECT_EQ(r.resolver.insecure, 46u);  // 45 ins<i> + d.x.optent
}

TEST(LdnsSigned, RsaSha256Nsec) {
  SignOptions o;
  o.algorithms = {8};
  SignAndExpectClean("rsa-nsec", o);
}

TEST(LdnsSigned, Ed25519Nsec3) {
  SignOptions o;
  o.algorithms = {15};
  o.nsec3 = true;
  SignAndExpectClean("ed25519-nsec3", o);
}

TEST(LdnsSigned, EcdsaP384Nsec) {
  SignOptions o;
  o.algorithms = {14};
  SignAndExpectClean("p384-nsec", o);
}

TEST(LdnsSigned, TwoAlgorithmsNsec3) {
  SignOptions o;
  o.algorithms = {13, 15};
  o.nsec3 = true;
  SignAndExpectClean("p256-ed25519-nsec3", o);
}

TEST(LdnsSigned, SaltAndIterationsAreWarningsOnly) {
  SignOptions o;
  o.nsec3 = true;
  o.iterations = 5;
  o.salt_hex = "AABBCCDD";
  std::string dir = FreshDir("p256-salt");
  auto z = SignWithLdns(dir, kOrigin, UnsignedZoneText(kOrigin), o);
  ASSERT_TRUE(z.ok()) << z.status().message();
  Report r = ValidateSigned(*z);
  ExpectClean(r);
  EXPECT_TRUE(r.Has(FindingClass::kNsec3IterationsNonzero));
  EXPECT_TRUE(r.Has(FindingClass::kNsec3SaltPresent));
  EXPECT_EQ(r.warnings(), 2u);
}

// Pre-publication phase of a ZSK rollover (RFC 6781 §4.1.1.1): the new ZSK is published, not used.
TEST(LdnsSigned, ZskRolloverPrePublish) {
  std::string dir = FreshDir("rollover-prepublish");
  auto k = RunCommand({"ldns-keygen", "-a", "ECDSAP256SHA256", kOrigin}, RunOptions{{}, "", dir, 30});
  ASSERT_TRUE(k.ok() && k->exit_code == 0);
  std::string base = k->out.substr(0, k->out.find('\n'));
  auto key_text = ReadFile(dir + "/" + base + ".key");
  ASSERT_TRUE(key_text.ok());
  SignOptions o;
  o.nsec3 = true;
  o.extra_dnskey_text = *key_text;
  auto z = SignWithLdns(dir, kOrigin, UnsignedZoneText(kOrigin), o);
  ASSERT_TRUE(z.ok()) << z.status().message();
  Report r = ValidateSigned(*z);
  ExpectClean(r);
}

// Double-signature phase: both ZSKs published and signing.
TEST(LdnsSigned, ZskRolloverDoubleSignature) {
  std::string dir = FreshDir("rollover-double");
  auto k = RunCommand({"ldns-keygen", "-a", "ECDSAP256SHA256", kOrigin}, RunOptions{{}, "", dir, 30});
  ASSERT_TRUE(k.ok() && k->exit_code == 0);
  SignOptions o;
  o.extra_zsks = {k->out.substr(0, k->out.find('\n'))};
  auto z = SignWithLdns(dir, kOrigin, UnsignedZoneText(kOrigin), o);
  ASSERT_TRUE(z.ok()) << z.status().message();
  Report r = ValidateSigned(*z);
  ExpectClean(r);
  EXPECT_GT(r.rrsigs_total, 2 * 200u);  // two signatures per RRset
}

// Two published ZSKs with one key tag (65298, found with ldns-keygen; oracle/testdata/README.md):
// every RRset carries an RRSIG from each, and each RRSIG verifies under exactly one of them.
// Both DNSKEYs are written into the zone: ldns-signzone adds a key's DNSKEY only when no DNSKEY
// with its tag is present, so left to itself it publishes one of the two (a .DE zone; see
// manipulation_test, LdnsPublishesOneOfTwoKeysSharingATag).
TEST(LdnsSigned, TwoPublishedKeysSharingOneTag) {
  std::string dir = FreshDir("collision");
  std::string dnskeys;
  for (const char* k : {"zsk-a", "zsk-b"}) {
    auto key = ReadFile(std::string("oracle/testdata/colliding_keys/") + k + ".key");
    auto priv = ReadFile(std::string("oracle/testdata/colliding_keys/") + k + ".private");
    ASSERT_TRUE(key.ok() && priv.ok());
    std::string text = *key;
    text.replace(0, text.find('\t'), kOrigin);  // the owner: this test's zone
    ASSERT_TRUE(testing::WriteText(dir + "/" + k + ".key", text).ok());
    dnskeys += text.substr(0, text.find(';')) + "\n";
    ASSERT_TRUE(testing::WriteText(dir + "/" + k + ".private", *priv).ok());
  }
  SignOptions o;
  o.nsec3 = true;
  o.extra_zsks = {"zsk-a", "zsk-b"};
  o.extra_dnskey_text = dnskeys;
  auto z = SignWithLdns(dir, kOrigin, UnsignedZoneText(kOrigin), o);
  ASSERT_TRUE(z.ok()) << z.status().message();
  Report r = ValidateSigned(*z);
  ExpectClean(r);
  ASSERT_EQ(r.published_tag_collisions.size(), 1u);
  EXPECT_EQ(r.published_tag_collisions[0].first, 65298);
  EXPECT_EQ(r.published_tag_collisions[0].second, 2u);
}

}  // namespace
}  // namespace rollcage::oracle
