// ZoneGenerator: seeded, realistic unsigned zones for tests and benchmarks — an apex with SOA, NS,
// MX and TXT; name servers and hosts; wildcards; empty non-terminals (SRV under _tcp, deep names,
// delegations under department labels); N delegations of which a share has DS records (secure) and
// a share has in-bailiwick name servers with glue; and occluded data below a delegation. The same
// options always give the same zone, byte for byte.
#ifndef ROLLCAGE_TESTING_ZONE_GENERATOR_H_
#define ROLLCAGE_TESTING_ZONE_GENERATOR_H_

#include <cstdint>
#include <string>

#include "base/status.h"
#include "dns/name.h"
#include "dns/zone.h"

namespace rollcage::testing {

struct ZoneGeneratorOptions {
  std::string origin = "example.";
  int delegations = 1000;
  int ds_percent = 30;    // delegations with a DS RRset
  int glue_percent = 10;  // delegations with name servers below the cut, and their glue
  int hosts = -1;         // authoritative host names; -1: 20 + delegations / 20
  int wildcards = -1;     // wildcard owners; -1: 1 + delegations / 500
  int deep_names = -1;    // names like a.b.c.entN (each adds empty non-terminals); -1: 2 + delegations / 200
  bool occluded = true;   // data below a delegation that is not glue (must stay unsigned)
  uint64_t seed = 1;
  uint32_t ttl = 3600;
};

struct GeneratedZoneStats {
  int names = 0;          // owner names with records (delegations, hosts, glue, ...)
  int records = 0;
  int delegations = 0;
  int secure_delegations = 0;
  int glue_delegations = 0;
};

class ZoneGenerator {
 public:
  explicit ZoneGenerator(ZoneGeneratorOptions options) : options_(std::move(options)) {}

  // The zone as an RFC 1035 master file ($ORIGIN, $TTL, relative owner names). Usage errors for bad
  // options (negative counts, percentages outside 0..100, a bad origin).
  Result<std::string> GenerateText(GeneratedZoneStats* stats = nullptr) const;
  // The same zone as records.
  Result<dns::Zone> Generate(GeneratedZoneStats* stats = nullptr) const;

 private:
  ZoneGeneratorOptions options_;
};

}  // namespace rollcage::testing

#endif  // ROLLCAGE_TESTING_ZONE_GENERATOR_H_
