#include "tools/coverage/llvm_cov_export.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

namespace rollcage::coverage {

using nlohmann::json;

std::string RepositoryPath(const std::string& path, const std::string& scope) {
  if (path.rfind(scope, 0) == 0) return path;
  size_t p = path.rfind("/" + scope);
  return p == std::string::npos ? "" : path.substr(p + 1);
}

Result<report::CoverageSummary> ParseLlvmCovExport(const std::string& json_text, const ExportOptions& o) {
  json j = json::parse(json_text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return BadInput("llvm-cov export: not JSON");
  if (j.value("type", "") != "llvm.coverage.json.export") {
    return BadInput("llvm-cov export: type is not llvm.coverage.json.export");
  }
  if (!j.contains("data") || !j["data"].is_array()) return BadInput("llvm-cov export: no data array");
  // Files may appear in several data entries (one per export unit); the same file is summed once
  // per entry, so keep the entry with the most lines per file.
  std::map<std::string, report::CoverageCounts> files;
  try {
    for (const auto& d : j["data"]) {
      for (const auto& f : d.value("files", json::array())) {
        std::string name = RepositoryPath(f.at("filename").get<std::string>(), o.scope);
        if (name.empty()) continue;
        bool excluded = false;
        for (const auto& s : o.exclude_suffixes) {
          excluded |= name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
        }
        for (const auto& dir : o.exclude_dirs) excluded |= name.find("/" + dir) != std::string::npos;
        if (excluded) continue;
        const json& s = f.at("summary");
        report::CoverageCounts c;
        c.file = name;
        c.lines = s.at("lines").at("count").get<double>();
        c.lines_covered = s.at("lines").at("covered").get<double>();
        if (s.contains("branches")) {
          c.branches = s["branches"].at("count").get<double>();
          c.branches_covered = s["branches"].at("covered").get<double>();
        }
        c.functions = s.at("functions").at("count").get<double>();
        c.functions_covered = s.at("functions").at("covered").get<double>();
        auto it = files.find(name);
        if (it == files.end() || it->second.lines < c.lines) files[name] = c;
      }
    }
  } catch (const std::exception& e) {
    return BadInput(std::string("llvm-cov export: malformed file entry: ") + e.what());
  }
  report::CoverageSummary out;
  out.present = true;
  out.scope = o.scope;
  for (auto& [name, c] : files) {
    out.total.lines += c.lines;
    out.total.lines_covered += c.lines_covered;
    out.total.branches += c.branches;
    out.total.branches_covered += c.branches_covered;
    out.total.functions += c.functions;
    out.total.functions_covered += c.functions_covered;
    out.files.push_back(c);
  }
  return out;
}

}  // namespace rollcage::coverage
