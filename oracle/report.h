// Report: everything one validation found — findings, what could not be checked, the chain of
// trust, the .DE diagnosis, the resolver view and counts — and its text and JSON forms (the JSON
// schema "rollcage-validate/1" is documented in docs/findings.md).
#ifndef ROLLCAGE_ORACLE_REPORT_H_
#define ROLLCAGE_ORACLE_REPORT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/time.h"
#include "dns/name.h"
#include "oracle/finding.h"
#include "oracle/rrset_verifier.h"

namespace rollcage::oracle {

enum class Verdict {
  kValid,       // no error findings, everything checked (warnings allowed): exit 0
  kDefects,     // at least one error finding: exit 1
  kIncomplete,  // no error findings, but something could not be checked: exit 4
};
const char* VerdictName(Verdict v);

// One key tag (and algorithm) under which signatures verify under no published key.
struct DeKeyGroup {
  uint16_t key_tag = 0;
  uint8_t algorithm = 0;
  size_t signatures = 0;       // RRSIGs with this tag/algorithm that verify under no published key
  size_t published_keys = 0;   // published keys with this tag/algorithm
  struct Recovered {
    std::string public_key;    // DNSKEY Public Key field form (X || Y)
    size_t signatures = 0;     // signatures attributed to it
  };
  std::vector<Recovered> recovered;  // ECDSA: distinct unpublished keys that made them
  size_t unattributed = 0;     // signatures no recovered key explains (not ECDSA, or changed data)
};

// The .DE diagnosis: signatures carrying a published key's tag and algorithm that verify under none.
struct DeDiagnosis {
  size_t rrsigs = 0;
  double share = 0;               // rrsigs / all RRSIGs in the zone
  size_t unpublished_keys = 0;    // distinct unpublished public keys recovered (ECDSA)
  std::vector<DeKeyGroup> groups;
};

struct DelegationVerdict {
  dns::Name name;
  Security security = Security::kBogus;
  bool has_ds = false;
  std::string reason;
};

// The resolver's view of every delegation's referral (RFC 4035 §5.2, RFC 5155 §8.9).
struct ResolverView {
  size_t delegations = 0, secure = 0, insecure = 0, bogus = 0, unchecked = 0;
  size_t bogus_with_ds = 0;       // signed children whose DS does not validate
  size_t bogus_unsigned = 0;      // unsigned children bogus only because the parent's proof is bad
  std::vector<DelegationVerdict> bogus_list;
};

struct TrustSummary {
  std::string source = "assumed";  // "ds", "trust-anchor" or "assumed" (apex KSKs taken as given)
  Security security = Security::kUnchecked;
  std::string detail;
  std::vector<uint16_t> trusted_key_tags;
};

struct Timing {
  // signatures_s covers the denial checks too when they run beside it (large zones).
  double index_s = 0, signatures_s = 0, denial_s = 0, resolver_s = 0, total_s = 0;
  int threads = 1;
};

struct Report {
  dns::Name zone;
  UnixTime time = 0;
  std::vector<Finding> findings;      // sorted by owner (canonical), type, class
  std::vector<NotChecked> not_checked;
  TrustSummary trust;
  std::string denial = "none";        // "nsec", "nsec3" or "none"
  bool nsec3_opt_out = false;

  size_t records = 0, rrsets = 0, names = 0;
  size_t rrsigs_total = 0;            // RRSIG RRs in the zone
  size_t rrsigs_valid = 0;            // verified: valid under a published key
  size_t rrsigs_invalid = 0;          // verified: under no key with its tag (or malformed)
  size_t rrsigs_no_key = 0;           // no published key with its tag and algorithm
  size_t rrsigs_not_checked = 0;      // unsupported algorithm
  size_t rrsigs_not_verified = 0;     // not attached to an authoritative RRset (glue, orphans)
  size_t crypto_ops = 0;              // signature verifications computed (the rest were cached)
  size_t cache_hits = 0;
  std::vector<std::pair<uint16_t, size_t>> published_tag_collisions;  // tag, keys sharing it

  DeDiagnosis de;
  ResolverView resolver;
  Timing timing;

  size_t errors() const;
  size_t warnings() const;
  Verdict verdict() const;
  std::map<FindingClass, size_t> CountByClass() const;
  bool Has(FindingClass c) const;
};

// Exit code for a report: 0 valid, 1 defects, 4 incomplete (see Verdict).
int ExitCodeFor(const Report& r);

struct FormatOptions {
  long max_per_class = -1;  // findings printed per class; -1: all
  bool timing = false;      // include phase timings
};
std::string FormatText(const Report& r, const FormatOptions& o = {});
std::string FormatJson(const Report& r, const FormatOptions& o = {});

}  // namespace rollcage::oracle

#endif  // ROLLCAGE_ORACLE_REPORT_H_
