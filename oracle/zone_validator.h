// ZoneValidator: the static oracle. Judges one signed zone version at one time against RFC 4034,
// 4035, 5155, 6840 and 9276: every signature (verified with the oracle's own OpenSSL EVP code, every
// published key with the RRSIG's tag and algorithm tried), algorithm coverage, TTLs and labels,
// delegations and glue, the chain of trust from a parent DS set or trust anchor, the NSEC or NSEC3
// chain, the .DE diagnosis and the resolver view of every referral. It never fails on odd input:
// everything wrong with the zone is a Finding, everything it cannot check is a NotChecked entry.
//
// Cost: small zones run on the calling thread (no thread start-up, no external process); zones with
// at least `parallel_threshold` signatures to verify use `threads` workers. A VerdictCache shared
// across calls makes re-validating a changed version cost only the changed signatures.
#ifndef ROLLCAGE_ORACLE_ZONE_VALIDATOR_H_
#define ROLLCAGE_ORACLE_ZONE_VALIDATOR_H_

#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "dns/name.h"
#include "dns/rr.h"
#include "dns/zone.h"
#include "oracle/report.h"
#include "oracle/verdict_cache.h"

namespace rollcage::oracle {

struct ValidateOptions {
  dns::Name origin;  // the zone apex
  UnixTime now = 0;  // validation time (RRSIG windows are judged against it)
  // Parent DS RDATA for this zone (--ds), and trust-anchor DNSKEY RDATA (--trust-anchor with
  // DNSKEY RRs; DS RRs given as trust anchors go in ds_rdatas). With neither, the apex DNSKEY RRset
  // is taken as given and the report says so.
  std::vector<std::string> ds_rdatas;
  std::vector<std::string> anchor_dnskeys;
  std::string trust_source = "assumed";  // "ds" | "trust-anchor" | "assumed" (for the report)
  int threads = 0;                       // 0: all hardware threads
  size_t parallel_threshold = 256;       // fewer signatures than this: one thread
  VerdictCache* cache = nullptr;         // optional; shared, thread-safe
};

// Validates zone (its records need not be sorted). Never fails: see the file comment.
Report Validate(const dns::Zone& zone, const ValidateOptions& options);

// Reads a --ds / --trust-anchor file (zone-file syntax, relative names against origin): DS RRs go
// to ds_rdatas, DNSKEY RRs to anchor_dnskeys. kBadInput for other types, RRs for another owner, or
// a file with no DS or DNSKEY; kIo when unreadable.
Status LoadTrustFile(const std::string& path, const dns::Name& origin, ValidateOptions* options);

}  // namespace rollcage::oracle

#endif  // ROLLCAGE_ORACLE_ZONE_VALIDATOR_H_
