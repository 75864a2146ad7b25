#include "tools/cli/command.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace rollcage::cli {

std::string Args::Get(const std::string& flag, const std::string& fallback) const {
  auto it = values_.find(flag);
  if (it == values_.end() || it->second.empty()) return fallback;
  return it->second.back();
}

const std::vector<std::string>& Args::GetAll(const std::string& flag) const {
  static const std::vector<std::string> kEmpty;
  auto it = values_.find(flag);
  return it == values_.end() ? kEmpty : it->second;
}

Result<long long> Args::GetInt(const std::string& flag, long long fallback) const {
  if (!Has(flag)) return fallback;
  std::string v = Get(flag);
  errno = 0;
  char* end = nullptr;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != 0 || errno == ERANGE) {
    return UsageError("--" + flag + ": expected an integer, got '" + v + "'");
  }
  return n;
}

Result<long long> ParseDuration(const std::string& text) {
  if (text.empty()) return UsageError("empty duration");
  char* end = nullptr;
  errno = 0;
  long long n = std::strtoll(text.c_str(), &end, 10);
  if (end == text.c_str() || errno == ERANGE || n < 0) return UsageError("bad duration '" + text + "'");
  std::string unit(end);
  long long mult = 0;
  if (unit.empty() || unit == "s") mult = 1;
  else if (unit == "m") mult = 60;
  else if (unit == "h") mult = 3600;
  else if (unit == "d") mult = 86400;
  else if (unit == "w") mult = 7 * 86400;
  else return UsageError("bad duration unit in '" + text + "' (use s, m, h, d or w)");
  return n * mult;
}

Result<long long> Args::GetDuration(const std::string& flag, long long fallback_seconds) const {
  if (!Has(flag)) return fallback_seconds;
  auto d = ParseDuration(Get(flag));
  if (!d.ok()) return d.status().WithContext("--" + flag);
  return d;
}

Result<Args> Parse(const Command& cmd, const std::vector<std::string>& argv) {
  Args args;
  bool only_positional = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (only_positional || a.size() < 2 || a[0] != '-' || a == "-") {
      args.positional_.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positional = true;
      continue;
    }
    if (a.rfind("--", 0) != 0) return UsageError("unknown option '" + a + "' (options start with --)");
    std::string name = a.substr(2);
    std::string value;
    bool has_inline = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_inline = true;
    }
    const Flag* flag = nullptr;
    for (const auto& f : cmd.flags) {
      if (f.name == name) flag = &f;
    }
    if (!flag) return UsageError("unknown option '--" + name + "'; see 'rollcage " + cmd.name + " --help'");
    if (flag->value_name.empty()) {
      if (has_inline) return UsageError("option '--" + name + "' takes no value");
      args.values_[name].push_back("true");
      continue;
    }
    if (!has_inline) {
      if (i + 1 >= argv.size()) return UsageError("option '--" + name + "' needs a value " + flag->value_name);
      value = argv[++i];
    }
    auto& vals = args.values_[name];
    if (!vals.empty() && !flag->repeated) return UsageError("option '--" + name + "' given twice");
    vals.push_back(value);
  }
  int n = static_cast<int>(args.positional_.size());
  if (n < cmd.min_positional) {
    return UsageError("missing argument; usage: rollcage " + cmd.name + " " + cmd.usage);
  }
  if (cmd.max_positional >= 0 && n > cmd.max_positional) {
    return UsageError("unexpected argument '" + args.positional_[cmd.max_positional] +
                      "'; usage: rollcage " + cmd.name + " " + cmd.usage);
  }
  return args;
}

std::string HelpText(const Command& cmd) {
  std::string out = "usage: rollcage " + cmd.name + " " + cmd.usage + "\n\n" + cmd.summary + "\n";
  if (!cmd.details.empty()) out += "\n" + cmd.details + "\n";
  if (!cmd.flags.empty()) {
    out += "\noptions:\n";
    for (const auto& f : cmd.flags) {
      std::string left = "  --" + f.name + (f.value_name.empty() ? "" : " " + f.value_name);
      if (left.size() < 28) left.resize(28, ' ');
      else left += "\n" + std::string(28, ' ');
      out += left + f.help + (f.repeated ? " (repeatable)" : "") + "\n";
    }
  }
  return out;
}

static std::map<std::string, Command>& MutableRegistry() {
  static auto* r = new std::map<std::string, Command>();
  return *r;
}

void Register(Command cmd) {
  std::string name = cmd.name;
  MutableRegistry()[name] = std::move(cmd);
}

const std::map<std::string, Command>& Registry() { return MutableRegistry(); }

int Fail(const std::string& command, const Status& status) {
  std::fprintf(stderr, "rollcage %s: error: %s\n", command.c_str(), status.message().c_str());
  return ExitCodeFor(status.kind());
}

}  // namespace rollcage::cli
