#include "base/time.h"

#include <gtest/gtest.h>

namespace rollcage {
namespace {

TEST(Time, ParsesFormats) {
  EXPECT_EQ(*ParseTime("19700101000000"), 0);
  EXPECT_EQ(*ParseTime("20260505120000"), 1777982400);
  EXPECT_EQ(*ParseTime("2026-05-05T12:00:00Z"), 1777982400);
  EXPECT_EQ(*ParseTime("2026-05-05"), 1777939200);
  EXPECT_EQ(*ParseTime("1777982400"), 1777982400);
  EXPECT_EQ(FormatTimeIso(1777982400), "2026-05-05T12:00:00Z");
  EXPECT_EQ(FormatTimeCompact(1777982400), "20260505120000");
  EXPECT_FALSE(ParseTime("tomorrow").ok());
  EXPECT_FALSE(ParseTime("20261305120000").ok());
  EXPECT_FALSE(ParseTime("2026-05-05T12:00").ok());
}

TEST(Time, RrsigSerialArithmetic) {
  UnixTime now = 1777982400;
  EXPECT_EQ(ExpandRrsigTime(uint32_t(now + 100), now), now + 100);
  UnixTime far = (1LL << 32) + 1000;  // after the 2106 wrap
  EXPECT_EQ(ExpandRrsigTime(uint32_t(far), far - 5000), far);
}

}  // namespace
}  // namespace rollcage
