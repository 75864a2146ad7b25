// OracleJudge: the RunJudge the executor uses — the independent static oracle (oracle/) on every zone
// version and the temporal oracle (oracle/temporal) on the timeline, sharing one verdict cache so
// that unchanged (RRset, RRSIG, key) triples are verified once per run.
#ifndef ROLLCAGE_HARNESS_ORACLE_JUDGE_H_
#define ROLLCAGE_HARNESS_ORACLE_JUDGE_H_

#include <memory>

#include "harness/finding.h"
#include "oracle/report.h"
#include "oracle/rrset_verifier.h"
#include "oracle/temporal/temporal_oracle.h"
#include "oracle/verdict_cache.h"

namespace rollcage::harness {

class OracleJudge : public RunJudge {
 public:
  OracleJudge();
  // Verdicts go to a cache shared with other judges (verdicts are facts about signatures, valid across
  // runs): the scenario fuzz targets keep one per process.
  explicit OracleJudge(oracle::VerdictCache* shared);
  Result<std::vector<Finding>> CheckZone(const dns::Zone& zone, const std::vector<dns::RR>& parent_ds,
                                         UnixTime at) override;
  Result<std::vector<Finding>> CheckTimeline(const timeline::Timeline& timeline) override;
  // The static report of the last CheckZone (the .DE diagnosis and resolver view live there).
  const oracle::Report& last_report() const { return last_; }

 private:
  std::unique_ptr<oracle::VerdictCache> owned_;
  oracle::VerdictCache* cache_;
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
