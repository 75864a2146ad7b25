// FuzzFinding: how every rollcage fuzz target reports a broken property — one machine-readable line
// "rollcage-finding: CLASS: detail" on stderr, then abort(). `rollcage nightly` classifies and
// deduplicates crashes by CLASS (sanitizer reports, timeouts and leaks carry their own).
#ifndef ROLLCAGE_FUZZ_FINDING_H_
#define ROLLCAGE_FUZZ_FINDING_H_

#include <cstdio>
#include <cstdlib>
#include <string>

namespace rollcage::fuzz {

[[noreturn]] inline void FuzzFinding(const std::string& cls, const std::string& detail) {
  std::fprintf(stderr, "rollcage-finding: %s: %s\n", cls.c_str(), detail.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace rollcage::fuzz

#endif  // ROLLCAGE_FUZZ_FINDING_H_
