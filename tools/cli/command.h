// Command: one `rollcage` subcommand with its flags, help and entry point, and the registry that
// the rollcage binary dispatches on. Each subcommand registers itself from its own file with
// RC_REGISTER_COMMAND (its cc_library must set alwayslink = True).
#ifndef ROLLCAGE_TOOLS_CLI_COMMAND_H_
#define ROLLCAGE_TOOLS_CLI_COMMAND_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace rollcage::cli {

struct Flag {
  std::string name;        // without the leading "--"
  std::string value_name;  // empty for a boolean switch
  std::string help;
  bool repeated = false;   // may be given more than once
};

// Parsed arguments of one subcommand invocation.
class Args {
 public:
  const std::vector<std::string>& positional() const { return positional_; }
  bool Has(const std::string& flag) const { return values_.count(flag) > 0; }
  // The last value given for flag, or fallback.
  std::string Get(const std::string& flag, const std::string& fallback = "") const;
  const std::vector<std::string>& GetAll(const std::string& flag) const;
  // Integer value of flag, or a usage error naming the flag.
  Result<long long> GetInt(const std::string& flag, long long fallback) const;
  // A duration such as 400d, 12h, 30m, 90s or 3600 (seconds), or a usage error.
  Result<long long> GetDuration(const std::string& flag, long long fallback_seconds) const;

  std::vector<std::string> positional_;
  std::map<std::string, std::vector<std::string>> values_;
};

// Parses a duration (400d, 12h, 30m, 90s, 2w, plain seconds) into seconds.
Result<long long> ParseDuration(const std::string& text);

struct Command {
  std::string name;
  std::string summary;  // one line, for `rollcage help`
  std::string usage;    // e.g. "ZONE --origin NAME [--out FILE]"
  std::string details;  // longer help text, optional
  std::vector<Flag> flags;
  int min_positional = 0;
  int max_positional = 0;  // -1: unlimited
  std::function<int(const Args&)> run;  // returns the process exit code
};

// Parses argv (after the subcommand name) for cmd; a usage error names the offending argument.
Result<Args> Parse(const Command& cmd, const std::vector<std::string>& argv);
std::string HelpText(const Command& cmd);

void Register(Command cmd);
const std::map<std::string, Command>& Registry();

// Prints "rollcage NAME: message" to stderr and returns the exit code for status.
int Fail(const std::string& command, const Status& status);

struct Registrar {
  explicit Registrar(Command (*make)()) { Register(make()); }
};

}  // namespace rollcage::cli

#define RC_REGISTER_COMMAND(factory) \
  static ::rollcage::cli::Registrar RC_CONCAT_(rc_registrar_, __LINE__)(factory)

#endif  // ROLLCAGE_TOOLS_CLI_COMMAND_H_
