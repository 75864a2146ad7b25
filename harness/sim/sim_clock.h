// SimClock: simulated true time plus the signer's view of it (skewed, jumping both ways), and a
// queue of timed actions ordered deterministically: by time, then priority, then insertion order.
#ifndef ROLLCAGE_HARNESS_SIM_SIM_CLOCK_H_
#define ROLLCAGE_HARNESS_SIM_SIM_CLOCK_H_

#include <cstdint>
#include <functional>
#include <queue>
#include <string>
#include <vector>

#include "base/time.h"

namespace rollcage::harness {

class SimClock {
 public:
  explicit SimClock(UnixTime start) : now_(start) {}

  UnixTime Now() const { return now_; }                     // true time
  UnixTime SignerNow() const { return now_ + offset_; }     // what the signer's clock reads
  int64_t offset() const { return offset_; }
  void SetSkew(int64_t seconds) { offset_ = seconds; }      // skew: absolute offset from true time
  void Jump(int64_t seconds) { offset_ += seconds; }        // jump: the signer's clock moves by seconds
  // Moves true time forward (never backward: true time is monotonic).
  void AdvanceTo(UnixTime t) {
    if (t > now_) now_ = t;
  }
  // The true time at which the signer's clock will read signer_time (for scheduling its wake-ups).
  UnixTime TrueTimeFor(UnixTime signer_time) const { return signer_time - offset_; }

 private:
  UnixTime now_;
  int64_t offset_ = 0;
};

// Timed actions in deterministic order. Ties in time are broken by priority (lower first), then by
// the order they were scheduled.
class EventQueue {
 public:
  struct Item {
    UnixTime time;
    int priority;
    uint64_t seq;
    std::string what;
    std::function<void()> action;
  };

  void Schedule(UnixTime time, int priority, std::string what, std::function<void()> action) {
    q_.push(Item{time, priority, next_seq_++, std::move(what), std::move(action)});
  }
  bool Empty() const { return q_.empty(); }
  UnixTime NextTime() const { return q_.top().time; }
  // Removes and returns the earliest item.
  Item Pop() {
    Item it = q_.top();
    q_.pop();
    return it;
  }
  size_t size() const { return q_.size(); }

 private:
  struct Later {
    bool operator()(const Item& a, const Item& b) const {
      if (a.time != b.time) return a.time > b.time;
      if (a.priority != b.priority) return a.priority > b.priority;
      return a.seq > b.seq;
    }
  };
  std::priority_queue<Item, std::vector<Item>, Later> q_;
  uint64_t next_seq_ = 0;
};

}  // namespace rollcage::harness

#endif  // ROLLCAGE_HARNESS_SIM_SIM_CLOCK_H_
