// Diagnosis: the readable verdict of a run — the findings by class, and for the first zone version
// the static oracle rejected: the .DE diagnosis (RRSIGs that carry a published key's tag but verify
// under no published key, and how many distinct keys made them), which HSMs hold which key, and the
// resolver view (how many delegations, signed and unsigned, are bogus).
#ifndef ROLLCAGE_HARNESS_DIAGNOSIS_H_
#define ROLLCAGE_HARNESS_DIAGNOSIS_H_

#include <string>

#include "harness/executor.h"
#include "oracle/report.h"

namespace rollcage::harness {

struct Diagnosis {
  int version = 0;               // the zone version diagnosed (1-based; 0: none)
  UnixTime at = 0;
  oracle::Report report;         // the static oracle's report on that version
  std::string text;              // everything, ready to print
};

Diagnosis Diagnose(const RunResult& result);

// One line per finding class: "class (source): N, first at TIME: detail".
std::string SummarizeFindings(const std::vector<Finding>& findings);

}  // namespace rollcage::harness

#endif  // ROLLCAGE_HARNESS_DIAGNOSIS_H_
