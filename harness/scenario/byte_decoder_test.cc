#include "harness/scenario/byte_decoder.h"

#include <gtest/gtest.h>

#include <random>

#include "harness/faults/pkcs11/fault_plan.h"
#include "signer-under-test/kasp/policy.h"

namespace rollcage::harness {
namespace {

std::string RandomBytes(std::mt19937_64& rng, size_t max_len) {
  std::string s(rng() % (max_len + 1), '\0');
  for (auto& c : s) c = char(rng());
  return s;
}

TEST(ByteDecoder, EmptyInputIsTheDefaultScenario) {
  auto s = DecodeScenario("");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->origin.ToText(), "example.");
  EXPECT_EQ(s->hsms, 0);
  EXPECT_EQ(s->algorithm, 13);
  EXPECT_EQ(s->denial, "nsec3");
  EXPECT_TRUE(s->policy.empty());
  EXPECT_TRUE(s->events.empty());
  EXPECT_TRUE(s->mutant.empty());
}

TEST(ByteDecoder, ReadsEventsFromBytes) {
  // Header: all defaults, seed 7; then "add www A" (slot 0, type bits 0), "advance 1d" (slot 14,
  // byte 7 = 86400 s), "rollover ksk" (slot 25, role bits 1).
  std::string b("\x00\x07\x00\x00\x00", 5);
  b += std::string("\x00\x01\x05", 3);
  b += std::string("\x0e\x07", 2);
  b += char(25 | (1 << 5));
  auto s = DecodeScenario(b);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->seed, 7u);
  ASSERT_EQ(s->events.size(), 3u);
  EXPECT_EQ(PrintEvent(s->events[0]), "add www.example. 300 IN A 192.0.2.5");
  EXPECT_EQ(PrintEvent(s->events[1]), "advance 1d");
  EXPECT_EQ(PrintEvent(s->events[2]), "rollover ksk");
}

// The bounds of the header comment hold for every input, the text codec reads back what the
// decoder makes, and the encoder inverts the decoder.
TEST(ByteDecoder, RandomInputsStayInBoundsAndRoundTrip) {
  std::mt19937_64 rng(12345);
  int with_hsm_faults = 0, with_events = 0;
  for (int i = 0; i < 800; ++i) {
    std::string bytes = RandomBytes(rng, i % 3 == 0 ? 400 : 60);
    auto s = DecodeScenario(bytes);
    ASSERT_TRUE(s.ok()) << s.status().message();
    ASSERT_LE(s->events.size(), kMaxDecodedEvents);
    with_events += !s->events.empty();
    // The policy is one the signer accepts.
    signer::kasp::Policy p;
    p.algorithm = s->algorithm;
    p.denial = s->denial;
    Status ps = p.Apply(s->policy);
    ASSERT_TRUE(ps.ok()) << ps.message();
    int64_t offset = 0, advanced = 0, forward = 0;
    for (const auto& e : s->events) {
      int64_t before = offset;
      if (auto* x = std::get_if<Skew>(&e)) offset = x->seconds;
      if (auto* x = std::get_if<Jump>(&e)) offset += x->seconds;
      forward += std::max<int64_t>(0, offset - before);
      ASSERT_LE(forward, p.inception_offset / 2) << Print(*s);
      ASSERT_LE(offset, p.inception_offset / 2) << Print(*s);
      ASSERT_GE(offset, -86400) << Print(*s);
      if (auto* x = std::get_if<Advance>(&e)) advanced += x->seconds;
      if (auto* x = std::get_if<PublishDelay>(&e)) {
        ASSERT_LE(x->seconds, p.propagation_delay);
      }
      if (auto* x = std::get_if<HsmFault>(&e)) {
        ++with_hsm_faults;
        ASSERT_GE(s->hsms, 1);
        ASSERT_LE(x->hsm, s->hsms);
        auto plan = faults::ParseFaultPlan(x->spec + "\n", "fault");
        ASSERT_TRUE(plan.ok()) << x->spec << ": " << plan.status().message();
        EXPECT_EQ(x->spec.find("corrupt"), std::string::npos);
        for (const char* rep : {" every ", " after ", " prob ", " always "}) {
          if (x->spec.find(rep) != std::string::npos) {
            EXPECT_NE(x->spec.find(" max "), std::string::npos) << x->spec;
          }
        }
      }
      if (s->hsms == 0) {
        ASSERT_FALSE(std::holds_alternative<HsmRemove>(e) || std::holds_alternative<HsmRestore>(e));
      }
    }
    ASSERT_LE(advanced, kMaxDecodedAdvance);
    // Text codec.
    auto text = Parse(Print(*s), "printed");
    ASSERT_TRUE(text.ok()) << text.status().message() << "\n" << Print(*s);
    ASSERT_TRUE(*text == *s) << Print(*s);
    // Encoder.
    auto enc = EncodeScenario(*s);
    ASSERT_TRUE(enc.ok()) << enc.status().message() << "\n" << Print(*s);
    auto again = DecodeScenario(*enc);
    ASSERT_TRUE(again.ok());
    ASSERT_TRUE(*again == *s) << Print(*s) << "\n---\n" << Print(*again);
  }
  EXPECT_GT(with_hsm_faults, 30);
  EXPECT_GT(with_events, 500);
}

TEST(ByteDecoder, EnvelopeCarriesTheMutant) {
  Scenario s;
  s.hsms = 2;
  s.mutant = "per-hsm-keypair";
  s.events.push_back(Advance{86400});
  auto enc = EncodeScenario(s);
  ASSERT_TRUE(enc.ok()) << enc.status().message();
  EXPECT_EQ(enc->rfind("#rollcage-fuzz 1 mutant=per-hsm-keypair\n", 0), 0u);
  auto d = DecodeScenario(*enc);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(*d == s) << Print(*d);
  // Raw bytes after the envelope decode exactly as without it.
  auto raw = DecodeScenario(enc->substr(enc->find('\n') + 1));
  ASSERT_TRUE(raw.ok());
  EXPECT_TRUE(raw->mutant.empty());
  EXPECT_EQ(raw->events.size(), 1u);
}

TEST(ByteDecoder, BadEnvelopesAreBadInput) {
  for (std::string bad : {"#rollcage-fuzz 1 mutant=x", "#rollcage-fuzz 2 mutant=x\n", "#rollcage-fuzz 1 colour=red\n",
                          "#rollcage-fuzz 1 mutant=Bad/Name\n", "#rollcage-fuzz \n"}) {
    auto d = DecodeScenario(bad);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.status().kind(), ErrorKind::kBadInput);
    EXPECT_NE(d.status().message().find("envelope"), std::string::npos) << d.status().message();
  }
}

TEST(ByteDecoder, EncoderNamesWhatIsOutsideTheLanguage) {
  auto s = Parse(R"(rollcage-scenario 1
origin example.
seed 3
hsms 0
algorithm 13
denial nsec
events
add www 300 A 192.0.2.1
add unusual-name 300 A 192.0.2.1
)");
  ASSERT_TRUE(s.ok());
  auto enc = EncodeScenario(*s);
  ASSERT_FALSE(enc.ok());
  EXPECT_NE(enc.status().message().find("event 2"), std::string::npos) << enc.status().message();
  s->events.pop_back();
  s->policy["zsk-lifetime"] = "17d";
  enc = EncodeScenario(*s);
  ASSERT_FALSE(enc.ok());
  EXPECT_NE(enc.status().message().find("header"), std::string::npos) << enc.status().message();
  s->policy.erase("zsk-lifetime");
  s->seed = 256;
  EXPECT_FALSE(EncodeScenario(*s).ok());
}

TEST(ByteDecoder, ClampsClockFaults) {
  // skew +1h asked (kSkews has no +1h; jumps of +1d are clamped to the bound).
  std::string b(5, '\0');
  b += std::string("\x15\x05", 2);  // jump +1d (slot 21, kJumps[5])
  b += std::string("\x15\x05", 2);
  b += std::string("\x14\x07", 2);  // skew -1d (kSkews[7])
  b += std::string("\x14\x00", 2);  // skew 0: forward again, but the budget is spent
  auto s = DecodeScenario(b);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->events.size(), 4u);
  EXPECT_EQ(PrintEvent(s->events[0]), "jump +30m");
  EXPECT_EQ(PrintEvent(s->events[1]), "jump +0s");
  EXPECT_EQ(PrintEvent(s->events[2]), "skew -1d");
  EXPECT_EQ(PrintEvent(s->events[3]), "skew -1d");
}

}  // namespace
}  // namespace rollcage::harness
