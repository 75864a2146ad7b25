// LlvmCovExport: reads the JSON of `llvm-cov export -summary-only` (clang source-based coverage,
// format llvm.coverage.json.export 2.x) into per-file and total line, branch and function counts,
// keeping only the files under one source directory (the signer: "signer-under-test/") and leaving
// out its tests and test helpers. File names are made repository-relative.
#ifndef ROLLCAGE_TOOLS_COVERAGE_LLVM_COV_EXPORT_H_
#define ROLLCAGE_TOOLS_COVERAGE_LLVM_COV_EXPORT_H_

#include <string>
#include <vector>

#include "base/status.h"
#include "tools/report/report.h"

namespace rollcage::coverage {

struct ExportOptions {
  std::string scope = "signer-under-test/";  // repository-relative directory to keep
  // Files under scope that are not the code under test.
  std::vector<std::string> exclude_suffixes = {"_test.cc"};
  std::vector<std::string> exclude_dirs = {"testing/"};
};

// The counts per kept file (sorted by name) and their sum; a malformed export is BadInput naming
// what is missing. An export with no file in scope is not an error: the total is then zero.
Result<report::CoverageSummary> ParseLlvmCovExport(const std::string& json_text, const ExportOptions& options = {});

// "…/execroot/rollcage/signer-under-test/x.cc" or "/proc/self/cwd/signer-under-test/x.cc" ->
// "signer-under-test/x.cc"; empty when the path is not under scope.
std::string RepositoryPath(const std::string& path, const std::string& scope);

}  // namespace rollcage::coverage

#endif  // ROLLCAGE_TOOLS_COVERAGE_LLVM_COV_EXPORT_H_
