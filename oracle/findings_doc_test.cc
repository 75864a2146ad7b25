// docs/findings.md lists every finding class with its severity and RFC section, exactly as the
// code defines them.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "oracle/finding.h"

namespace rollcage::oracle {
namespace {

TEST(FindingsDoc, EveryClassIsDocumentedWithItsSeverityAndRfc) {
  std::ifstream f("docs/findings.md");
  std::stringstream s;
  s << f.rdbuf();
  std::string doc = s.str();
  ASSERT_FALSE(doc.empty());
  for (int i = 0; i < kFindingClassCount; ++i) {
    const FindingClassInfo& info = Info(static_cast<FindingClass>(i));
    std::string row = std::string("| `") + info.id + "` | " + SeverityName(info.severity) + " | " + info.rfc + " |";
    EXPECT_NE(doc.find(row), std::string::npos) << "docs/findings.md lacks the row start: " << row;
  }
  for (const char* k : {"unsupported-algorithm", "unsupported-digest", "unsupported-nsec3-hash",
                        "rollcage-validate/1"}) {
    EXPECT_NE(doc.find(k), std::string::npos) << k;
  }
}

}  // namespace
}  // namespace rollcage::oracle
