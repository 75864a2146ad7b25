// Progress: the live status line of long commands (hunt, nightly, mutants, rollover, demo). On a
// terminal it redraws one line ("\r"); otherwise it prints a plain log line at most every
// `interval` seconds, so CI logs and pipes stay readable. Always to stderr.
#ifndef ROLLCAGE_HARNESS_PROGRESS_H_
#define ROLLCAGE_HARNESS_PROGRESS_H_

#include <chrono>
#include <string>

namespace rollcage::harness {

class Progress {
 public:
  // budget_s: the run's budget (0: none); label: the command ("hunt", "nightly", ...).
  Progress(std::string label, double budget_s, double log_interval_s = 10);
  ~Progress();
  // Shows "label  elapsed/budget  <what>" (what: "1234 sequences, 0 findings").
  void Update(const std::string& what);
  // Prints a message on its own line (clearing the live line first).
  void Line(const std::string& message);
  // Clears the live line (call before printing results).
  void Done();
  double elapsed() const;
  bool tty() const { return tty_; }

 private:
  std::string label_;
  double budget_;
  double interval_;
  bool tty_;
  bool drawn_ = false;
  double last_log_ = -1e9;
  std::chrono::steady_clock::time_point start_;
};

std::string FormatSeconds(double s);  // "1m05s", "42.0s"

}  // namespace rollcage::harness

#endif  // ROLLCAGE_HARNESS_PROGRESS_H_
