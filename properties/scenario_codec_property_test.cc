// Property: the scenario text format is exact — Parse(Print(s)) == s for every scenario.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "harness/scenario/scenario.h"
#include "properties/generators.h"

namespace rollcage::properties {
namespace {

TEST(ScenarioCodecProperty, ParsePrintRoundTrip) {
  EXPECT_TRUE(rc::check("Parse(Print(s)) == s", [] {
    harness::Scenario s = *GenScenario();
    std::string text = harness::Print(s);
    auto back = harness::Parse(text, "<generated>");
    RC_ASSERT(back.ok());
    RC_ASSERT(*back == s);
    RC_ASSERT(harness::Print(*back) == text);
  }));
}

TEST(ScenarioCodecProperty, EveryLineOfAPrintedScenarioParsesAlone) {
  EXPECT_TRUE(rc::check("each event line parses to the same event", [] {
    dns::Name origin = *dns::Name::FromText("example.");
    harness::Event e = *GenEvent(origin, 3);
    auto back = harness::ParseEvent(harness::PrintEvent(e), origin);
    RC_ASSERT(back.ok());
    RC_ASSERT(*back == e);
  }));
}

}  // namespace
}  // namespace rollcage::properties
