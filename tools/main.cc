// The rollcage binary: dispatches to the registered subcommands (tools/cli/command.h).
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "base/status.h"
#include "tools/cli/command.h"

namespace {

void PrintOverview() {
  std::printf(
      "rollcage: a property-based fuzzing and chaos harness for DNSSEC zone signers\n\n"
      "usage: rollcage COMMAND [ARGS]   (rollcage COMMAND --help for details)\n\ncommands:\n");
  for (const auto& [name, cmd] : rollcage::cli::Registry()) {
    std::printf("  %-12s %s\n", name.c_str(), cmd.summary.c_str());
  }
  std::printf(
      "\nexit codes: 0 ok, 1 findings (a check ran and found defects), 2 bad input, usage or key\n"
      "error, 3 I/O error, 4 missing environment, 70 internal error\n");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace rollcage;
  if (argc < 2 || !std::strcmp(argv[1], "help") || !std::strcmp(argv[1], "--help") ||
      !std::strcmp(argv[1], "-h")) {
    if (argc >= 3) {
      auto it = cli::Registry().find(argv[2]);
      if (it != cli::Registry().end()) {
        std::fputs(cli::HelpText(it->second).c_str(), stdout);
        return kExitOk;
      }
    }
    PrintOverview();
    return argc < 2 ? kExitBadInput : kExitOk;
  }
  std::string name = argv[1];
  auto it = cli::Registry().find(name);
  if (it == cli::Registry().end()) {
    std::fprintf(stderr, "rollcage: unknown command '%s'; run 'rollcage help'\n", name.c_str());
    return kExitBadInput;
  }
  const cli::Command& cmd = it->second;
  std::vector<std::string> rest(argv + 2, argv + argc);
  for (const auto& a : rest) {
    if (a == "--help" || a == "-h") {
      std::fputs(cli::HelpText(cmd).c_str(), stdout);
      return kExitOk;
    }
    if (a == "--") break;
  }
  auto args = cli::Parse(cmd, rest);
  if (!args.ok()) return cli::Fail(name, args.status());
  return cmd.run(*args);
}
