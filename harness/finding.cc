#include "harness/finding.h"

namespace rollcage::harness {

std::string FormatFinding(const Finding& f) {
  std::string out = FormatTimeIso(f.at) + " " + f.severity + " " + f.cls;
  if (f.zone_version > 0) out += " (zone v" + std::to_string(f.zone_version) + ")";
  if (!f.owner.empty()) out += " " + f.owner;
  if (!f.type.empty()) out += " " + f.type;
  if (!f.detail.empty()) out += ": " + f.detail;
  return out;
}

}  // namespace rollcage::harness
