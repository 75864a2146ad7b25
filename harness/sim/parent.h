// SimParent: the parent zone as the child's signer and resolvers see it. It holds the DS RRset for
// the child with its own TTL; a DS change the signer submits reaches the parent's zone after the
// registrar delay. Every change becomes a DS version of the timeline.
#ifndef ROLLCAGE_HARNESS_SIM_PARENT_H_
#define ROLLCAGE_HARNESS_SIM_PARENT_H_

#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "dns/rr.h"

namespace rollcage::harness {

class SimParent {
 public:
  struct Version {
    UnixTime published;
    std::vector<dns::RR> ds;
  };

  explicit SimParent(uint32_t ds_ttl = 86400) : ds_ttl_(ds_ttl) {}

  uint32_t ds_ttl() const { return ds_ttl_; }
  void set_registrar_delay(int64_t seconds) { delay_ = seconds; }
  int64_t registrar_delay() const { return delay_; }

  // The signer asks for this DS set at true time `now`; it is published at now + registrar delay.
  // A later submission replaces a pending one that has not been published yet.
  void Submit(std::vector<dns::RR> ds, UnixTime now);
  // Publishes pending submissions due by `now`; true when the published DS set changed.
  bool Update(UnixTime now);
  // When the next pending submission is due, if any.
  std::optional<UnixTime> NextDue() const;

  // What the parent serves at `now` (after Update): the DS RRs, TTL ds_ttl().
  const std::vector<dns::RR>& Current() const { return current_; }
  bool HasPublished() const { return !versions_.empty(); }
  const std::vector<Version>& versions() const { return versions_; }

 private:
  uint32_t ds_ttl_;
  int64_t delay_ = 0;
  std::vector<dns::RR> current_;
  std::optional<std::pair<UnixTime, std::vector<dns::RR>>> pending_;
  std::vector<Version> versions_;
};

}  // namespace rollcage::harness

#endif  // ROLLCAGE_HARNESS_SIM_PARENT_H_
