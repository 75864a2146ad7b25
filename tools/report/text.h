// Text helpers for the report writers: escaping for HTML/XML (valid XML 1.0 whatever the input
// bytes), and the one number format every output uses, so the same figure reads the same in the
// HTML, the Markdown and the JUnit XML.
#ifndef ROLLCAGE_TOOLS_REPORT_TEXT_H_
#define ROLLCAGE_TOOLS_REPORT_TEXT_H_

#include <string>
#include <string_view>

namespace rollcage::report {

// Replaces invalid UTF-8 sequences by U+FFFD, so every output is valid UTF-8.
std::string SanitizeUtf8(std::string_view s);

// Escapes &, <, >, " and ' and replaces characters XML 1.0 forbids (C0 controls other than tab,
// newline and carriage return) by "\xNN" text; the result is valid UTF-8 and safe in element text
// and in quoted attribute values of HTML and XML.
std::string EscapeXml(std::string_view s);

// Escapes text for a Markdown table cell: "|" and newlines; backticks kept.
std::string EscapeMarkdownCell(std::string_view s);

// 1234567 -> "1,234,567" (rounded to an integer).
std::string FormatCount(double v);
// 83.456 -> "83.5%".
std::string FormatPercent(double v);
// A number with up to `digits` decimals and trailing zeros removed: 2.50 -> "2.5", 3 -> "3".
std::string FormatNumber(double v, int digits = 1);
// A duration: "42.0s", "5m03s", "2h10m" (harness::FormatSeconds).
std::string FormatDuration(double seconds);

}  // namespace rollcage::report

#endif  // ROLLCAGE_TOOLS_REPORT_TEXT_H_
