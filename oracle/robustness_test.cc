// The oracle never crashes on malformed or truncated input: truncated and corrupted zone text,
// random RDATA in every DNSSEC type, random record soups (RapidCheck), extreme parameters. Run it
// under --config=asan as well. Invariants hold on every report (counts add up, verdict matches).
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <random>

#include "base/file.h"
#include "dns/fast_zone_reader.h"
#include "dns/rdata.h"
#include "dns/zone.h"
#include "oracle/testing/signers.h"
#include "oracle/zone_validator.h"

namespace rollcage::oracle {
namespace {

namespace rrtype = dns::rrtype;
constexpr char kOrigin[] = "r.test.";

dns::Name N(const std::string& s) { return *dns::Name::FromText(s); }

void CheckInvariants(const Report& r) {
  size_t counted = r.rrsigs_valid + r.rrsigs_invalid + r.rrsigs_no_key + r.rrsigs_not_checked + r.rrsigs_not_verified;
  ASSERT_EQ(counted, r.rrsigs_total) << FormatText(r);
  ASSERT_EQ(r.resolver.secure + r.resolver.insecure + r.resolver.bogus + r.resolver.unchecked, r.resolver.delegations);
  ASSERT_EQ(r.resolver.bogus_with_ds + r.resolver.bogus_unsigned, r.resolver.bogus);
  ASSERT_EQ(r.verdict() == Verdict::kDefects, r.errors() > 0);
  (void)FormatText(r);
  (void)FormatJson(r);
}

Report ValidateAt(const dns::Zone& z, UnixTime now = testing::kValidAt) {
  ValidateOptions o;
  o.origin = N(kOrigin);
  o.now = now;
  return Validate(z, o);
}

class Robustness : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    testing::ZoneShape shape;
    shape.hosts = 12;
    shape.secure_delegations = 3;
    shape.insecure_delegations = 6;
    testing::SignOptions o;
    o.nsec3 = true;
    auto z = testing::SignWithLdns(testing::FreshDir("robust"), kOrigin, testing::UnsignedZoneText(kOrigin, shape), o);
    ASSERT_TRUE(z.ok()) << z.status().message();
    auto text = ReadFile(z->path);
    ASSERT_TRUE(text.ok());
    text_ = new std::string(*text);
    auto zone = testing::LoadSigned(*z);
    ASSERT_TRUE(zone.ok());
    zone_ = new dns::Zone(*zone);
  }
  static std::string* text_;
  static dns::Zone* zone_;
};
std::string* Robustness::text_ = nullptr;
dns::Zone* Robustness::zone_ = nullptr;

TEST_F(Robustness, TheUntouchedZoneIsValid) {
  Report r = ValidateAt(*zone_);
  EXPECT_EQ(r.verdict(), Verdict::kValid) << FormatText(r);
  CheckInvariants(r);
}

TEST_F(Robustness, TruncatedZoneText) {
  dns::LoadOptions lo;
  lo.origin = N(kOrigin);
  size_t loaded = 0;
  for (size_t cut = 0; cut < text_->size(); cut += 97) {
    auto z = dns::ParseZoneFast(text_->substr(0, cut), lo, "cut");
    if (!z.ok()) {
      EXPECT_EQ(z.status().kind(), ErrorKind::kBadInput);
      EXPECT_EQ(z.status().message().rfind("cut", 0), 0u) << z.status().message();
      continue;
    }
    ++loaded;
    CheckInvariants(ValidateAt(*z));
  }
  EXPECT_GT(loaded, 10u);
}

TEST_F(Robustness, CorruptedZoneText) {
  dns::LoadOptions lo;
  lo.origin = N(kOrigin);
  std::mt19937 rng(20260505);
  for (int i = 0; i < 300; ++i) {
    std::string t = *text_;
    for (int k = 0; k < 3; ++k) t[rng() % t.size()] = "0aZ.;( )\\\"\n\t-+/=9"[rng() % 18];
    auto z = dns::ParseZoneFast(t, lo, "bad");
    if (z.ok()) CheckInvariants(ValidateAt(*z));
  }
}

// Random RDATA (random length, random octets, truncations of real RDATA) in the DNSSEC types.
TEST_F(Robustness, RandomRdataInEveryDnssecType) {
  std::mt19937 rng(4034);
  const uint16_t types[] = {rrtype::kRRSIG, rrtype::kDNSKEY, rrtype::kDS, rrtype::kNSEC, rrtype::kNSEC3,
                            rrtype::kNSEC3PARAM, rrtype::kSOA, rrtype::kNS};
  for (int i = 0; i < 400; ++i) {
    dns::Zone z = *zone_;
    auto& recs = z.mutable_records();
    for (int k = 0; k < 4; ++k) {
      dns::RR& victim = recs[rng() % recs.size()];
      switch (rng() % 4) {
        case 0: victim.rdata.resize(rng() % (victim.rdata.size() + 1)); break;
        case 1: for (auto& c : victim.rdata) if (rng() % 8 == 0) c = char(rng()); break;
        case 2: victim.type = types[rng() % std::size(types)]; break;
        default: {
          std::string r(rng() % 80, '\0');
          for (auto& c : r) c = char(rng());
          victim.rdata = r;
        }
      }
    }
    CheckInvariants(ValidateAt(z));
  }
}

TEST(RobustnessExtremes, EmptyZoneAndHugeParameters) {
  dns::Zone empty(N(kOrigin));
  Report r = ValidateAt(empty);
  EXPECT_TRUE(r.Has(FindingClass::kApexSoaMissing));
  EXPECT_TRUE(r.Has(FindingClass::kDnskeyMissing));
  CheckInvariants(r);
  // 65535 NSEC3 iterations in a tiny zone, a 255-octet salt, names of maximal length.
  dns::Zone z(N(kOrigin));
  z.Add(dns::RR{N(kOrigin), rrtype::kSOA, 1, 60, dns::SoaData{N(kOrigin), N(kOrigin), 1, 2, 3, 4, 5}.Encode()});
  z.Add(dns::RR{N(kOrigin), rrtype::kNSEC3PARAM, 1, 60, dns::Nsec3ParamData{1, 0, 65535, std::string(255, 's')}.Encode()});
  std::string label(63, 'x');
  dns::Name deep = N(kOrigin);
  while (deep.Prepend(label).ok()) deep = *deep.Prepend(label);
  z.Add(dns::RR{deep, rrtype::kA, 1, 60, "\x01\x02\x03\x04"});
  z.Add(dns::RR{deep, rrtype::kNS, 1, 60, deep.wire()});
  CheckInvariants(ValidateAt(z));
  // Times at the edges of serial arithmetic.
  CheckInvariants(ValidateAt(z, 0));
  CheckInvariants(ValidateAt(z, int64_t(1) << 40));
}

// An NSEC3 hash algorithm other than SHA-1: the chain and the no-DS proofs are not checked (never
// bogus, never valid).
TEST_F(Robustness, UnknownNsec3HashIsNotChecked) {
  dns::Zone z = *zone_;
  for (auto& rr : z.mutable_records()) {
    if ((rr.type == rrtype::kNSEC3 || rr.type == rrtype::kNSEC3PARAM) && !rr.rdata.empty()) rr.rdata[0] = 2;
  }
  Report r = ValidateAt(z);
  bool unchecked_hash = false;
  for (const auto& n : r.not_checked) unchecked_hash |= n.kind == NotCheckedKind::kUnsupportedNsec3Hash;
  EXPECT_TRUE(unchecked_hash) << FormatText(r);
  EXPECT_EQ(r.resolver.bogus_unsigned, 0u) << FormatText(r);
  EXPECT_GT(r.resolver.unchecked, 0u);
  CheckInvariants(r);
}

// RapidCheck: any soup of records (owners from a small pool below and outside the apex, any of the
// DNSSEC types, arbitrary RDATA) gives a report whose invariants hold.
TEST(RobustnessProperty, RandomRecordSoups) {
  bool ok = rc::check("validate never crashes and its counts add up", [] {
    const std::vector<std::string> owners = {kOrigin, "a.r.test.", "b.a.r.test.", "*.r.test.", "c.r.test.",
                                             "x.other.test.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.r.test."};
    const std::vector<uint16_t> types = {rrtype::kSOA,  rrtype::kNS,    rrtype::kA,     rrtype::kDS,
                                         rrtype::kRRSIG, rrtype::kNSEC, rrtype::kDNSKEY, rrtype::kNSEC3,
                                         rrtype::kNSEC3PARAM, rrtype::kDNAME, rrtype::kCNAME};
    auto n = *rc::gen::inRange(0, 40);
    dns::Zone z(N(kOrigin));
    for (int i = 0; i < n; ++i) {
      dns::RR rr;
      rr.owner = N(owners[*rc::gen::inRange<size_t>(0, owners.size())]);
      rr.type = types[*rc::gen::inRange<size_t>(0, types.size())];
      rr.ttl = *rc::gen::inRange<uint32_t>(0, 100000);
      auto bytes = *rc::gen::container<std::vector<uint8_t>>(*rc::gen::inRange(0, 120), rc::gen::arbitrary<uint8_t>());
      rr.rdata.assign(bytes.begin(), bytes.end());
      z.Add(rr);
    }
    ValidateOptions o;
    o.origin = N(kOrigin);
    o.now = *rc::gen::inRange<int64_t>(0, int64_t(1) << 33);
    Report r = Validate(z, o);
    size_t counted = r.rrsigs_valid + r.rrsigs_invalid + r.rrsigs_no_key + r.rrsigs_not_checked + r.rrsigs_not_verified;
    RC_ASSERT(counted == r.rrsigs_total);
    RC_ASSERT(r.resolver.secure + r.resolver.insecure + r.resolver.bogus + r.resolver.unchecked == r.resolver.delegations);
    RC_ASSERT((r.verdict() == Verdict::kDefects) == (r.errors() > 0));
    RC_ASSERT(!FormatJson(r).empty());
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace rollcage::oracle
