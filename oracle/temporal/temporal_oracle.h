// TemporalOracle: judges a timeline as resolvers with caches see it (RFC 7583 timing, RFC 4035 §5.3.3).
// A resolver may hold any RRset version it fetched while that version was served, for up to the
// version's TTL, never past the version's last RRSIG expiration. At every critical instant
// (publications, TTL expiries, signature inceptions and expirations) every cacheable mix of
// (RRset version with its RRSIGs, DNSKEY RRset version, parent DS RRset version) must validate.
// Findings name the instant, the versions in the mix, the RRset and the class.
#ifndef ROLLCAGE_ORACLE_TEMPORAL_TEMPORAL_ORACLE_H_
#define ROLLCAGE_ORACLE_TEMPORAL_TEMPORAL_ORACLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "dns/name.h"
#include "dns/rr.h"
#include "timeline/timeline.h"

namespace rollcage::oracle::temporal {

// An RRset as the temporal oracle holds it: views into the timeline's zone versions (it copies no
// RDATA; the timeline outlives every question it asks).
struct RrsetRef {
  const dns::Name& owner;
  uint16_t type;
  uint32_t ttl;
  const std::vector<std::string_view>& rdatas;
};

// The cryptographic questions the temporal oracle asks; answered by the static oracle's own code
// (never the signer's). Answers must not depend on time.
class SignatureJudge {
 public:
  virtual ~SignatureJudge() = default;
  // RFC 4034 App. B key tag of a DNSKEY RDATA.
  virtual uint16_t KeyTag(const std::string& dnskey_rdata) = 0;
  // True when `rrsig_rdata` (an RRSIG's RDATA) is a correct signature over `rrset` by the key
  // `dnskey_rdata`.
  virtual bool Verifies(const RrsetRef& rrset, std::string_view rrsig_rdata, const std::string& dnskey_rdata) = 0;
  // True when the DS RDATA `ds_rdata` at `owner` is a digest of `dnskey_rdata` (RFC 4034 §5.1.4).
  virtual bool DsMatches(const dns::Name& owner, const std::string& ds_rdata, const std::string& dnskey_rdata) = 0;
};

enum class TemporalClass {
  kKeyRemovedTooEarly,              // RFC 7583 §3.3.1, RFC 6781 §4.1.1.1
  kKeyUsedTooEarly,                 // RFC 7583 §3.3.1 (pre-publication), §3.2
  kDsKskOutOfStep,                  // RFC 7583 §3.3.2/§3.3.3, RFC 6781 §4.1.2
  kSignatureExpiredWhileCacheable,  // RFC 4035 §5.3.1, RFC 6781 §4.4.2
  kSignatureNotYetValid,            // RFC 4035 §5.3.1 (inception), RFC 6781 §4.4.2.2
  kTtlChangeNotHonoured,            // RFC 7583 §2 (TTLs of the old versions), RFC 6781 §4.1.4
};

const char* TemporalClassId(TemporalClass c);   // stable ids: "key-removed-too-early", ...
const char* TemporalClassRfc(TemporalClass c);

struct TemporalFinding {
  TemporalClass cls;
  UnixTime first_instant = 0;  // first critical instant at which the mix fails
  UnixTime last_instant = 0;   // last such instant
  int instants = 0;            // how many critical instants it failed at
  dns::Name owner;
  uint16_t type = 0;
  int rrset_zone_version = -1;  // 1-based zone version where the RRset version first appeared
  int dnskey_zone_version = -1; // 1-based zone version where the DNSKEY version first appeared
  int ds_version = -1;          // 1-based parent DS version, -1 when none
  std::string detail;
};

struct TemporalReport {
  std::vector<TemporalFinding> findings;
  size_t critical_instants = 0;
  size_t mixes_checked = 0;
  size_t rrset_versions = 0;
  UnixTime start = 0, end = 0;
};

struct TemporalOptions {
  // When the timeline has no parent DS versions, trust the apex DNSKEY RRset as given.
  size_t max_findings = 1000;
};

// Runs the temporal check. A Status only when the timeline cannot be judged at all.
Result<TemporalReport> CheckTimeline(const timeline::Timeline& timeline, SignatureJudge& judge,
                                     const TemporalOptions& options = {});

std::string FormatFinding(const TemporalFinding& f);

}  // namespace rollcage::oracle::temporal

#endif  // ROLLCAGE_ORACLE_TEMPORAL_TEMPORAL_ORACLE_H_
