#include "tools/report/report_writer.h"

#include "base/file.h"
#include "tools/report/html_report.h"
#include "tools/report/junit_report.h"
#include "tools/report/markdown_report.h"

namespace rollcage::report {

Result<std::vector<std::string>> WriteReportFiles(const Report& r, const std::string& out_dir) {
  RC_RETURN_IF_ERROR(MakeDirs(out_dir));
  std::vector<std::pair<std::string, std::string>> files = {
      {out_dir + "/report.html", RenderHtml(r)},
      {out_dir + "/report.json", ReportJson(r).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"},
      {out_dir + "/report-junit.xml", RenderJunit(r)},
      {out_dir + "/report.md", RenderMarkdown(r)},
  };
  std::vector<std::string> paths;
  for (const auto& [path, content] : files) {
    RC_RETURN_IF_ERROR(WriteFileAtomic(path, content));
    paths.push_back(path);
  }
  return paths;
}

}  // namespace rollcage::report
