// Finding: one defect the oracle found ("the check ran and found a defect"), from a closed set of
// classes with stable string ids, a severity and the RFC section each enforces. NotChecked is the
// other outcome: "the check could not run" (an algorithm, digest or hash the oracle cannot
// compute). The two are never mixed: a NotChecked entry is not a defect and never counts as valid.
// docs/findings.md lists every class.
#ifndef ROLLCAGE_ORACLE_FINDING_H_
#define ROLLCAGE_ORACLE_FINDING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dns/name.h"

namespace rollcage::oracle {

enum class Severity { kError, kWarning };

// The closed set of finding classes. Append only: ids are stable and appear in JSON and corpora.
enum class FindingClass {
  // Signatures (RFC 4034 §3, RFC 4035 §2.2, §5.3)
  kRrsigBadSignature,
  kRrsigUnpublishedKeySameTag,
  kRrsigUnknownKey,
  kRrsigExpired,
  kRrsigNotYetValid,
  kRrsigWrongSigner,
  kRrsigBadLabels,
  kRrsigOriginalTtlMismatch,
  kRrsigTtlMismatch,
  kRrsigMalformed,
  kRrsigWithoutRrset,
  kRrsigOnDelegationNs,
  kRrsigOnGlue,
  // RRset coverage
  kRrsetUnsigned,
  kRrsetAlgorithmMissing,
  kRrsetTtlInconsistent,
  // Keys and the chain of trust
  kDnskeyMissing,
  kDnskeyMalformed,
  kDsNoMatchingDnskey,
  kDnskeyNotSignedByTrustedKey,
  kDsDigestMismatch,
  // Zone structure
  kApexSoaMissing,
  kDsNotAtDelegation,
  kRecordOutOfZone,
  kRdataMalformed,
  // Authenticated denial
  kDenialMissing,
  kDenialMixed,
  kDenialTtlMismatch,
  kNsecMissing,
  kNsecChainGap,
  kNsecExtra,
  kNsecBitmapMismatch,
  kNsec3Missing,
  kNsec3ChainGap,
  kNsec3Extra,
  kNsec3BitmapMismatch,
  kNsec3ParamMismatch,
  kNsec3ParamMissing,
  kNsec3BadOwner,
  kNsec3OptOutCoversSignedName,
  kNsec3IterationsNonzero,
  kNsec3SaltPresent,
  // Resolver view
  kDelegationBogus,
};
inline constexpr int kFindingClassCount = static_cast<int>(FindingClass::kDelegationBogus) + 1;

struct FindingClassInfo {
  FindingClass cls;
  const char* id;       // stable, e.g. "rrsig-expired"
  Severity severity;
  const char* rfc;      // e.g. "RFC 4035 §5.3.1"
  const char* summary;  // one line: what triggers it
};

const FindingClassInfo& Info(FindingClass c);
const char* FindingClassId(FindingClass c);
std::optional<FindingClass> FindingClassFromId(std::string_view id);
const char* SeverityName(Severity s);  // "error" | "warning"

struct Finding {
  FindingClass cls;
  dns::Name owner;
  uint16_t type = 0;     // the RRset type concerned; 0 when none
  std::string detail;    // what exactly is wrong, with the values involved
  int key_tag = -1;      // the RRSIG/DS/DNSKEY key tag when one is involved, else -1
  int algorithm = -1;    // the DNSSEC algorithm when one is involved, else -1

  Severity severity() const { return Info(cls).severity; }
};

// What could not be checked, and why. Never a defect, never "valid".
enum class NotCheckedKind {
  kUnsupportedAlgorithm,  // a DNSKEY or RRSIG algorithm the oracle cannot verify
  kUnsupportedDigest,     // a DS digest type the oracle cannot compute
  kUnsupportedNsec3Hash,  // an NSEC3 hash algorithm other than SHA-1
};
const char* NotCheckedKindId(NotCheckedKind k);  // "unsupported-algorithm", ...

struct NotChecked {
  NotCheckedKind kind;
  dns::Name owner;
  uint16_t type = 0;
  std::string detail;
  size_t count = 1;  // how many items this entry stands for (e.g. RRSIGs of that algorithm)
};

}  // namespace rollcage::oracle

#endif  // ROLLCAGE_ORACLE_FINDING_H_
