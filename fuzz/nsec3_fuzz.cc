// Fuzz target: NSEC3 hashes and order agree (RFC 5155 §5, RFC 4034 §6.1). The signer
// (signer-under-test/nsec3_hash.h), the oracle (oracle/crypto.h) and ldns hash each name alike;
// rollcage's canonical name order (dns/name.h) agrees with ldns_dname_compare on the names and on
// their hashed owner names; and the signer's NSEC3 chain (denial_chain.h) lists the hashed owners in
// ldns's order, each RR's Next Hashed Owner Name being the next owner's hash (the last wrapping to
// the first).
//
// Input: iterations (1 octet), salt length (1 octet, mod 33) and salt, then names below example.:
// a label count (1-4), then per label a length octet (mod 64) and its octets. At most 12 names.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "base/encoding.h"
#include "dns/ldns_reference.h"
#include "dns/rdata.h"
#include "fuzz/finding.h"
#include "oracle/crypto.h"
#include "signer-under-test/denial_chain.h"
#include "signer-under-test/nsec3_hash.h"
#include "signer-under-test/zone_classifier.h"

namespace {

using rollcage::dns::Name;

[[noreturn]] void Fail(const std::string& what) {
  rollcage::fuzz::FuzzFinding("nsec3-disagreement", what);
}

struct Reader {
  const uint8_t* d;
  size_t n, p = 0;
  bool AtEnd() const { return p >= n; }
  uint8_t U8() { return p < n ? d[p++] : 0; }
};

int Sign(int c) { return c < 0 ? -1 : (c > 0 ? 1 : 0); }

void CheckOrder(const Name& a, const Name& b) {
  int ours = Sign(rollcage::dns::CanonicalCompare(a.wire(), b.wire()));
  int theirs = rollcage::dns::ldns_reference::CompareNames(a, b);
  if (ours != theirs) {
    Fail("canonical order of " + a.ToText() + " and " + b.ToText() + ": rollcage " + std::to_string(ours) +
         ", ldns " + std::to_string(theirs));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rollcage;
  if (size > 1024) return -1;
  Reader r{data, size};
  uint16_t iterations = r.U8();
  std::string salt;
  for (int i = 0, len = r.U8() % 33; i < len; ++i) salt.push_back(char(r.U8()));
  static const Name origin = *Name::FromText("example.");
  std::vector<Name> names{origin};
  while (!r.AtEnd() && names.size() < 12) {
    Name n = origin;
    for (int i = 0, labels = r.U8() % 4 + 1; i < labels; ++i) {
      std::string label;
      for (int j = 0, len = r.U8() % 64; j < len; ++j) label.push_back(char(r.U8()));
      if (label.empty()) label = "e";
      auto next = n.Prepend(label);
      if (next.ok()) n = *next;
    }
    names.push_back(n);
  }

  std::vector<Name> hashed;
  for (const auto& n : names) {
    std::string ours = signer::Nsec3Hash(n, salt, iterations);
    auto oracle_hash = oracle::Nsec3Hash(n, 1, salt, iterations);
    if (!oracle_hash || *oracle_hash != ours) Fail("signer and oracle hash " + n.ToText() + " differently");
    auto ldns_label = dns::ldns_reference::Nsec3HashLabel(n, 1, iterations, salt);
    if (!ldns_label || *ldns_label != Base32HexEncode(ours)) {
      Fail("signer and ldns hash " + n.ToText() + " differently: " + Base32HexEncode(ours) + " vs " +
           ldns_label.value_or("(none)"));
    }
    hashed.push_back(*origin.Prepend(Base32HexEncode(ours)));
  }
  for (size_t i = 0; i < names.size(); ++i) {
    for (size_t j = i; j < names.size(); ++j) {
      CheckOrder(names[i], names[j]);
      CheckOrder(hashed[i], hashed[j]);
    }
  }

  // The signer's chain over a zone holding these names.
  std::vector<dns::RR> records;
  dns::SoaData soa{*origin.Prepend("ns1"), *origin.Prepend("hostmaster"), 1, 7200, 3600, 1209600, 300};
  records.push_back(dns::RR{origin, dns::rrtype::kSOA, dns::kClassIN, 3600, soa.Encode()});
  for (const auto& n : names) {
    records.push_back(dns::RR{n, dns::rrtype::kA, dns::kClassIN, 300, std::string("\xc0\x00\x02\x01", 4)});
  }
  auto zone = signer::ClassifyZone(records, origin);
  if (!zone.ok()) Fail("classifying a plain zone failed: " + zone.status().message());
  signer::Nsec3Params params{iterations, salt, false};
  auto chain = signer::BuildNsec3Chain(*zone, params, 300);
  if (!chain.ok()) return 0;  // a hash collision: the signer says so
  for (size_t i = 0; i < chain->size(); ++i) {
    const dns::RR& rr = (*chain)[i];
    const dns::RR& next = (*chain)[(i + 1) % chain->size()];
    if (i + 1 < chain->size() && dns::ldns_reference::CompareNames(rr.owner, next.owner) >= 0) {
      Fail("NSEC3 chain out of ldns order at " + rr.owner.ToText() + " -> " + next.owner.ToText());
    }
    auto n3 = dns::Nsec3Data::Parse(rr.rdata);
    if (!n3.ok()) Fail("unparsable NSEC3 RDATA at " + rr.owner.ToText());
    auto label = Base32HexDecode(next.owner.FirstLabel());
    if (!label || n3->next_hashed != *label) Fail("NSEC3 " + rr.owner.ToText() + " does not point to " + next.owner.ToText());
    if (n3->iterations != iterations || n3->salt != salt) Fail("NSEC3 parameters differ at " + rr.owner.ToText());
  }
  return 0;
}
