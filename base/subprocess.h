// Subprocess: runs an external program (a signer, a validator, pkcs11-tool) with arguments, an optional
// environment overlay, stdin text and a timeout, and captures its exit status and output.
#ifndef ROLLCAGE_BASE_SUBPROCESS_H_
#define ROLLCAGE_BASE_SUBPROCESS_H_

#include <map>
#include <string>
#include <vector>

#include "base/status.h"

namespace rollcage {

struct RunOptions {
  std::map<std::string, std::string> env;  // added to (or replacing in) the current environment
  std::string stdin_text;
  std::string cwd;           // empty: current directory
  double timeout_seconds = 0;  // 0: none; on timeout the process group is killed
};

struct RunResult {
  int exit_code = -1;      // the exit status, or 128+signal when killed by a signal
  bool timed_out = false;
  std::string out;         // stdout
  std::string err;         // stderr
};

// Runs argv[0] (searched in PATH). Fails (kEnvironment) only when the program cannot be started.
Result<RunResult> RunCommand(const std::vector<std::string>& argv, const RunOptions& options = {});

// The last `lines` lines of a program's output (for error messages that quote it).
std::string LastLines(const std::string& text, size_t lines);

// True when a program of that name is found in PATH.
bool ProgramInPath(const std::string& name);

}  // namespace rollcage

#endif  // ROLLCAGE_BASE_SUBPROCESS_H_
