// The state one zone validation shares between its phases (keys, signatures, denial, resolver
// view). Only for oracle/ sources.
#ifndef ROLLCAGE_ORACLE_INTERNAL_VALIDATION_H_
#define ROLLCAGE_ORACLE_INTERNAL_VALIDATION_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "dns/name.h"
#include "dns/rdata.h"
#include "oracle/report.h"
#include "oracle/rrset_verifier.h"
#include "oracle/zone_index.h"
#include "oracle/zone_validator.h"

namespace rollcage::oracle::internal {

struct Nsec3Entry {
  std::string_view hash;    // raw octets of the owner's hash (in Context::hash_arena)
  uint32_t node = 0;
  int rrset = -1;
  bool opt_out = false;
  std::string_view next;    // Next Hashed Owner Name (raw), a view into the record's RDATA
  std::string_view bitmap;  // the type bitmap (wire form), a view into the record's RDATA
};

// Type bitmap helpers (RFC 4034 §4.1.2) working on wire form, without building sets.
bool BitmapHas(std::string_view bitmap, uint16_t type);
bool BitmapEquals(std::string_view bitmap, const std::vector<uint16_t>& sorted_types);
std::string EncodeTypes(const std::vector<uint16_t>& sorted_types);

struct Context {
  Context(const ZoneIndex& i, const ValidateOptions& o, Report& r) : ix(i), opt(o), report(r) {}

  const ZoneIndex& ix;
  const ValidateOptions& opt;
  Report& report;

  std::shared_ptr<const KeySet> keys = std::make_shared<const KeySet>();  // the apex DNSKEY RRset
  bool keys_trusted = false;  // the resolver trusts the apex keys (chain of trust or assumed)

  // Per RRset (indexed like ix.rrsets()): whether it is authoritative and so was verified, and
  // whether a resolver would accept it (some RRSIG Validates()).
  std::vector<uint8_t> authoritative;
  std::vector<uint8_t> secure;
  std::vector<std::string> bogus_reason;  // for verified RRsets that are not secure
  std::vector<uint8_t> unchecked;         // not secure, and every RRSIG has an unsupported algorithm

  bool have_soa = false;
  uint32_t soa_minimum = 0, soa_ttl = 0;

  // Denial.
  enum class Mode { kNone, kNsec, kNsec3 } mode = Mode::kNone;
  bool nsec3_usable = false;       // parameters known and hash supported
  dns::Nsec3ParamData params;
  std::vector<Nsec3Entry> chain;   // NSEC3 RRs with the zone's parameters, by hash
  std::vector<uint32_t> chain_table;  // open addressing on the hash's first octets: chain index + 1
  std::vector<char> hash_arena;       // the chain's owner hashes, 20 octets each (never reallocated)
  std::vector<char> node_hash;        // per node, 20 octets, computed on first use
  std::vector<uint8_t> node_hashed;   // per node: node_hash holds its hash
  std::unordered_map<dns::Name, std::string, dns::NameHash> other_hash;  // names that hold no records

  void Add(FindingClass c, const dns::Name& owner, uint16_t type, std::string detail, int key_tag = -1,
           int algorithm = -1) {
    report.findings.push_back(Finding{c, owner, type, std::move(detail), key_tag, algorithm});
  }
  const dns::Name& NodeName(uint32_t node) const { return *ix.nodes()[node].name; }

  // NSEC3 hash of a name under the zone's parameters (memoized).
  std::string_view Hash(const dns::Name& name);
  std::string_view NodeHash(uint32_t node);
  // Index in chain of the NSEC3 whose hash equals h, or -1.
  int Matching(std::string_view h) const;
  void BuildChainTable();
  // Index in chain of the NSEC3 whose span (owner, next) covers h, or -1 (RFC 5155 §1.3 "covers").
  int Covering(std::string_view h) const;
};

void CheckDenial(Context& ctx);
void BuildResolverView(Context& ctx);

// Types a name's NSEC/NSEC3 bitmap must show (RFC 4035 §2.3, RFC 5155 §3.2.1/§7.1).
// Sorted, without duplicates.
std::vector<uint16_t> ExpectedTypes(const Context& ctx, uint32_t node, bool nsec);
std::string TypesText(const std::set<uint16_t>& types);

}  // namespace rollcage::oracle::internal

#endif  // ROLLCAGE_ORACLE_INTERNAL_VALIDATION_H_
