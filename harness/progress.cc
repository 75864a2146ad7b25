#include "harness/progress.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace rollcage::harness {

std::string FormatSeconds(double s) {
  char buf[32];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%.1fs", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%dm%02ds", int(s) / 60, int(s) % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%dh%02dm", int(s) / 3600, (int(s) % 3600) / 60);
  }
  return buf;
}

Progress::Progress(std::string label, double budget_s, double log_interval_s)
    : label_(std::move(label)), budget_(budget_s), interval_(log_interval_s), start_(std::chrono::steady_clock::now()) {
  const char* term = std::getenv("TERM");
  tty_ = isatty(STDERR_FILENO) && !(term && std::string(term) == "dumb");
}

Progress::~Progress() { Done(); }

double Progress::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::Update(const std::string& what) {
  double e = elapsed();
  std::string when = FormatSeconds(e) + (budget_ > 0 ? "/" + FormatSeconds(budget_) : "");
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s  %s  %s", label_.c_str(), when.c_str(), what.c_str());
    std::fflush(stderr);
    drawn_ = true;
  } else if (e - last_log_ >= interval_) {
    std::fprintf(stderr, "%s: %s  %s\n", label_.c_str(), when.c_str(), what.c_str());
    last_log_ = e;
  }
}

void Progress::Line(const std::string& message) {
  Done();
  std::fprintf(stderr, "%s\n", message.c_str());
}

void Progress::Done() {
  if (tty_ && drawn_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    drawn_ = false;
  }
}

}  // namespace rollcage::harness
