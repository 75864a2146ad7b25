// ExternalValidators: runs the three independent validators rollcage cross-checks signed zones
// with — ldns-verify-zone, BIND's dnssec-verify (-o ORIGIN) and Knot's kzonecheck (-o ORIGIN -d on)
// — through base/subprocess, and reports each one's verdict and output.
#ifndef ROLLCAGE_TESTING_EXTERNAL_VALIDATORS_H_
#define ROLLCAGE_TESTING_EXTERNAL_VALIDATORS_H_

#include <string>
#include <vector>

#include "base/status.h"

namespace rollcage::testing {

struct ValidatorVerdict {
  std::string tool;    // "ldns-verify-zone", "dnssec-verify", "kzonecheck"
  bool accepted = false;
  int exit_code = -1;
  std::string output;  // stdout and stderr, for failure messages
};

struct ValidatorOptions {
  // The zone is signed by keys that all have the SEP flag (a CSK): dnssec-verify then needs -z,
  // or it reports "Missing ZSK" because it wants a non-SEP key signing the zone data.
  bool ignore_ksk_flag = false;
  double timeout_seconds = 120;
};

// Runs all three on zone_file. kEnvironment error when a tool is missing or cannot start.
Result<std::vector<ValidatorVerdict>> RunExternalValidators(const std::string& zone_file, const std::string& origin,
                                                           const ValidatorOptions& options = {});

// "ldns-verify-zone: rejected (exit 1): <output>; ..." for the tools that rejected, or "" when all accepted.
std::string DescribeRejections(const std::vector<ValidatorVerdict>& verdicts);

}  // namespace rollcage::testing

#endif  // ROLLCAGE_TESTING_EXTERNAL_VALIDATORS_H_
