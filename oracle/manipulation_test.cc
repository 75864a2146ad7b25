// Every finding class is proved by at least one test zone made by one precise manipulation of a
// valid zone (signed by ldns-signzone at test time). Where the manipulation leaves other defects
// behind by necessity (a removed SOA also changes the apex bitmap), the test says so; otherwise it
// checks that the expected class is the only error.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>

#include "base/encoding.h"
#include "base/file.h"
#include "base/subprocess.h"
#include "dns/fast_zone_reader.h"
#include "dns/rdata.h"
#include "oracle/crypto.h"
#include "oracle/signers_test_util.h"
#include "oracle/testing/signers.h"
#include "oracle/testing/test_signer.h"
#include "oracle/zone_validator.h"

namespace rollcage::oracle {
namespace {

using testing::FindRecords;
using testing::FindSigs;
using testing::FreshDir;
using testing::RemoveRecords;
using testing::RemoveRrsetAndSigs;
using testing::Resign;
using testing::SignedZone;
using testing::SignOptions;
using testing::TestSigner;
using testing::UnsignedZoneText;
namespace rrtype = dns::rrtype;

constexpr char kOrigin[] = "m.test.";

struct Base {
  SignedZone signed_zone;
  dns::Zone zone;
  std::unique_ptr<TestSigner> ksk, zsk;
};

std::unique_ptr<Base> MakeBase(const std::string& name, const SignOptions& o, bool bind = false) {
  auto b = std::make_unique<Base>();
  auto z = bind ? testing::SignWithBind(FreshDir(name), kOrigin, UnsignedZoneText(kOrigin), o)
                : testing::SignWithLdns(FreshDir(name), kOrigin, UnsignedZoneText(kOrigin), o);
  EXPECT_TRUE(z.ok()) << z.status().message();
  if (!z.ok()) return nullptr;
  b->signed_zone = *z;
  auto zone = testing::LoadSigned(*z);
  EXPECT_TRUE(zone.ok()) << zone.status().message();
  b->zone = *zone;
  auto ksk = TestSigner::FromBindFiles(z->key_bases[0]);
  auto zsk = TestSigner::FromBindFiles(z->key_bases[o.algorithms.size()]);
  EXPECT_TRUE(ksk.ok() && zsk.ok());
  b->ksk = std::make_unique<TestSigner>(std::move(ksk).value());
  b->zsk = std::make_unique<TestSigner>(std::move(zsk).value());
  return b;
}

class Manipulation : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    SignOptions nsec3;
    nsec3.nsec3 = true;
    nsec3_ = MakeBase("nsec3", nsec3).release();
    nsec_ = MakeBase("nsec", {}).release();
    SignOptions optout = nsec3;
    optout.opt_out = true;
    optout_ = MakeBase("optout", optout).release();
    // dnssec-signzone -A leaves insecure delegations out of the chain (ldns-signzone -p keeps them).
    optout_bind_ = MakeBase("optout-bind", optout, true).release();
    SignOptions two;
    two.algorithms = {13, 15};
    two_algs_ = MakeBase("two-algorithms", two).release();
  }

  static ValidateOptions Options(const Base& b, bool with_ds = true) {
    ValidateOptions o;
    o.origin = *dns::Name::FromText(kOrigin);
    o.now = testing::kValidAt;
    if (with_ds) {
      o.trust_source = "ds";
      EXPECT_TRUE(LoadTrustFile(b.signed_zone.ds_path, o.origin, &o).ok());
    }
    return o;
  }
  static Report Check(const Base& b, const dns::Zone& z) { return Validate(z, Options(b)); }

  static Base* nsec3_;
  static Base* nsec_;
  static Base* optout_;
  static Base* optout_bind_;
  static Base* two_algs_;
};
Base* Manipulation::optout_bind_ = nullptr;
Base* Manipulation::nsec3_ = nullptr;
Base* Manipulation::nsec_ = nullptr;
Base* Manipulation::optout_ = nullptr;
Base* Manipulation::two_algs_ = nullptr;

// The classes the tests of this file proved (checked by the last test).
std::set<FindingClass>& Proved() {
  static std::set<FindingClass> s;
  return s;
}

// r has class c.
void ExpectHas(const Report& r, FindingClass c) {
  EXPECT_TRUE(r.Has(c)) << "expected " << FindingClassId(c) << "\n" << FormatText(r);
  if (r.Has(c)) Proved().insert(c);
}

// r has class c, and its errors are all in `allowed` (which always includes c).
void Expect(const Report& r, FindingClass c, std::set<FindingClass> allowed = {}) {
  allowed.insert(c);
  if (r.Has(c)) Proved().insert(c);
  EXPECT_TRUE(r.Has(c)) << "expected " << FindingClassId(c) << "\n" << FormatText(r);
  for (const auto& f : r.findings) {
    if (f.severity() == Severity::kError) {
      EXPECT_TRUE(allowed.count(f.cls)) << "unexpected " << FindingClassId(f.cls) << " " << f.owner.ToText() << ": "
                                        << f.detail;
    }
  }
}

dns::Name N(const std::string& s) { return *dns::Name::FromText(s); }

size_t Nsec3Of(const dns::Zone& z, const std::string& name) {
  auto p = dns::Nsec3ParamData::Parse(z.records()[FindRecords(z, kOrigin, rrtype::kNSEC3PARAM).front()].rdata);
  std::string label = Base32HexEncode(*Nsec3Hash(N(name), p->hash_algorithm, p->salt, p->iterations));
  auto r = FindRecords(z, label + "." + kOrigin, rrtype::kNSEC3);
  EXPECT_EQ(r.size(), 1u) << name;
  return r.empty() ? 0 : r.front();
}

// The NSEC3 whose Next Hashed Owner is the hash of record idx's owner (its predecessor).
size_t Nsec3Predecessor(const dns::Zone& z, size_t idx) {
  std::string h = *Base32HexDecode(z.records()[idx].owner.FirstLabel());
  for (size_t i = 0; i < z.records().size(); ++i) {
    if (z.records()[i].type != rrtype::kNSEC3) continue;
    if (dns::Nsec3Data::Parse(z.records()[i].rdata)->next_hashed == h) return i;
  }
  ADD_FAILURE() << "no predecessor";
  return 0;
}

void EditNsec3(dns::Zone& z, size_t idx, const std::function<void(dns::Nsec3Data&)>& f) {
  auto d = dns::Nsec3Data::Parse(z.records()[idx].rdata);
  f(*d);
  z.mutable_records()[idx].rdata = d->Encode();
}

void ResignAt(dns::Zone& z, const TestSigner& s, const dns::Name& owner, uint16_t type,
              const std::function<void(testing::SigFields&)>& tweak = {}) {
  Resign(z, s, owner.ToText(), type, tweak);
}

// --- Signatures ------------------------------------------------------------------------------

TEST_F(Manipulation, RrsetChangedAfterSigningIsABadSignature) {
  dns::Zone z = nsec3_->zone;
  z.mutable_records()[FindRecords(z, "h1.m.test.", rrtype::kA).front()].rdata = std::string("\xc0\x00\x02\x63", 4);
  Report r = Check(*nsec3_, z);
  Expect(r, FindingClass::kRrsigBadSignature, {FindingClass::kRrsetAlgorithmMissing});
  EXPECT_FALSE(r.Has(FindingClass::kRrsigUnpublishedKeySameTag));
  EXPECT_EQ(r.rrsigs_invalid, 1u);
}

TEST_F(Manipulation, CorruptedSignatureIsABadSignature) {
  dns::Zone z = nsec3_->zone;
  auto& sig = z.mutable_records()[FindSigs(z, "h1.m.test.", rrtype::kA).front()].rdata;
  sig[sig.size() - 5] ^= 0x40;
  Expect(Check(*nsec3_, z), FindingClass::kRrsigBadSignature, {FindingClass::kRrsetAlgorithmMissing});
}

TEST_F(Manipulation, SignatureOfTheWrongLengthIsABadSignature) {
  dns::Zone z = nsec3_->zone;
  z.mutable_records()[FindSigs(z, "h1.m.test.", rrtype::kA).front()].rdata.pop_back();
  Report r = Check(*nsec3_, z);
  Expect(r, FindingClass::kRrsigBadSignature, {FindingClass::kRrsetAlgorithmMissing});
  EXPECT_NE(r.findings.front().detail.find("malformed"), std::string::npos);
}

TEST_F(Manipulation, UnknownKeyTagIsAWarningOnly) {
  dns::Zone z = nsec3_->zone;
  dns::RR extra = z.records()[FindSigs(z, "h1.m.test.", rrtype::kA).front()];
  uint16_t tag = uint16_t(nsec3_->zsk->tag() + 1 == nsec3_->ksk->tag() ? nsec3_->zsk->tag() + 2 : nsec3_->zsk->tag() + 1);
  extra.rdata[16] = char(tag >> 8);
  extra.rdata[17] = char(tag & 0xff);
  z.Add(extra);
  Report r = Check(*nsec3_, z);
  ExpectHas(r, FindingClass::kRrsigUnknownKey);
  EXPECT_EQ(r.verdict(), Verdict::kValid) << FormatText(r);
  EXPECT_EQ(r.rrsigs_no_key, 1u);
}

TEST_F(Manipulation, ExpiredSignature) {
  dns::Zone z = nsec3_->zone;
  ResignAt(z, *nsec3_->zsk, N("h1.m.test."), rrtype::kA, [](testing::SigFields& f) { f.expiration = 1700000000; });
  Report r = Check(*nsec3_, z);
  Expect(r, FindingClass::kRrsigExpired, {FindingClass::kRrsetAlgorithmMissing});
  // The whole zone at a time after its window.
  ValidateOptions late = Options(*nsec3_);
  late.now = 2114380800;  // 2037-01-01
  Report all = Validate(nsec3_->zone, late);
  EXPECT_EQ(all.CountByClass()[FindingClass::kRrsigExpired], all.rrsigs_total);
}

TEST_F(Manipulation, NotYetValidSignature) {
  dns::Zone z = nsec3_->zone;
  ResignAt(z, *nsec3_->zsk, N("h1.m.test."), rrtype::kA, [](testing::SigFields& f) { f.inception = 1950000000; });
  Expect(Check(*nsec3_, z), FindingClass::kRrsigNotYetValid, {FindingClass::kRrsetAlgorithmMissing});
}

TEST_F(Manipulation, WrongSignerName) {
  dns::Zone z = nsec3_->zone;
  ResignAt(z, *nsec3_->zsk, N("h1.m.test."), rrtype::kA, [](testing::SigFields& f) { f.signer = N("other.test."); });
  Expect(Check(*nsec3_, z), FindingClass::kRrsigWrongSigner, {FindingClass::kRrsetAlgorithmMissing});
}

TEST_F(Manipulation, WrongLabelsField) {
  dns::Zone z = nsec3_->zone;
  ResignAt(z, *nsec3_->zsk, N("h1.m.test."), rrtype::kA, [](testing::SigFields& f) { f.labels = 1; });
  Expect(Check(*nsec3_, z), FindingClass::kRrsigBadLabels);
  dns::Zone y = nsec3_->zone;
  ResignAt(y, *nsec3_->zsk, N("h1.m.test."), rrtype::kA, [](testing::SigFields& f) { f.labels = 4; });
  Expect(Check(*nsec3_, y), FindingClass::kRrsigBadLabels, {FindingClass::kRrsetAlgorithmMissing});
}

TEST_F(Manipulation, OriginalTtlDiffersFromTheRrsetTtl) {
  dns::Zone z = nsec3_->zone;
  for (size_t i : FindRecords(z, "h1.m.test.", rrtype::kA)) z.mutable_records()[i].ttl = 60;
  for (size_t i : FindSigs(z, "h1.m.test.", rrtype::kA)) z.mutable_records()[i].ttl = 60;
  Expect(Check(*nsec3_, z), FindingClass::kRrsigOriginalTtlMismatch);
}

TEST_F(Manipulation, RrsigTtlDiffersFromTheRrsetTtl) {
  dns::Zone z = nsec3_->zone;
  for (size_t i : FindSigs(z, "h1.m.test.", rrtype::kA)) z.mutable_records()[i].ttl = 60;
  Expect(Check(*nsec3_, z), FindingClass::kRrsigTtlMismatch);
}

TEST_F(Manipulation, MalformedRrsigRdata) {
  dns::Zone z = nsec3_->zone;
  z.mutable_records()[FindSigs(z, "h1.m.test.", rrtype::kA).front()].rdata = std::string("\x00\x01\x0d\x02\x00\x00", 6);
  Expect(Check(*nsec3_, z), FindingClass::kRrsigMalformed, {FindingClass::kRrsetAlgorithmMissing});
  dns::Zone y = nsec3_->zone;
  y.Add(dns::RR{N("h1.m.test."), rrtype::kRRSIG, 1, 3600, std::string("\x00", 1)});
  Expect(Check(*nsec3_, y), FindingClass::kRrsigMalformed);
}

TEST_F(Manipulation, RrsigWithoutItsRrsetIsAWarning) {
  dns::Zone z = nsec3_->zone;
  dns::RR extra = z.records()[FindSigs(z, "h1.m.test.", rrtype::kA).front()];
  extra.rdata[1] = char(rrtype::kTXT);
  z.Add(extra);
  Report r = Check(*nsec3_, z);
  ExpectHas(r, FindingClass::kRrsigWithoutRrset);
  EXPECT_EQ(r.verdict(), Verdict::kValid);
}

TEST_F(Manipulation, SignedDelegationNs) {
  dns::Zone z = nsec3_->zone;
  dns::RR ns_sig = nsec3_->zsk->Sign(N(kOrigin), N("ins1.m.test."), rrtype::kNS, 3600,
                                     testing::RdatasOf(z, "ins1.m.test.", rrtype::kNS), {1609459200, 2051222400});
  z.Add(ns_sig);
  Expect(Check(*nsec3_, z), FindingClass::kRrsigOnDelegationNs);
}

TEST_F(Manipulation, SignedGlue) {
  dns::Zone z = nsec3_->zone;
  z.Add(nsec3_->zsk->Sign(N(kOrigin), N("ns.ins0.m.test."), rrtype::kA, 3600,
                          testing::RdatasOf(z, "ns.ins0.m.test.", rrtype::kA), {1609459200, 2051222400}));
  Expect(Check(*nsec3_, z), FindingClass::kRrsigOnGlue);
}

// --- Coverage ----------------------------------------------------------------------------------

TEST_F(Manipulation, UnsignedRrset) {
  dns::Zone z = nsec3_->zone;
  auto o = N("h1.m.test.");
  RemoveRecords(z, [&](const dns::RR& rr) {
    return rr.owner == o && rr.type == rrtype::kRRSIG && testing::CoveredType(rr) == rrtype::kA;
  });
  Expect(Check(*nsec3_, z), FindingClass::kRrsetUnsigned);
}

TEST_F(Manipulation, MissingSignatureOfOneOfTwoAlgorithms) {
  dns::Zone z = two_algs_->zone;
  auto o = N("h1.m.test.");
  RemoveRecords(z, [&](const dns::RR& rr) {
    return rr.owner == o && rr.type == rrtype::kRRSIG && testing::CoveredType(rr) == rrtype::kA &&
           uint8_t(rr.rdata[2]) == 15;
  });
  Report r = Check(*two_algs_, z);
  Expect(r, FindingClass::kRrsetAlgorithmMissing);
  EXPECT_EQ(r.errors(), 1u);
}

TEST_F(Manipulation, InconsistentTtlsInOneRrset) {
  dns::Zone z = nsec3_->zone;
  z.mutable_records()[FindRecords(z, kOrigin, rrtype::kNS).front()].ttl = 60;
  Report r = Check(*nsec3_, z);
  ExpectHas(r, FindingClass::kRrsetTtlInconsistent);
  Expect(r, FindingClass::kRrsigOriginalTtlMismatch, {FindingClass::kRrsigTtlMismatch});
}

// --- Keys and trust ------------------------------------------------------------------------------

TEST_F(Manipulation, NoDnskeyRrset) {
  dns::Zone z = nsec3_->zone;
  RemoveRrsetAndSigs(z, kOrigin, rrtype::kDNSKEY);
  Report r = Check(*nsec3_, z);
  ExpectHas(r, FindingClass::kDnskeyMissing);
  EXPECT_EQ(r.resolver.bogus, r.resolver.delegations);
}

TEST_F(Manipulation, MalformedDnskey) {
  dns::Zone z = nsec3_->zone;
  z.Add(dns::RR{N(kOrigin), rrtype::kDNSKEY, 1, 3600, std::string("\x01\x00\x03\x0d", 4) + std::string(63, 'k')});
  ResignAt(z, *nsec3_->ksk, N(kOrigin), rrtype::kDNSKEY);
  Expect(Check(*nsec3_, z), FindingClass::kDnskeyMalformed);
}

TEST_F(Manipulation, ParentDsMatchesNoKey) {
  ValidateOptions o = Options(*nsec3_, false);
  o.trust_source = "ds";
  o.ds_rdatas.push_back(dns::DsData{4242, 13, 2, std::string(32, '\x42')}.Encode());
  Report r = Validate(nsec3_->zone, o);
  Expect(r, FindingClass::kDsNoMatchingDnskey, {FindingClass::kDelegationBogus});
  EXPECT_EQ(r.trust.security, Security::kBogus);
  EXPECT_EQ(r.resolver.bogus, r.resolver.delegations);
}

TEST_F(Manipulation, ParentDsNamesAKeyThatDoesNotSignTheDnskeyRrset) {
  ValidateOptions o = Options(*nsec3_, false);
  o.trust_source = "ds";
  const std::string& zsk = nsec3_->zsk->dnskey_rdata();
  o.ds_rdatas.push_back(dns::DsData{KeyTag(zsk), 13, 2, *DsDigest(N(kOrigin), zsk, 2)}.Encode());
  Expect(Validate(nsec3_->zone, o), FindingClass::kDnskeyNotSignedByTrustedKey, {FindingClass::kDelegationBogus});
}

TEST_F(Manipulation, ParentDsWithAWrongDigestIsAWarning) {
  ValidateOptions o = Options(*nsec3_);
  const std::string& ksk = nsec3_->ksk->dnskey_rdata();
  o.ds_rdatas.push_back(dns::DsData{KeyTag(ksk), 13, 2, std::string(32, '\x01')}.Encode());
  Report r = Validate(nsec3_->zone, o);
  ExpectHas(r, FindingClass::kDsDigestMismatch);
  EXPECT_EQ(r.verdict(), Verdict::kValid);
  EXPECT_EQ(r.trust.security, Security::kSecure);
}

TEST_F(Manipulation, TrustAnchorAsDnskey) {
  ValidateOptions o = Options(*nsec3_, false);
  o.trust_source = "trust-anchor";
  o.anchor_dnskeys.push_back(nsec3_->ksk->dnskey_rdata());
  Report r = Validate(nsec3_->zone, o);
  EXPECT_EQ(r.verdict(), Verdict::kValid) << FormatText(r);
  EXPECT_EQ(r.trust.security, Security::kSecure);
  o.anchor_dnskeys = {nsec3_->zsk->dnskey_rdata()};
  Expect(Validate(nsec3_->zone, o), FindingClass::kDnskeyNotSignedByTrustedKey, {FindingClass::kDelegationBogus});
}

// --- Zone structure ------------------------------------------------------------------------------

TEST_F(Manipulation, NoSoa) {
  dns::Zone z = nsec3_->zone;
  RemoveRrsetAndSigs(z, kOrigin, rrtype::kSOA);
  Expect(Check(*nsec3_, z), FindingClass::kApexSoaMissing, {FindingClass::kNsec3BitmapMismatch});
}

TEST_F(Manipulation, DsAtANameWithoutNs) {
  dns::Zone z = nsec3_->zone;
  z.Add(dns::RR{N("h1.m.test."), rrtype::kDS, 1, 3600, dns::DsData{1, 13, 2, std::string(32, 'x')}.Encode()});
  ResignAt(z, *nsec3_->zsk, N("h1.m.test."), rrtype::kDS);
  Expect(Check(*nsec3_, z), FindingClass::kDsNotAtDelegation, {FindingClass::kNsec3BitmapMismatch});
  dns::Zone apex = nsec3_->zone;
  apex.Add(dns::RR{N(kOrigin), rrtype::kDS, 1, 3600, dns::DsData{1, 13, 2, std::string(32, 'x')}.Encode()});
  ResignAt(apex, *nsec3_->zsk, N(kOrigin), rrtype::kDS);
  Expect(Check(*nsec3_, apex), FindingClass::kDsNotAtDelegation, {FindingClass::kNsec3BitmapMismatch});
}

TEST_F(Manipulation, RecordOutsideTheZone) {
  dns::Zone z = nsec3_->zone;
  z.Add(dns::RR{N("www.other.test."), rrtype::kA, 1, 3600, std::string("\x01\x02\x03\x04", 4)});
  Expect(Check(*nsec3_, z), FindingClass::kRecordOutOfZone);
}

TEST_F(Manipulation, MalformedDnssecRdata) {
  dns::Zone z = nsec3_->zone;
  z.mutable_records()[FindRecords(z, kOrigin, rrtype::kNSEC3PARAM).front()].rdata = std::string("\x01\x00", 2);
  ResignAt(z, *nsec3_->zsk, N(kOrigin), rrtype::kNSEC3PARAM);
  Expect(Check(*nsec3_, z), FindingClass::kRdataMalformed, {FindingClass::kNsec3ParamMissing});
}

// --- Denial ----------------------------------------------------------------------------------------

TEST_F(Manipulation, NoDenialAtAll) {
  dns::Zone z = nsec3_->zone;
  RemoveRecords(z, [](const dns::RR& rr) {
    uint16_t t = rr.type == rrtype::kRRSIG ? testing::CoveredType(rr) : rr.type;
    return t == rrtype::kNSEC3 || t == rrtype::kNSEC3PARAM;
  });
  Expect(Check(*nsec3_, z), FindingClass::kDenialMissing, {FindingClass::kDelegationBogus});
}

TEST_F(Manipulation, NsecInAnNsec3ZoneIsAWarning) {
  dns::Zone z = nsec3_->zone;
  z.Add(dns::RR{N("h1.m.test."), rrtype::kNSEC, 1, 300, dns::NsecData{N("h10.m.test."), {1, 46, 47}}.Encode()});
  ResignAt(z, *nsec3_->zsk, N("h1.m.test."), rrtype::kNSEC);
  Report r = Check(*nsec3_, z);
  ExpectHas(r, FindingClass::kDenialMixed);
  Expect(r, FindingClass::kNsec3BitmapMismatch);  // h1's NSEC3 does not show the NSEC it now holds
}

TEST_F(Manipulation, DenialTtlIsNotTheSoaMinimum) {
  dns::Zone z = nsec3_->zone;
  size_t i = Nsec3Of(z, "h1.m.test.");
  z.mutable_records()[i].ttl = 7200;
  dns::Name owner = z.records()[i].owner;
  ResignAt(z, *nsec3_->zsk, owner, rrtype::kNSEC3);
  Report r = Check(*nsec3_, z);
  ExpectHas(r, FindingClass::kDenialTtlMismatch);
  EXPECT_EQ(r.verdict(), Verdict::kValid);
}

TEST_F(Manipulation, NameWithoutNsec) {
  dns::Zone z = nsec_->zone;
  RemoveRrsetAndSigs(z, "h1.m.test.", rrtype::kNSEC);
  Expect(Check(*nsec_, z), FindingClass::kNsecMissing);
}

TEST_F(Manipulation, NsecSkipsAName) {
  dns::Zone z = nsec_->zone;
  size_t i = FindRecords(z, "h1.m.test.", rrtype::kNSEC).front();
  auto d = dns::NsecData::Parse(z.records()[i].rdata);
  dns::Name skipped = d->next;
  size_t j = FindRecords(z, skipped.ToText(), rrtype::kNSEC).front();
  d->next = dns::NsecData::Parse(z.records()[j].rdata)->next;
  z.mutable_records()[i].rdata = d->Encode();
  ResignAt(z, *nsec_->zsk, N("h1.m.test."), rrtype::kNSEC);
  Expect(Check(*nsec_, z), FindingClass::kNsecChainGap);
}

TEST_F(Manipulation, NsecOnGlue) {
  dns::Zone z = nsec_->zone;
  z.Add(dns::RR{N("ns.ins0.m.test."), rrtype::kNSEC, 1, 300, dns::NsecData{N("ins1.m.test."), {1, 47}}.Encode()});
  Expect(Check(*nsec_, z), FindingClass::kNsecExtra);
}

TEST_F(Manipulation, NsecBitmapClaimsAType) {
  dns::Zone z = nsec_->zone;
  size_t i = FindRecords(z, "h1.m.test.", rrtype::kNSEC).front();
  auto d = dns::NsecData::Parse(z.records()[i].rdata);
  d->types.insert(rrtype::kAAAA);
  z.mutable_records()[i].rdata = d->Encode();
  ResignAt(z, *nsec_->zsk, N("h1.m.test."), rrtype::kNSEC);
  Expect(Check(*nsec_, z), FindingClass::kNsecBitmapMismatch);
}

TEST_F(Manipulation, NameWithoutNsec3) {
  dns::Zone z = nsec3_->zone;
  size_t i = Nsec3Of(z, "h1.m.test.");
  size_t prev = Nsec3Predecessor(z, i);
  std::string next = dns::Nsec3Data::Parse(z.records()[i].rdata)->next_hashed;
  dns::Name gone = z.records()[i].owner, prev_owner = z.records()[prev].owner;
  EditNsec3(z, prev, [&](dns::Nsec3Data& d) { d.next_hashed = next; });
  ResignAt(z, *nsec3_->zsk, prev_owner, rrtype::kNSEC3);
  RemoveRrsetAndSigs(z, gone.ToText(), rrtype::kNSEC3);
  Expect(Check(*nsec3_, z), FindingClass::kNsec3Missing);
}

TEST_F(Manipulation, Nsec3NextHashSkipsOne) {
  dns::Zone z = nsec3_->zone;
  size_t i = Nsec3Of(z, "h1.m.test.");
  std::string next = dns::Nsec3Data::Parse(z.records()[i].rdata)->next_hashed;
  size_t j = FindRecords(z, Base32HexEncode(next) + "." + kOrigin, rrtype::kNSEC3).front();
  std::string after = dns::Nsec3Data::Parse(z.records()[j].rdata)->next_hashed;
  dns::Name owner = z.records()[i].owner;
  EditNsec3(z, i, [&](dns::Nsec3Data& d) { d.next_hashed = after; });
  ResignAt(z, *nsec3_->zsk, owner, rrtype::kNSEC3);
  Expect(Check(*nsec3_, z), FindingClass::kNsec3ChainGap);
}

TEST_F(Manipulation, Nsec3ForANameThatDoesNotExist) {
  dns::Zone z = nsec3_->zone;
  std::string h = *Nsec3Hash(N("gone.m.test."), 1, "", 0);
  // Insert it into the chain properly: predecessor -> new -> predecessor's old next.
  size_t prev = 0;
  for (size_t i = 0; i < z.records().size(); ++i) {
    if (z.records()[i].type != rrtype::kNSEC3) continue;
    std::string own = *Base32HexDecode(z.records()[i].owner.FirstLabel());
    std::string nx = dns::Nsec3Data::Parse(z.records()[i].rdata)->next_hashed;
    if ((own < h && h < nx) || (nx <= own && (h > own || h < nx))) prev = i;
  }
  auto pd = dns::Nsec3Data::Parse(z.records()[prev].rdata);
  dns::Nsec3Data nd{1, 0, 0, "", pd->next_hashed, {rrtype::kA, rrtype::kRRSIG}};
  dns::Name prev_owner = z.records()[prev].owner;
  EditNsec3(z, prev, [&](dns::Nsec3Data& d) { d.next_hashed = h; });
  ResignAt(z, *nsec3_->zsk, prev_owner, rrtype::kNSEC3);
  dns::Name owner = *N(kOrigin).Prepend(Base32HexEncode(h));
  z.Add(dns::RR{owner, rrtype::kNSEC3, 1, 300, nd.Encode()});
  ResignAt(z, *nsec3_->zsk, owner, rrtype::kNSEC3);
  Expect(Check(*nsec3_, z), FindingClass::kNsec3Extra);
}

TEST_F(Manipulation, Nsec3BitmapClaimsAType) {
  dns::Zone z = nsec3_->zone;
  size_t i = Nsec3Of(z, "h1.m.test.");
  dns::Name owner = z.records()[i].owner;
  EditNsec3(z, i, [](dns::Nsec3Data& d) { d.types.insert(rrtype::kTXT); });
  ResignAt(z, *nsec3_->zsk, owner, rrtype::kNSEC3);
  Expect(Check(*nsec3_, z), FindingClass::kNsec3BitmapMismatch);
}

TEST_F(Manipulation, TwoNsec3ParameterSets) {
  dns::Zone z = nsec3_->zone;
  z.Add(dns::RR{N(kOrigin), rrtype::kNSEC3PARAM, 1, 3600, dns::Nsec3ParamData{1, 0, 5, "\xAA\xBB"}.Encode()});
  ResignAt(z, *nsec3_->zsk, N(kOrigin), rrtype::kNSEC3PARAM);
  Expect(Check(*nsec3_, z), FindingClass::kNsec3ParamMismatch);
  dns::Zone y = nsec3_->zone;
  size_t i = Nsec3Of(y, "h1.m.test.");
  dns::Name owner = y.records()[i].owner;
  EditNsec3(y, i, [](dns::Nsec3Data& d) { d.iterations = 3; });
  ResignAt(y, *nsec3_->zsk, owner, rrtype::kNSEC3);
  Expect(Check(*nsec3_, y), FindingClass::kNsec3ParamMismatch,
         {FindingClass::kNsec3Missing, FindingClass::kNsec3ChainGap});
}

TEST_F(Manipulation, NoNsec3Param) {
  dns::Zone z = nsec3_->zone;
  RemoveRrsetAndSigs(z, kOrigin, rrtype::kNSEC3PARAM);
  Expect(Check(*nsec3_, z), FindingClass::kNsec3ParamMissing, {FindingClass::kNsec3BitmapMismatch});
}

TEST_F(Manipulation, Nsec3OwnerIsNotAHash) {
  dns::Zone z = nsec3_->zone;
  size_t i = Nsec3Of(z, "h1.m.test.");
  dns::Name old = z.records()[i].owner;
  for (auto& rr : z.mutable_records()) {
    if (rr.owner == old) rr.owner = N("not-a-hash.m.test.");
  }
  Expect(Check(*nsec3_, z), FindingClass::kNsec3BadOwner,
         {FindingClass::kNsec3Missing, FindingClass::kNsec3ChainGap, FindingClass::kRrsigBadSignature,
          FindingClass::kRrsetAlgorithmMissing});
}

TEST_F(Manipulation, OptOutSpanHidesASecureDelegation) {
  dns::Zone z = optout_->zone;
  size_t i = Nsec3Of(z, "sec0.m.test.");
  size_t prev = Nsec3Predecessor(z, i);
  std::string next = dns::Nsec3Data::Parse(z.records()[i].rdata)->next_hashed;
  dns::Name gone = z.records()[i].owner, prev_owner = z.records()[prev].owner;
  EditNsec3(z, prev, [&](dns::Nsec3Data& d) { d.next_hashed = next; });
  ResignAt(z, *optout_->zsk, prev_owner, rrtype::kNSEC3);
  RemoveRrsetAndSigs(z, gone.ToText(), rrtype::kNSEC3);
  Report r = Check(*optout_, z);
  Expect(r, FindingClass::kNsec3OptOutCoversSignedName);
  EXPECT_EQ(r.resolver.bogus, 0u);  // its DS still validates; the harm is to DS denial
}

TEST_F(Manipulation, IterationsAndSaltAreWarnings) {
  SignOptions o;
  o.nsec3 = true;
  o.iterations = 1;
  o.salt_hex = "AB";
  auto b = MakeBase("salted", o);
  ASSERT_TRUE(b);
  Report r = Check(*b, b->zone);
  ExpectHas(r, FindingClass::kNsec3IterationsNonzero);
  ExpectHas(r, FindingClass::kNsec3SaltPresent);
  EXPECT_EQ(r.verdict(), Verdict::kValid);
}

// --- Resolver view ---------------------------------------------------------------------------------

TEST_F(Manipulation, UnsignedDsMakesASignedChildBogus) {
  dns::Zone z = nsec3_->zone;
  auto o = N("sec0.m.test.");
  RemoveRecords(z, [&](const dns::RR& rr) { return rr.owner == o && rr.type == rrtype::kRRSIG; });
  Report r = Check(*nsec3_, z);
  Expect(r, FindingClass::kDelegationBogus, {FindingClass::kRrsetUnsigned});
  EXPECT_EQ(r.resolver.bogus, 1u);
  EXPECT_EQ(r.resolver.bogus_with_ds, 1u);
  EXPECT_EQ(r.resolver.bogus_unsigned, 0u);
}

TEST_F(Manipulation, BadNoDsProofMakesAnUnsignedChildBogus) {
  dns::Zone z = nsec3_->zone;
  size_t i = Nsec3Of(z, "ins1.m.test.");
  dns::Name owner = z.records()[i].owner;
  EditNsec3(z, i, [](dns::Nsec3Data& d) { d.types.insert(rrtype::kDS); });
  ResignAt(z, *nsec3_->zsk, owner, rrtype::kNSEC3);
  Report r = Check(*nsec3_, z);
  Expect(r, FindingClass::kDelegationBogus, {FindingClass::kNsec3BitmapMismatch});
  EXPECT_EQ(r.resolver.bogus, 1u);
  EXPECT_EQ(r.resolver.bogus_unsigned, 1u);
  EXPECT_EQ(r.resolver.bogus_list.front().name, N("ins1.m.test."));
}

TEST_F(Manipulation, MissingNsecAtAnInsecureDelegation) {
  dns::Zone z = nsec_->zone;
  RemoveRrsetAndSigs(z, "ins1.m.test.", rrtype::kNSEC);
  Report r = Check(*nsec_, z);
  Expect(r, FindingClass::kDelegationBogus, {FindingClass::kNsecMissing});
  EXPECT_EQ(r.resolver.bogus_unsigned, 1u);
}

TEST_F(Manipulation, OptOutFlagClearedOverAnOmittedDelegation) {
  dns::Zone z = optout_bind_->zone;
  // Find an insecure delegation dnssec-signzone -A left out of the chain; clear Opt-Out on the NSEC3
  // covering it.
  std::string h;
  for (int i = 0; i < 45 && h.empty(); ++i) {
    std::string hi = *Nsec3Hash(N("ins" + std::to_string(i) + ".m.test."), 1, "", 0);
    if (FindRecords(z, Base32HexEncode(hi) + "." + kOrigin, rrtype::kNSEC3).empty()) h = hi;
  }
  ASSERT_FALSE(h.empty()) << "no insecure delegation was left out";
  bool edited = false;
  for (size_t i = 0; i < z.records().size(); ++i) {
    if (z.records()[i].type != rrtype::kNSEC3) continue;
    std::string own = *Base32HexDecode(z.records()[i].owner.FirstLabel());
    auto d = dns::Nsec3Data::Parse(z.records()[i].rdata);
    if ((own < h && h < d->next_hashed) || (d->next_hashed <= own && (h > own || h < d->next_hashed))) {
      dns::Name owner = z.records()[i].owner;
      EditNsec3(z, i, [](dns::Nsec3Data& x) { x.flags = 0; });
      ResignAt(z, *optout_bind_->zsk, owner, rrtype::kNSEC3);
      edited = true;
      break;
    }
  }
  ASSERT_TRUE(edited);
  Report r = Check(*optout_bind_, z);
  Expect(r, FindingClass::kDelegationBogus, {FindingClass::kNsec3Missing});
  EXPECT_GE(r.resolver.bogus_unsigned, 1u);
}

// --- The .DE class -----------------------------------------------------------------------------

// Three ZSKs with one tag (oracle/testdata/colliding_keys); zsk-a is published, zsk-b and zsk-c
// are not. Zones signed by each are spliced: some RRsets carry zsk-b's or zsk-c's signatures.
class DeClass : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string dir = FreshDir("de");
    std::string dnskey_a;
    for (const char* k : {"zsk-a", "zsk-b", "zsk-c"}) {
      auto key = ReadFile(std::string("oracle/testdata/colliding_keys/") + k + ".key");
      auto priv = ReadFile(std::string("oracle/testdata/colliding_keys/") + k + ".private");
      ASSERT_TRUE(key.ok() && priv.ok());
      std::string text = *key;
      text.replace(0, text.find('\t'), kOrigin);
      ASSERT_TRUE(testing::WriteText(dir + "/" + k + ".key", text).ok());
      ASSERT_TRUE(testing::WriteText(dir + "/" + k + ".private", *priv).ok());
      if (std::string(k) == "zsk-a") dnskey_a = text.substr(0, text.find(';')) + "\n";
    }
    auto ksk = RunCommand({"ldns-keygen", "-a", "ECDSAP256SHA256", "-k", kOrigin}, RunOptions{{}, "", dir, 30});
    ASSERT_TRUE(ksk.ok() && ksk->exit_code == 0);
    std::string ksk_base = ksk->out.substr(0, ksk->out.find('\n'));
    ds_path_ = new std::string(dir + "/" + ksk_base + ".ds");
    // zsk-a's DNSKEY is in every input: ldns-signzone then publishes no other key with that tag.
    ASSERT_TRUE(testing::WriteText(dir + "/zone.txt", UnsignedZoneText(kOrigin) + dnskey_a).ok());
    for (const char* k : {"zsk-a", "zsk-b", "zsk-c"}) {
      auto r = RunCommand({"ldns-signzone", "-n", "-t", "0", "-i", testing::kInception, "-e", testing::kExpiration,
                           "-f", std::string(k) + ".signed", "zone.txt", ksk_base, k},
                          RunOptions{{}, "", dir, 60});
      ASSERT_TRUE(r.ok() && r->exit_code == 0) << r->err;
      dns::LoadOptions lo;
      lo.origin = N(kOrigin);
      auto z = dns::LoadZoneFast(dir + "/" + k + ".signed", lo);
      ASSERT_TRUE(z.ok());
      zones_[k[4] - 'a'] = new dns::Zone(*z);
    }
  }

  static ValidateOptions Options() {
    ValidateOptions o;
    o.origin = N(kOrigin);
    o.now = testing::kValidAt;
    o.trust_source = "ds";
    EXPECT_TRUE(LoadTrustFile(*ds_path_, o.origin, &o).ok());
    return o;
  }

  // zone a with the RRSIGs of (owner, type) taken from zone `from` (1: zsk-b, 2: zsk-c).
  static void Splice(dns::Zone& z, int from, const std::string& owner, uint16_t type) {
    auto o = N(owner);
    RemoveRecords(z, [&](const dns::RR& rr) {
      return rr.owner == o && rr.type == rrtype::kRRSIG && testing::CoveredType(rr) == type;
    });
    for (size_t i : FindSigs(*zones_[from], owner, type)) z.Add(zones_[from]->records()[i]);
  }

  static dns::Zone* zones_[3];
  static std::string* ds_path_;
};
dns::Zone* DeClass::zones_[3] = {};
std::string* DeClass::ds_path_ = nullptr;

TEST_F(DeClass, PublishedKeyZoneIsValid) {
  Report r = Validate(*zones_[0], Options());
  EXPECT_EQ(r.verdict(), Verdict::kValid) << FormatText(r);
}

TEST_F(DeClass, SignaturesByUnpublishedKeysWithThePublishedTag) {
  dns::Zone z = *zones_[0];
  size_t by_b = 0, by_c = 0;
  for (int i = 0; i < 120; ++i) {
    std::string owner = "h" + std::to_string(i) + "." + kOrigin;
    if (i % 7 == 0) {
      Splice(z, 1, owner, rrtype::kA);
      ++by_b;
    } else if (i % 7 == 1) {
      Splice(z, 2, owner, rrtype::kA);
      ++by_c;
    }
  }
  Report r = Validate(z, Options());
  Expect(r, FindingClass::kRrsigUnpublishedKeySameTag, {FindingClass::kRrsetAlgorithmMissing});
  EXPECT_EQ(r.de.rrsigs, by_b + by_c);
  EXPECT_DOUBLE_EQ(r.de.share, double(by_b + by_c) / double(r.rrsigs_total));
  EXPECT_EQ(r.de.unpublished_keys, 2u);
  ASSERT_EQ(r.de.groups.size(), 1u);
  const DeKeyGroup& g = r.de.groups.front();
  EXPECT_EQ(g.key_tag, 65298);
  EXPECT_EQ(g.published_keys, 1u);
  ASSERT_EQ(g.recovered.size(), 2u);
  EXPECT_EQ(g.recovered[0].signatures + g.recovered[1].signatures, by_b + by_c);
  EXPECT_EQ(g.unattributed, 0u);
  // The recovered keys are exactly zsk-b and zsk-c.
  std::set<std::string> want;
  for (const char* k : {"zsk-b", "zsk-c"}) {
    auto text = ReadFile(std::string("oracle/testdata/colliding_keys/") + k + ".key");
    auto rr = dns::RR::FromText(text->substr(0, text->find(';')), dns::Name::Root());
    want.insert(rr->rdata.substr(4));
  }
  EXPECT_EQ(want, (std::set<std::string>{g.recovered[0].public_key, g.recovered[1].public_key}));
}

// An NSEC3 signed by an unpublished key breaks the no-DS proof of the delegation it matches: the
// unsigned child is bogus only because of its parent's proof.
TEST_F(DeClass, BlastRadiusOfAnUnpublishedKeyOnNoDsProofs) {
  dns::Zone z = *zones_[0];
  auto p = dns::Nsec3ParamData::Parse(z.records()[FindRecords(z, kOrigin, rrtype::kNSEC3PARAM).front()].rdata);
  for (const char* d : {"ins1.m.test.", "ins2.m.test.", "ins3.m.test."}) {
    std::string label = Base32HexEncode(*Nsec3Hash(N(d), 1, p->salt, p->iterations));
    Splice(z, 1, label + "." + kOrigin, rrtype::kNSEC3);
  }
  Report r = Validate(z, Options());
  Expect(r, FindingClass::kRrsigUnpublishedKeySameTag, {FindingClass::kRrsetAlgorithmMissing, FindingClass::kDelegationBogus});
  EXPECT_EQ(r.resolver.bogus, 3u);
  EXPECT_EQ(r.resolver.bogus_unsigned, 3u);
  EXPECT_EQ(r.de.unpublished_keys, 1u);
}

// ldns-signzone, given two keys with one tag and neither DNSKEY in the zone, publishes only one of
// them but signs with both: a real signer producing the .DE class.
TEST_F(DeClass, LdnsPublishesOneOfTwoKeysSharingATag) {
  std::string dir = FreshDir("ldns-de");
  for (const char* k : {"zsk-a", "zsk-b"}) {
    auto key = ReadFile(std::string("oracle/testdata/colliding_keys/") + k + ".key");
    auto priv = ReadFile(std::string("oracle/testdata/colliding_keys/") + k + ".private");
    std::string text = *key;
    text.replace(0, text.find('\t'), kOrigin);
    ASSERT_TRUE(testing::WriteText(dir + "/" + k + ".key", text).ok());
    ASSERT_TRUE(testing::WriteText(dir + "/" + k + ".private", *priv).ok());
  }
  SignOptions o;
  o.extra_zsks = {"zsk-a", "zsk-b"};
  auto z = testing::SignWithLdns(dir, kOrigin, UnsignedZoneText(kOrigin), o);
  ASSERT_TRUE(z.ok()) << z.status().message();
  Report r = ValidateSigned(*z);
  ExpectHas(r, FindingClass::kRrsigUnpublishedKeySameTag);
  EXPECT_EQ(r.de.unpublished_keys, 1u);
  EXPECT_GT(r.de.share, 0.2);
  // Every RRset still has a valid signature from the published keys: only the .DE class fires.
  Expect(r, FindingClass::kRrsigUnpublishedKeySameTag);
}

// Every finding class was produced by at least one manipulation above (when the whole file runs).
TEST(ZzCoverage, EveryFindingClassIsProvedByAManipulation) {
  if (::testing::GTEST_FLAG(filter) != "*") GTEST_SKIP() << "only meaningful for a full run";
  for (int i = 0; i < kFindingClassCount; ++i) {
    FindingClass c = static_cast<FindingClass>(i);
    EXPECT_TRUE(Proved().count(c)) << "no test zone is rejected with " << FindingClassId(c);
  }
}

TEST(ZzCoverage, EveryFindingClassHasAStableId) {
  std::set<std::string> ids;
  for (int i = 0; i < kFindingClassCount; ++i) {
    FindingClass c = static_cast<FindingClass>(i);
    EXPECT_EQ(Info(c).cls, c);
    EXPECT_TRUE(ids.insert(FindingClassId(c)).second);
    EXPECT_EQ(FindingClassFromId(FindingClassId(c)), c);
  }
  EXPECT_EQ(ids.size(), 43u);
}

}  // namespace
}  // namespace rollcage::oracle
