// ZoneClassifier: sorts a zone's names into the classes DNSSEC signing treats differently (RFC 4035
// §2.2, RFC 5155 §7.1): the apex; authoritative names; delegation points (zone cuts: NS not at the
// apex); occluded names below a cut or a DNAME (glue and other data the zone is not authoritative
// for); and empty non-terminals (names with no records but with descendants that have some).
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_ZONE_CLASSIFIER_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_ZONE_CLASSIFIER_H_

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "dns/name.h"
#include "dns/rr.h"
#include "dns/zone.h"

namespace rollcage::signer {

enum class NodeKind {
  kApex,
  kAuthoritative,
  kDelegation,        // NS below the apex; only its NS (unsigned), DS and NSEC/NSEC3 belong to this zone
  kOccluded,          // below a delegation or DNAME: kept in the zone file, never signed or chained
  kEmptyNonTerminal,  // no records; has authoritative or delegation descendants
};
const char* NodeKindName(NodeKind kind);

struct ZoneNode {
  dns::Name name;
  NodeKind kind = NodeKind::kAuthoritative;
  std::vector<dns::RRset> rrsets;  // by type; empty for an empty non-terminal
  // Delegations: there is a DS RRset (a secure delegation). ENTs: some descendant is authoritative
  // or a secure delegation, so the ENT needs an NSEC3 RR even with opt-out (RFC 5155 §7.1).
  bool secure = false;

  bool Has(uint16_t type) const;
  const dns::RRset* Find(uint16_t type) const;
};

struct ClassifiedZone {
  dns::Name origin;
  std::vector<ZoneNode> nodes;  // canonical order (RFC 4034 §6.1), empty non-terminals included
  const ZoneNode& apex() const { return nodes.front(); }
};

// Classifies the records (any order; duplicates dropped). RRsets whose RRs disagree on the TTL get
// the smallest (RFC 2181 §5.2). Bad input is a kBadInput error naming the owner: a record outside
// the origin, no SOA at the apex or more than one, SOA or DS where they cannot be, CNAME beside
// other data (RFC 2181 §10.1), a class other than IN.
Result<ClassifiedZone> ClassifyZone(std::vector<dns::RR> records, const dns::Name& origin);

}  // namespace rollcage::signer

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_ZONE_CLASSIFIER_H_
