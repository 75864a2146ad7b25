// The fuzz dictionaries parse as libFuzzer parses them (FuzzerDictionary ParseOneDictionaryEntry):
// blank lines and '#' comments, else [name=]"value" where the value knows only the escapes \\, \"
// and \xAB. libFuzzer refuses the whole file at the first bad line ("ParseDictionaryFile: error in
// line N"), which would stop a nightly or OSS-Fuzz run of that target before it starts.
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

// The error for one line, "" when libFuzzer accepts it.
std::string CheckLine(const std::string& raw) {
  std::string line = raw;
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.pop_back();
  size_t i = line.find_first_not_of(" \t");
  if (i == std::string::npos || line[i] == '#') return "";
  size_t q = line.find('"');
  if (q == std::string::npos) return "no opening quote";
  if (line.back() != '"' || q == line.size() - 1) return "does not end with a quote";
  std::string value = line.substr(q + 1, line.size() - q - 2);
  if (value.empty()) return "empty value";
  for (size_t k = 0; k < value.size(); ++k) {
    if (value[k] != '\\') continue;
    if (k + 1 < value.size() && (value[k + 1] == '\\' || value[k + 1] == '"')) {
      ++k;
      continue;
    }
    if (k + 3 < value.size() && value[k + 1] == 'x' && std::isxdigit(static_cast<unsigned char>(value[k + 2])) &&
        std::isxdigit(static_cast<unsigned char>(value[k + 3]))) {
      k += 3;
      continue;
    }
    return "bad escape at column " + std::to_string(q + 2 + k) + " (libFuzzer knows \\\\, \\\" and \\xAB only)";
  }
  return "";
}

TEST(Dictionaries, CheckerRejectsWhatLibFuzzerRejects) {
  EXPECT_EQ(CheckLine("\"abc\""), "");
  EXPECT_EQ(CheckLine("kw1=\"a\\x0Ab\\\\c\\\"\""), "");
  EXPECT_EQ(CheckLine("# comment \\n"), "");
  EXPECT_NE(CheckLine("\"\\n\""), "");
  EXPECT_NE(CheckLine("\"\\xZZ\""), "");
  EXPECT_NE(CheckLine("abc"), "");
  EXPECT_NE(CheckLine("\"\""), "");
}

TEST(Dictionaries, EveryLineParses) {
  int files = 0, entries = 0;
  for (const auto& e : std::filesystem::directory_iterator("fuzz/dicts")) {
    if (e.path().extension() != ".dict") continue;
    ++files;
    std::ifstream in(e.path());
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      std::string err = CheckLine(line);
      EXPECT_EQ(err, "") << e.path().string() << ":" << n << ": " << line;
      entries += err.empty() && line.find('"') != std::string::npos && line[0] != '#';
    }
  }
  EXPECT_GE(files, 5);
  EXPECT_GE(entries, 100);
}

}  // namespace
