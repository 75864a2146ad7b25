// ReportWriter: writes the four report files into a directory — report.html (self-contained),
// report.json, report-junit.xml and report.md — each crash-safely (base/file.h).
#ifndef ROLLCAGE_TOOLS_REPORT_REPORT_WRITER_H_
#define ROLLCAGE_TOOLS_REPORT_REPORT_WRITER_H_

#include <string>
#include <vector>

#include "base/status.h"
#include "tools/report/report.h"

namespace rollcage::report {

// Writes the files and returns their paths (html, json, xml, md). An I/O error names the file.
Result<std::vector<std::string>> WriteReportFiles(const Report& r, const std::string& out_dir);

}  // namespace rollcage::report

#endif  // ROLLCAGE_TOOLS_REPORT_REPORT_WRITER_H_
