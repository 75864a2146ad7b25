// Scenario: one run of a signer as data — a header (zone origin, seed, HSM count, algorithm, denial
// mode, policy, mutant) and a sequence of events over simulated time. RapidCheck generates it, the
// fuzz target decodes it from bytes, a corpus file stores it as text (docs/scenario.md) and
// `rollcage repro` replays it. Print and Parse are exact inverses: Parse(Print(s)) == s.
#ifndef ROLLCAGE_HARNESS_SCENARIO_SCENARIO_H_
#define ROLLCAGE_HARNESS_SCENARIO_SCENARIO_H_

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "base/status.h"
#include "dns/name.h"
#include "dns/rr.h"

namespace rollcage::harness {

// Zone edits (the signer sees a new unsigned zone and must re-sign incrementally).
struct AddRecord { dns::RR rr; };                 // add www.example. 300 IN A 192.0.2.1
struct RemoveRecord { dns::RR rr; };              // remove www.example. 300 IN A 192.0.2.1
struct RemoveRrset { dns::Name owner; uint16_t type = 0; };  // remove-rrset www.example. A
struct SetTtl { dns::Name owner; uint16_t type = 0; uint32_t ttl = 0; };  // ttl www.example. A 600
// A delegation: NS ns1.<child> (plus glue A when in-bailiwick) and, with `ds`, a DS for a child key.
struct Delegate { dns::Name child; bool ds = false; bool glue = true; };
struct Undelegate { dns::Name child; };

// Time.
struct Advance { int64_t seconds = 0; };          // advance 1d: the signer runs on its schedule meanwhile
struct Skew { int64_t seconds = 0; };             // skew +1h: the signer's clock is this far from true time
struct Jump { int64_t seconds = 0; };             // jump -2h: the signer's clock jumps by this much
struct PublishDelay { int64_t seconds = 0; };     // publish-delay 30m: zone reaches resolvers this late
struct DsDelay { int64_t seconds = 0; };          // ds-delay 2d: the registrar updates the parent this late

// Keys.
enum class KeyRole { kZsk, kKsk, kCsk };
struct Keygen { KeyRole role = KeyRole::kZsk; bool collide = false; };  // keygen zsk [collide]
struct Rollover { KeyRole role = KeyRole::kZsk; };                      // rollover ksk
struct AlgorithmRollover { uint8_t algorithm = 13; };                   // rollover algorithm 15

// HSM faults, in the chaos module's plan syntax (docs/fault-plan.md), for one HSM (1-based) or all (0).
struct HsmFault { int hsm = 0; std::string spec; };  // hsm-fault 2 C_Sign call 1 rv CKR_DEVICE_ERROR
struct HsmRemove { int hsm = 0; };                     // hsm-remove 2
struct HsmRestore { int hsm = 0; };                    // hsm-restore 2

// Signer process faults.
struct Crash { std::string point; };  // crash [POINT]: now, or the next time the signer reaches POINT
struct Restart {};                    // restart: start the signer again from its state directory

using Event = std::variant<AddRecord, RemoveRecord, RemoveRrset, SetTtl, Delegate, Undelegate, Advance, Skew,
                           Jump, PublishDelay, DsDelay, Keygen, Rollover, AlgorithmRollover, HsmFault, HsmRemove,
                           HsmRestore, Crash, Restart>;

struct Scenario {
  dns::Name origin = *dns::Name::FromText("example.");
  uint64_t seed = 1;
  int hsms = 1;             // 0: in-process OpenSSL key store; N ≥ 1: N PKCS#11 tokens
  uint8_t algorithm = 13;
  std::string denial = "nsec3";  // nsec | nsec3 | nsec3-optout
  std::map<std::string, std::string> policy;  // KASP overrides: zsk-lifetime 30d, dnskey-ttl 1h, ...
  std::string mutant;       // empty: none
  std::vector<Event> events;

  bool operator==(const Scenario& o) const;
};

bool operator==(const Event& a, const Event& b);

std::string PrintEvent(const Event& e);
std::string Print(const Scenario& s);  // the text format of docs/scenario.md
// Parses the text format; errors name "source:line: what is wrong" (kBadInput).
Result<Scenario> Parse(std::string_view text, std::string_view source = "<scenario>");
Result<Event> ParseEvent(std::string_view line, const dns::Name& origin);

// Durations in the text format: 90s, 30m, 2h, 1d, 2w, and a sign for Skew/Jump (+1h, -30m).
std::string FormatDuration(int64_t seconds, bool with_sign = false);
Result<int64_t> ParseSignedDuration(std::string_view text);

const char* KeyRoleName(KeyRole r);

// Total simulated time the events advance.
int64_t TotalAdvance(const Scenario& s);

}  // namespace rollcage::harness

#endif  // ROLLCAGE_HARNESS_SCENARIO_SCENARIO_H_
