// OracleJudge: the RunJudge the executor uses — the independent static oracle (oracle/) on every zone
// version and the temporal oracle (oracle/temporal) on the timeline, sharing one verdict cache so
// that unchanged (RRset, RRSIG, key) triples are verified once per run.
#ifndef ROLLCAGE_HARNESS_ORACLE_JUDGE_H_
#define ROLLCAGE_HARNESS_ORACLE_JUDGE_H_

#include <array>
#include <memory>
#include <mutex>
#include <vector>

#include "harness/finding.h"
#include "oracle/report.h"
#include "oracle/rrset_verifier.h"
#include "oracle/temporal/temporal_oracle.h"
#include "oracle/verdict_cache.h"

namespace rollcage::harness {

// CleanVersions: the zone versions for which CheckZone returned nothing (the static oracle found
// nothing at all, or no error for a judge set to errors only), by the SHA-256 of everything its
// validation reads (the zone's records in order, the parent DS RDATA, the time, the origin) and the
// judge's mode. Validation is a pure function of those, so such a version, met again, needs
// no second look: a scenario fuzz target's mutated inputs replay their parent's first versions
// exactly. A fixed table made once (direct-mapped; a newer digest replaces an older one in its
// slot), so remembering allocates nothing: libFuzzer re-runs every input that allocated more than
// it freed, looking for a leak. Thread-safe.
class CleanVersions {
 public:
  explicit CleanVersions(size_t slots);  // rounded up to a power of two
  bool Contains(const unsigned char digest[32]);
  void Add(const unsigned char digest[32]);
  size_t hits() const { return hits_; }
  size_t lookups() const { return lookups_; }

 private:
  std::mutex mu_;
  std::vector<std::array<unsigned char, 32>> slots_;  // all zero: empty
  size_t hits_ = 0, lookups_ = 0;
};

class OracleJudge : public RunJudge {
 public:
  OracleJudge();
  // Verdicts go to a cache shared with other judges (verdicts are facts about signatures, valid across
  // runs): the scenario fuzz targets keep one per process, and a CleanVersions table too.
  explicit OracleJudge(oracle::VerdictCache* shared, CleanVersions* clean = nullptr);
  // Errors only: warnings are left out of what CheckZone and CheckTimeline return (a fuzz target
  // looks for errors alone). Then CleanVersions also remembers the versions with warnings but no
  // error — their answer is empty too — under digests of their own (a table may be shared).
  void set_errors_only(bool errors_only) { errors_only_ = errors_only; }
  Result<std::vector<Finding>> CheckZone(const dns::Zone& zone, const std::vector<dns::RR>& parent_ds,
                                         UnixTime at) override;
  Result<std::vector<Finding>> CheckTimeline(const timeline::Timeline& timeline) override;
  // The static report of the last CheckZone that validated (the .DE diagnosis and resolver view live
  // there); a version found in CleanVersions is not validated again and leaves it as it was.
  const oracle::Report& last_report() const { return last_; }

 private:
  std::unique_ptr<oracle::VerdictCache> owned_;
  oracle::VerdictCache* cache_;
  CleanVersions* clean_ = nullptr;
  bool errors_only_ = false;
  oracle::Report last_;
};

// The temporal oracle's SignatureJudge answered by the static oracle's verifier.
class VerifierJudge : public oracle::temporal::SignatureJudge {
 public:
  explicit VerifierJudge(oracle::VerdictCache* cache) : verifier_(cache, {.diagnose = false}) {}
  uint16_t KeyTag(const std::string& dnskey_rdata) override;
  bool Verifies(const oracle::temporal::RrsetRef& rrset, std::string_view rrsig_rdata,
                const std::string& dnskey_rdata) override;
  bool DsMatches(const dns::Name& owner, const std::string& ds_rdata, const std::string& dnskey_rdata) override;

 private:
  oracle::RrsetVerifier verifier_;
  oracle::RrsetView view_;  // scratch, reused from question to question
};

// Converts the findings of one static report to harness findings (version and time filled in).
std::vector<Finding> ToFindings(const oracle::Report& r, int zone_version, UnixTime at);
std::vector<Finding> ToFindings(const oracle::temporal::TemporalReport& r);

}  // namespace rollcage::harness

#endif  // ROLLCAGE_HARNESS_ORACLE_JUDGE_H_
