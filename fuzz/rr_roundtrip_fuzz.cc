// Fuzz target: RR text and wire round trips through dns/ (ldns). Property: any record that reads
// from text prints to text that reads back to the same record, and its wire form reads back equal.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "dns/rr.h"
#include "fuzz/finding.h"

constexpr size_t LDNS_TOKEN_LIMIT = 255;  // ldns token buffer, NUL included

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using rollcage::dns::Name;
  using rollcage::dns::RR;
  if (size > 4096) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  static const Name origin = *Name::FromText("example.");
  auto rr = RR::FromText(text, origin);
  if (rr.ok()) {
    std::string printed = rr->ToText();
    // ldns reads at most 254 characters per name token (LDNS_MAX_DOMAINLEN): a valid name in RDATA
    // whose presentation form is longer (many \DDD escapes) prints but cannot be read back by ldns
    // or any tool built on it. A documented limit of the text format (docs/dns.md), not a defect.
    // (Owners are read by rollcage itself and have no such limit.)
    // ldns also prints '@' and '$' in names inside RDATA unescaped (docs/dns.md).
    size_t tab = printed.find('\t');
    if (tab == std::string::npos) {
      rollcage::fuzz::FuzzFinding("rr-unprintable", "'" + text + "'");
    }
    if (printed.find_first_of("@$", tab) != std::string::npos) return 0;
    for (size_t a = tab + 1, b; a < printed.size(); a = b + 1) {  // RDATA tokens
      b = printed.find_first_of("\t ", a);
      if (b == std::string::npos) b = printed.size();
      if (b - a >= LDNS_TOKEN_LIMIT) return 0;
    }
    auto again = RR::FromText(printed, origin);
    if (!again.ok() || !(*again == *rr)) {
      rollcage::fuzz::FuzzFinding("rr-text-roundtrip", "'" + text + "' -> '" + printed + "'");
    }
    std::string wire = rr->ToWire();
    size_t pos = 0;
    auto back = RR::ReadWire(wire, &pos);
    if (!back.ok() || !(*back == *rr) || pos != wire.size()) rollcage::fuzz::FuzzFinding("rr-wire-roundtrip", "'" + text + "'");
  }
  // Arbitrary bytes as wire: never a crash.
  size_t pos = 0;
  auto w = RR::ReadWire(std::string_view(reinterpret_cast<const char*>(data), size), &pos);
  if (w.ok()) (void)w->ToText();
  return 0;
}
