// HtmlReport: the report as one self-contained HTML page — inline CSS, inline SVG charts, no
// scripts, fonts, images or links to anything outside the file — readable offline and in a
// mail attachment. Sections (element ids): verdict, tested-what, how-much, how-well, found,
// mutants, runs, rules.
#ifndef ROLLCAGE_TOOLS_REPORT_HTML_REPORT_H_
#define ROLLCAGE_TOOLS_REPORT_HTML_REPORT_H_

#include <string>

#include "tools/report/report.h"

namespace rollcage::report {

std::string RenderHtml(const Report& r);

// "13 (ECDSAP256SHA256)" for the DNSSEC algorithm numbers of RFC 8624; unknown numbers stay bare.
std::string AlgorithmText(int number);

}  // namespace rollcage::report

#endif  // ROLLCAGE_TOOLS_REPORT_HTML_REPORT_H_
