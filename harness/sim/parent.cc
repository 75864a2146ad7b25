#include "harness/sim/parent.h"

#include <algorithm>

namespace rollcage::harness {
namespace {

std::vector<std::string> Key(const std::vector<dns::RR>& ds) {
  std::vector<std::string> k;
  for (const auto& r : ds) k.push_back(r.rdata);
  std::sort(k.begin(), k.end());
  return k;
}

}  // namespace

void SimParent::Submit(std::vector<dns::RR> ds, UnixTime now) {
  for (auto& r : ds) r.ttl = ds_ttl_;
  pending_ = std::make_pair(now + delay_, std::move(ds));
}

std::optional<UnixTime> SimParent::NextDue() const {
  if (!pending_) return std::nullopt;
  return pending_->first;
}

bool SimParent::Update(UnixTime now) {
  if (!pending_ || pending_->first > now) return false;
  auto ds = std::move(pending_->second);
  UnixTime at = pending_->first;
  pending_.reset();
  if (HasPublished() && Key(ds) == Key(current_)) return false;
  current_ = ds;
  versions_.push_back({at, std::move(ds)});
  return true;
}

}  // namespace rollcage::harness
