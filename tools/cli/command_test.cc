#include "tools/cli/command.h"

#include <gtest/gtest.h>

namespace rollcage::cli {
namespace {

Command Cmd() {
  Command c;
  c.name = "t";
  c.usage = "ZONE";
  c.flags = {{"origin", "NAME", "zone origin"}, {"json", "", "json output"},
             {"ds", "FILE", "DS file", true}};
  c.min_positional = 1;
  c.max_positional = 1;
  return c;
}

TEST(Parse, FlagsValuesAndPositionals) {
  auto a = Parse(Cmd(), {"z.zone", "--origin", "ex.", "--json", "--ds=a", "--ds", "b"});
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->positional(), std::vector<std::string>{"z.zone"});
  EXPECT_EQ(a->Get("origin"), "ex.");
  EXPECT_TRUE(a->Has("json"));
  EXPECT_EQ(a->GetAll("ds"), (std::vector<std::string>{"a", "b"}));
}

TEST(Parse, UsageErrorsNameTheArgument) {
  auto unknown = Parse(Cmd(), {"z", "--bogus"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().kind(), ErrorKind::kUsage);
  EXPECT_NE(unknown.status().message().find("--bogus"), std::string::npos);
  EXPECT_FALSE(Parse(Cmd(), {"z", "--origin"}).ok());
  EXPECT_FALSE(Parse(Cmd(), {}).ok());
  EXPECT_FALSE(Parse(Cmd(), {"a", "b"}).ok());
  EXPECT_FALSE(Parse(Cmd(), {"a", "--origin", "x", "--origin", "y"}).ok());
  EXPECT_FALSE(Parse(Cmd(), {"a", "--json=1"}).ok());
}

TEST(Duration, Units) {
  EXPECT_EQ(*ParseDuration("400d"), 400 * 86400);
  EXPECT_EQ(*ParseDuration("90"), 90);
  EXPECT_EQ(*ParseDuration("2h"), 7200);
  EXPECT_FALSE(ParseDuration("5y").ok());
  EXPECT_FALSE(ParseDuration("x").ok());
  EXPECT_FALSE(ParseDuration("-3").ok());
}

}  // namespace
}  // namespace rollcage::cli
