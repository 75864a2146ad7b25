#include "tools/fuzz/libfuzzer_output.h"

#include <cstdlib>
#include <regex>
#include <sstream>

namespace rollcage::fuzz {
namespace {

bool Number(const std::string& line, const std::regex& re, double* out) {
  std::smatch m;
  if (!std::regex_search(line, m, re)) return false;
  *out = std::strtod(m[1].str().c_str(), nullptr);
  return true;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  size_t i = s.find_first_not_of(' ');
  return i == std::string::npos ? "" : s.substr(i);
}

// Frames that say nothing about where the bug is: the sanitizers, libFuzzer, libc's abort path,
// the allocator, the target's own reporting. `frame` is "function file:line".
bool Boring(const std::string& frame) {
  std::string func = frame.substr(0, frame.rfind(' '));
  for (const char* p : {"__sanitizer", "__asan", "__ubsan", "__lsan", "__interceptor", "fuzzer::", "__GI_", "__libc",
                        "_start", "pthread_kill", "__pthread", "raise", "abort", "std::__terminate", "std::terminate"}) {
    if (func.rfind(p, 0) == 0) return true;
  }
  for (const char* f : {"free", "malloc", "calloc", "realloc", "operator new", "operator delete", "main"}) {
    if (func == f) return true;
  }
  if (func.size() >= 11 && func.compare(func.size() - 11, 11, "FuzzFinding") == 0) return true;
  for (const char* f : {"compiler-rt", "libFuzzer", "FuzzerLoop", "(libc.so", "(libstdc++"}) {
    if (frame.find(f) != std::string::npos) return true;
  }
  return false;
}

// "    #3 0x55d1c2 in rollcage::dns::Parse(std::string) /src/dns/zone.cc:120:7" -> "rollcage::dns::Parse dns/zone.cc:120"
std::optional<std::string> Frame(const std::string& line) {
  static const std::regex re(R"(^\s*#(\d+) 0x[0-9a-f]+ in (.+?) (\S+?)(:\d+)?(:\d+)?$)");
  static const std::regex build_id(R"(\s*\(BuildId: [0-9a-f]+\)\s*$)");
  const std::string clean = std::regex_replace(line, build_id, "");
  std::smatch m;
  if (!std::regex_search(clean, m, re)) return std::nullopt;
  std::string func = m[2].str();
  if (auto p = func.find('('); p != std::string::npos && p > 0) func = func.substr(0, p);  // drop arguments
  std::string file = m[3].str();
  if (file.front() == '(') return func + " " + file;  // "(libc.so.6+0x2b)": no source
  // Keep the path from the workspace's top-level directory on: stable across checkouts.
  for (const char* top : {"/base/", "/dns/", "/oracle/", "/signer-under-test/", "/harness/", "/fuzz/", "/timeline/",
                          "/properties/", "/tools/"}) {
    if (auto p = file.rfind(top); p != std::string::npos) {
      file = file.substr(p + 1);
      break;
    }
  }
  return func + " " + file + m[4].str();
}

}  // namespace

std::optional<FuzzStats> ParseStatusLine(const std::string& line) {
  static const std::regex head(R"(^#(\d+):?\s)");
  std::smatch m;
  if (!std::regex_search(line, m, head) || line.find("cov: ") == std::string::npos) return std::nullopt;
  static const std::regex cov(R"(cov: (\d+))"), ft(R"(ft: (\d+))"), corp(R"(corp: (\d+))"),
      eps(R"(exec/s:? (\d+))"), time(R"(time: (\d+)s)"),
      oot(R"(oom/timeout/crash: (\d+)/(\d+)/(\d+))");
  FuzzStats s;
  s.executions = std::strtod(m[1].str().c_str(), nullptr);
  Number(line, cov, &s.coverage);
  Number(line, ft, &s.features);
  Number(line, corp, &s.corpus);
  Number(line, eps, &s.exec_per_s);
  Number(line, time, &s.time_s);
  std::smatch o;
  if (std::regex_search(line, o, oot)) {
    s.ooms = std::strtod(o[1].str().c_str(), nullptr);
    s.timeouts = std::strtod(o[2].str().c_str(), nullptr);
    s.crashes = std::strtod(o[3].str().c_str(), nullptr);
  }
  return s;
}

std::optional<FuzzStats> LastStatus(const std::string& log) {
  std::optional<FuzzStats> last;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (auto s = ParseStatusLine(line)) last = s;
  }
  return last;
}

std::string CrashReport::Key() const {
  if (cls.rfind("rollcage:", 0) == 0 || frames.empty()) return cls;
  std::string k = cls;
  for (size_t i = 0; i < frames.size() && i < 3; ++i) k += " | " + frames[i];
  return k;
}

CrashReport ClassifyCrashLog(const std::string& log) {
  CrashReport r;
  std::istringstream in(log);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  size_t stack_from = lines.size();  // the first stack trace after the error line
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    auto set = [&](const std::string& cls, const std::string& detail) {
      if (r.cls.empty() || r.cls == "deadly-signal" || r.cls == "crash") {
        r.cls = cls;
        r.detail = detail;
        stack_from = i + 1;
      }
    };
    if (auto p = l.find("rollcage-finding: "); p != std::string::npos) {
      std::string rest = l.substr(p + 18);
      auto colon = rest.find(": ");
      set("rollcage:" + rest.substr(0, colon), colon == std::string::npos ? "" : Trim(rest.substr(colon + 2)));
    } else if (l.find("ERROR: libFuzzer: timeout") != std::string::npos) {
      set("timeout", Trim(l.substr(l.find("ERROR:"))));
    } else if (l.find("ERROR: libFuzzer: out-of-memory") != std::string::npos ||
               l.find("ERROR: AddressSanitizer: out of memory") != std::string::npos ||
               l.find("ERROR: AddressSanitizer: allocation-size-too-big") != std::string::npos) {
      set("oom", Trim(l.substr(l.find("ERROR:"))));
    } else if (l.find("ERROR: LeakSanitizer: detected memory leaks") != std::string::npos) {
      set("lsan:leak", "detected memory leaks");
    } else if (auto a = l.find("ERROR: AddressSanitizer: "); a != std::string::npos) {
      std::string what = l.substr(a + 25);
      std::string type = what.substr(0, what.find(' '));
      if (type == "attempting") {  // "attempting double-free on 0x..."
        std::string rest = what.substr(what.find(' ') + 1);
        type = rest.substr(0, rest.find(' '));
      }
      set("asan:" + type, Trim(what));
    } else if (l.find("runtime error: ") != std::string::npos) {
      // UBSan: "file.cc:12:5: runtime error: signed integer overflow: ..."
      std::string what = Trim(l.substr(l.find("runtime error: ") + 15));
      std::string check = what.substr(0, what.find(':'));
      set("ubsan:" + check, Trim(l));
    } else if (l.find("ERROR: libFuzzer: deadly signal") != std::string::npos) {
      set("deadly-signal", "deadly signal");
    } else if (l.find("ERROR: libFuzzer: ") != std::string::npos) {
      set("crash", Trim(l.substr(l.find("ERROR:"))));
    }
    if (l.rfind("SUMMARY: ", 0) == 0 && r.cls.rfind("rollcage:", 0) != 0 && !r.cls.empty()) {
      r.detail = Trim(l.substr(9));
    }
  }
  for (size_t i = stack_from; i < lines.size() && r.frames.size() < 5; ++i) {
    auto f = Frame(lines[i]);
    if (!f) {
      if (!r.frames.empty() && Trim(lines[i]).empty()) break;  // the end of the first stack
      continue;
    }
    if (!Boring(*f)) r.frames.push_back(*f);
  }
  return r;
}

}  // namespace rollcage::fuzz
