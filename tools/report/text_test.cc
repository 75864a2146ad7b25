#include "tools/report/text.h"

#include <gtest/gtest.h>

namespace rollcage::report {
namespace {

TEST(Text, SanitizeUtf8KeepsValidAndReplacesInvalid) {
  EXPECT_EQ(SanitizeUtf8("plain ascii"), "plain ascii");
  EXPECT_EQ(SanitizeUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x91"), "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x91");
  EXPECT_EQ(SanitizeUtf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(SanitizeUtf8("truncated \xC3"), "truncated \xEF\xBF\xBD");
  EXPECT_EQ(SanitizeUtf8("overlong \xC0\xAF"), "overlong \xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(SanitizeUtf8("surrogate \xED\xA0\x80"), "surrogate \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Text, EscapeXmlEscapesMarkupAndForbiddenControls) {
  EXPECT_EQ(EscapeXml("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(EscapeXml(std::string("nul\0bell\x07tab\tnl\n", 16)), "nul\\x00bell\\x07tab\tnl\n");
  EXPECT_EQ(EscapeXml("del\x7F"), "del\\x7F");
  EXPECT_EQ(EscapeXml("bad \xFE"), "bad \xEF\xBF\xBD");
}

TEST(Text, MarkdownCellEscapesPipesAndNewlines) {
  EXPECT_EQ(EscapeMarkdownCell("a|b\nc"), "a\\|b c");
}

TEST(Text, NumberFormats) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(1000), "1,000");
  EXPECT_EQ(FormatCount(1234567.4), "1,234,567");
  EXPECT_EQ(FormatCount(-1234), "-1,234");
  EXPECT_EQ(FormatPercent(83.46), "83.5%");
  EXPECT_EQ(FormatNumber(2.50, 2), "2.5");
  EXPECT_EQ(FormatNumber(3, 2), "3");
  EXPECT_EQ(FormatNumber(-0.0001, 2), "0");
  EXPECT_EQ(FormatDuration(65), "1m05s");
}

}  // namespace
}  // namespace rollcage::report
