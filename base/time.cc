#include "base/time.h"
#include "base/hot.h"

#include <cctype>
#include <ctime>

namespace rollcage {
namespace {

// Days from civil date (proleptic Gregorian), H. Hinnant's algorithm.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

int64_t Num(std::string_view s) {
  int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

Result<UnixTime> FromFields(int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi, int64_t s,
                            std::string_view text) {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
    return BadInput("bad time '" + std::string(text) + "'");
  }
  return DaysFromCivil(y, unsigned(mo), unsigned(d)) * 86400 + h * 3600 + mi * 60 + s;
}

}  // namespace

Result<UnixTime> ParseTime(std::string_view t) {
  if (t.size() == 14 && AllDigits(t)) {
    return FromFields(Num(t.substr(0, 4)), Num(t.substr(4, 2)), Num(t.substr(6, 2)), Num(t.substr(8, 2)),
                      Num(t.substr(10, 2)), Num(t.substr(12, 2)), t);
  }
  if (AllDigits(t) && t.size() <= 12) return static_cast<UnixTime>(Num(t));
  // YYYY-MM-DD[THH:MM:SS[Z]]
  if (t.size() >= 10 && t[4] == '-' && t[7] == '-' && AllDigits(t.substr(0, 4)) && AllDigits(t.substr(5, 2)) &&
      AllDigits(t.substr(8, 2))) {
    int64_t h = 0, mi = 0, s = 0;
    if (t.size() > 10) {
      std::string_view rest = t.substr(10);
      if (!rest.empty() && rest.back() == 'Z') rest.remove_suffix(1);
      if (rest.size() != 9 || (rest[0] != 'T' && rest[0] != ' ') || rest[3] != ':' || rest[6] != ':' ||
          !AllDigits(rest.substr(1, 2)) || !AllDigits(rest.substr(4, 2)) || !AllDigits(rest.substr(7, 2))) {
        return BadInput("bad time '" + std::string(t) + "' (use 2026-05-05T12:00:00Z, 20260505120000 or epoch seconds)");
      }
      h = Num(rest.substr(1, 2));
      mi = Num(rest.substr(4, 2));
      s = Num(rest.substr(7, 2));
    }
    return FromFields(Num(t.substr(0, 4)), Num(t.substr(5, 2)), Num(t.substr(8, 2)), h, mi, s, t);
  }
  return BadInput("bad time '" + std::string(t) + "' (use 2026-05-05T12:00:00Z, 20260505120000 or epoch seconds)");
}

static std::tm ToTm(UnixTime t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return tm;
}

std::string FormatTimeIso(UnixTime t) {
  std::tm tm = ToTm(t);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string FormatTimeCompact(UnixTime t) {
  std::tm tm = ToTm(t);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
  return buf;
}

RC_HOT_LEAF UnixTime ExpandRrsigTime(uint32_t field, UnixTime reference) {
  // Choose the value congruent to field mod 2^32 closest to reference.
  int64_t base = reference - (reference & 0xffffffffLL);
  int64_t best = base + field;
  for (int64_t cand : {best - (1LL << 32), best + (1LL << 32)}) {
    if (std::llabs(cand - reference) < std::llabs(best - reference)) best = cand;
  }
  return best;
}

UnixTime RealClock::Now() { return static_cast<UnixTime>(std::time(nullptr)); }

}  // namespace rollcage
