// Progress on a terminal (a pseudo-terminal from openpty) redraws one line with "\r\033[K" and
// never scrolls; off a terminal (a pipe, or TERM=dumb) it prints plain, rate-limited log lines.
#include "harness/progress.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

namespace rollcage::harness {
namespace {

// Redirects stderr into a pseudo-terminal or a pipe for the lifetime of the object and collects
// what was written.
class CapturedStderr {
 public:
  explicit CapturedStderr(bool terminal) {
    std::fflush(stderr);
    saved_ = dup(STDERR_FILENO);
    if (terminal) {
      int slave = -1;
      EXPECT_EQ(openpty(&read_fd_, &slave, nullptr, nullptr, nullptr), 0);
      // Raw output: no "\n" -> "\r\n" translation, so the bytes are what Progress wrote.
      dup2(slave, STDERR_FILENO);
      close(slave);
    } else {
      int p[2];
      EXPECT_EQ(pipe(p), 0);
      read_fd_ = p[0];
      dup2(p[1], STDERR_FILENO);
      close(p[1]);
    }
    fcntl(read_fd_, F_SETFL, fcntl(read_fd_, F_GETFL) | O_NONBLOCK);
  }
  ~CapturedStderr() {
    Restore();
    close(read_fd_);
  }
  void Restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    saved_ = -1;
  }
  // Everything written so far.
  std::string Take() {
    std::fflush(stderr);
    char buf[4096];
    for (;;) {
      pollfd pfd{read_fd_, POLLIN, 0};
      if (poll(&pfd, 1, 50) <= 0) break;
      ssize_t n = read(read_fd_, buf, sizeof buf);
      if (n <= 0) break;
      out_.append(buf, size_t(n));
    }
    return out_;
  }

 private:
  int saved_ = -1;
  int read_fd_ = -1;
  std::string out_;
};

// The pty's line discipline turns "\n" into "\r\n" (ONLCR); undo it so tests compare what was written.
std::string StripCr(std::string s) {
  for (size_t p = s.find("\r\n"); p != std::string::npos; p = s.find("\r\n", p)) s.erase(p, 1);
  return s;
}

int Count(const std::string& s, const std::string& needle) {
  int n = 0;
  for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
  return n;
}

TEST(Progress, TerminalRedrawsOneLine) {
  setenv("TERM", "xterm", 1);
  CapturedStderr cap(/*terminal=*/true);
  {
    Progress p("hunt", 300, /*log_interval_s=*/1000);
    EXPECT_TRUE(p.tty());
    p.Update("10 sequences, 0 findings");
    p.Update("20 sequences, 0 findings");
    p.Update("30 sequences, 1 finding");
    std::string s = StripCr(cap.Take());
    // Every update redraws in place: carriage return + erase line, no newline, budget shown.
    EXPECT_EQ(Count(s, "\r\033[K"), 3) << s;
    EXPECT_EQ(Count(s, "\n"), 0) << s;
    EXPECT_NE(s.find("hunt  0.0s/5m00s  30 sequences, 1 finding"), std::string::npos) << s;
    p.Line("finding: rrsig-expired");  // clears the live line, then prints on its own line
    s = StripCr(cap.Take());
    EXPECT_NE(s.find("\r\033[Kfinding: rrsig-expired\n"), std::string::npos) << s;
    p.Update("40 sequences, 1 finding");
  }  // the destructor clears the live line
  std::string s = StripCr(cap.Take());
  cap.Restore();
  EXPECT_EQ(s.substr(s.size() - 4), "\r\033[K") << s;
}

TEST(Progress, PipeGetsPlainRateLimitedLogLines) {
  setenv("TERM", "xterm", 1);
  CapturedStderr cap(/*terminal=*/false);
  {
    Progress p("nightly", 0, /*log_interval_s=*/1000);
    EXPECT_FALSE(p.tty());
    p.Update("1000 executions, 0 findings");
    p.Update("2000 executions, 0 findings");  // within the interval: not printed
    p.Line("target scenario_codec done");
    p.Done();
  }
  std::string s = cap.Take();
  cap.Restore();
  EXPECT_EQ(s.find('\r'), std::string::npos) << s;
  EXPECT_EQ(s.find('\033'), std::string::npos) << s;
  EXPECT_EQ(s, "nightly: 0.0s  1000 executions, 0 findings\ntarget scenario_codec done\n");
}

TEST(Progress, PipeLogsAgainAfterTheInterval) {
  CapturedStderr cap(/*terminal=*/false);
  {
    Progress p("mutants", 60, /*log_interval_s=*/0.05);
    p.Update("a");
    std::this_thread::sleep_for(std::chrono::milliseconds(80));
    p.Update("b");
  }
  std::string s = cap.Take();
  cap.Restore();
  EXPECT_EQ(Count(s, "\n"), 2) << s;
  EXPECT_NE(s.find("mutants: 0.0s/1m00s  a\n"), std::string::npos) << s;
  EXPECT_NE(s.find("/1m00s  b\n"), std::string::npos) << s;
}

TEST(Progress, DumbTerminalIsTreatedAsALog) {
  setenv("TERM", "dumb", 1);
  CapturedStderr cap(/*terminal=*/true);
  {
    Progress p("rollover", 0, 1000);
    EXPECT_FALSE(p.tty());
    p.Update("3 rollovers");
  }
  std::string s = StripCr(cap.Take());
  cap.Restore();
  setenv("TERM", "xterm", 1);
  EXPECT_EQ(s, "rollover: 0.0s  3 rollovers\n");
}

TEST(Progress, FormatSeconds) {
  EXPECT_EQ(FormatSeconds(42), "42.0s");
  EXPECT_EQ(FormatSeconds(65), "1m05s");
  EXPECT_EQ(FormatSeconds(3600 * 2 + 600), "2h10m");
}

}  // namespace
}  // namespace rollcage::harness
