// Finding: one defect the harness found in a run, from any oracle — static (one zone version),
// temporal (the timeline), environment (the HSM pool) or executor (the signer's behaviour, e.g. a
// crash in its code). Classes are a closed set with stable ids (docs/findings.md).
#ifndef ROLLCAGE_HARNESS_FINDING_H_
#define ROLLCAGE_HARNESS_FINDING_H_

#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "dns/rr.h"
#include "dns/zone.h"
#include "timeline/timeline.h"

namespace rollcage::harness {

struct Finding {
  std::string source;    // static | temporal | environment | executor
  std::string cls;       // stable class id, e.g. "rrsig-unpublished-key-same-tag"
  std::string severity;  // error | warning
  UnixTime at = 0;       // when (publication time of the version, or the critical instant)
  int zone_version = 0;  // 1-based, 0 when not tied to one version
  std::string owner;
  std::string type;
  std::string detail;
};

std::string FormatFinding(const Finding& f);  // one line

// What the executor needs to judge a run: the static oracle on one zone version and the temporal
// oracle on a timeline. Implemented by the oracle (harness/oracle_judge.h); a Status only when the
// check could not run at all.
class RunJudge {
 public:
  virtual ~RunJudge() = default;
  // parent_ds empty: the zone is judged against its own KSKs (no parent DS yet).
  virtual Result<std::vector<Finding>> CheckZone(const dns::Zone& zone, const std::vector<dns::RR>& parent_ds,
                                                 UnixTime at) = 0;
  virtual Result<std::vector<Finding>> CheckTimeline(const timeline::Timeline& timeline) = 0;
};

}  // namespace rollcage::harness

#endif  // ROLLCAGE_HARNESS_FINDING_H_
