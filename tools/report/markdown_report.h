// MarkdownReport: the report's summary as Markdown (verdict and reasons, what/how much/how well,
// findings with repro commands, mutants) for a pull request, a release ticket or a terminal.
#ifndef ROLLCAGE_TOOLS_REPORT_MARKDOWN_REPORT_H_
#define ROLLCAGE_TOOLS_REPORT_MARKDOWN_REPORT_H_

#include <string>

#include "tools/report/report.h"

namespace rollcage::report {

std::string RenderMarkdown(const Report& r);

}  // namespace rollcage::report

#endif  // ROLLCAGE_TOOLS_REPORT_MARKDOWN_REPORT_H_
