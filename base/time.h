// Time as data: rollcage passes `now` explicitly as UnixTime (seconds since the epoch, UTC).
// RealClock::Now() is the only place that reads the system clock.
#ifndef ROLLCAGE_BASE_TIME_H_
#define ROLLCAGE_BASE_TIME_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace rollcage {

using UnixTime = int64_t;

// Parses "20260505120000" (YYYYMMDDHHmmSS, as in RRSIG text), "2026-05-05T12:00:00Z",
// "2026-05-05" or plain seconds since the epoch ("1778000000").
Result<UnixTime> ParseTime(std::string_view text);
std::string FormatTimeIso(UnixTime t);      // 2026-05-05T12:00:00Z
std::string FormatTimeCompact(UnixTime t);  // 20260505120000

// RFC 4034 §3.1.5 serial number arithmetic: the 32-bit RRSIG field value nearest to `reference`.
UnixTime ExpandRrsigTime(uint32_t field, UnixTime reference);

struct RealClock {
  static UnixTime Now();
};

}  // namespace rollcage

#endif  // ROLLCAGE_BASE_TIME_H_
