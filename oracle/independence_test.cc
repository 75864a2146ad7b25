// The oracle is independent of the signer under test: its Bazel targets depend only on //base,
// //dns, //oracle and system libraries, and no oracle source includes signer, harness or ldns
// headers (ldns stays inside dns/, and the oracle never uses ldns's DNSSEC functions).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace {

std::string Read(const std::filesystem::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

TEST(Independence, BuildDependenciesStayInsideBaseDnsOracleAndSystem) {
  int labels = 0;
  for (const char* build : {"oracle/BUILD", "oracle/testing/BUILD"}) {
    std::string text = Read(build);
    ASSERT_FALSE(text.empty()) << build;
    std::regex label("\"((//|@)[^\"]*)\"");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), label); it != std::sregex_iterator(); ++it) {
      std::string l = (*it)[1];
      ++labels;
      bool allowed = l.rfind("//base", 0) == 0 || l.rfind("//dns", 0) == 0 || l.rfind("//oracle", 0) == 0 ||
                     l.rfind("@system//", 0) == 0 || l == "//visibility:public" ||
                     l.rfind("//docs:", 0) == 0;  // documentation read by findings_doc_test
      EXPECT_TRUE(allowed) << build << " depends on " << l;
    }
  }
  EXPECT_GT(labels, 20);
}

TEST(Independence, SourcesIncludeNoSignerHarnessOrLdnsHeader) {
  int files = 0;
  std::regex include("#include\\s*[<\"]([^>\"]+)[>\"]");
  for (const auto& e : std::filesystem::recursive_directory_iterator("oracle")) {
    std::string name = e.path().string();
    if (name.size() < 3 || (name.substr(name.size() - 2) != ".h" && name.substr(name.size() - 3) != ".cc")) continue;
    ++files;
    std::string text = Read(e.path());
    for (auto it = std::sregex_iterator(text.begin(), text.end(), include); it != std::sregex_iterator(); ++it) {
      std::string h = (*it)[1];
      EXPECT_EQ(h.rfind("signer-under-test/", 0), std::string::npos) << name << " includes " << h;
      EXPECT_EQ(h.rfind("signer/", 0), std::string::npos) << name << " includes " << h;
      EXPECT_EQ(h.rfind("harness/", 0), std::string::npos) << name << " includes " << h;
      EXPECT_EQ(h.rfind("ldns/", 0), std::string::npos) << name << " includes " << h;
      EXPECT_EQ(h.rfind("dns/internal/", 0), std::string::npos) << name << " includes " << h;
    }
  }
  EXPECT_GT(files, 20);
}

}  // namespace
