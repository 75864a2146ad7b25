#include "base/ckr.h"

#include <gtest/gtest.h>

namespace rollcage {
namespace {

TEST(Ckr, NamesAndBack) {
  EXPECT_EQ(CkrName(0x30), "CKR_DEVICE_ERROR");
  EXPECT_EQ(CkrName(0), "CKR_OK");
  EXPECT_EQ(*CkrFromName("CKR_PIN_INCORRECT"), 0xA0ul);
  EXPECT_EQ(*CkrFromName("0x32"), 0x32ul);
  EXPECT_FALSE(CkrFromName("CKR_NOPE").has_value());
  EXPECT_EQ(CkrName(0x7fff1234), "CKR_0x7FFF1234");
}

}  // namespace
}  // namespace rollcage
