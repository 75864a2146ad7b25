#include "testing/external_validators.h"

#include "base/subprocess.h"

namespace rollcage::testing {

Result<std::vector<ValidatorVerdict>> RunExternalValidators(const std::string& zone_file, const std::string& origin,
                                                           const ValidatorOptions& options) {
  std::vector<std::string> bind = {"dnssec-verify", "-o", origin, zone_file};
  if (options.ignore_ksk_flag) bind.insert(bind.begin() + 1, "-z");
  const std::vector<std::vector<std::string>> commands = {
      {"ldns-verify-zone", zone_file},
      bind,
      {"kzonecheck", "-o", origin, "-d", "on", zone_file},
  };
  std::vector<ValidatorVerdict> out;
  for (const auto& argv : commands) {
    if (!ProgramInPath(argv[0])) return EnvironmentError(argv[0] + " is not installed (see ./rollcage PACKAGES)");
    RunOptions run;
    run.timeout_seconds = options.timeout_seconds;
    RC_ASSIGN_OR_RETURN(RunResult r, RunCommand(argv, run));
    ValidatorVerdict v;
    v.tool = argv[0];
    v.exit_code = r.exit_code;
    v.accepted = r.exit_code == 0 && !r.timed_out;
    v.output = r.out + r.err;
    if (v.output.size() > 4000) v.output = v.output.substr(0, 4000) + "...";
    out.push_back(std::move(v));
  }
  return out;
}

std::string DescribeRejections(const std::vector<ValidatorVerdict>& verdicts) {
  std::string out;
  for (const auto& v : verdicts) {
    if (v.accepted) continue;
    out += v.tool + ": rejected (exit " + std::to_string(v.exit_code) + "): " + v.output + "\n";
  }
  return out;
}

}  // namespace rollcage::testing
