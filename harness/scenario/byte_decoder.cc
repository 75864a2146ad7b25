#include "harness/scenario/byte_decoder.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "base/encoding.h"

namespace rollcage::harness {
namespace {

// ---------------------------------------------------------------------------------------------------
// Tables. Changing any of them changes what existing corpus files mean: bump kByteFormatVersion.

// No RSASHA256 (8) here: every new RSA key is a prime search (100+ ms), which would dominate the
// target's time. RSA signing and validation are fuzzed by the zone target (one cached key).
constexpr std::array<uint8_t, 4> kAlgorithms = {13, 13, 15, 13};
constexpr std::array<const char*, 4> kDenials = {"nsec3", "nsec", "nsec3-optout", "nsec3"};
constexpr std::array<int, 4> kHsmCounts = {0, 2, 3, 1};
// Policy choices; "" keeps the signer's default (no policy line).
constexpr std::array<const char*, 4> kZskLifetimes = {"", "1d", "3d", "10d"};
constexpr std::array<const char*, 4> kKskLifetimes = {"", "5d", "20d", "60d"};  // csk-lifetime for CSK policies
constexpr std::array<const char*, 4> kDnskeyTtls = {"", "5m", "1d", "2h"};
struct SignatureChoice {
  const char *validity, *refresh, *jitter;
};
// Refresh stays ≥ 4d: a signer clock a day behind plus a two-day HSM outage must still leave
// valid signatures in the served zone.
constexpr std::array<SignatureChoice, 4> kSignatureChoices = {
    SignatureChoice{"", "", ""}, {"6d", "4d", "12h"}, {"8d", "4d", "1d"}, {"21d", "7d", "12h"}};
constexpr std::array<const char*, 4> kPropagationDelays = {"", "1m", "30m", "1h"};
constexpr std::array<int64_t, 4> kPropagationSeconds = {300, 60, 1800, 3600};
constexpr std::array<const char*, 4> kParentDsTtls = {"", "1h", "2d", "5m"};
struct Nsec3Choice {
  const char *iterations, *salt;
};
constexpr std::array<Nsec3Choice, 4> kNsec3Choices = {Nsec3Choice{"", ""}, {"1", "ab"}, {"", "00ff"}, {"5", ""}};
constexpr std::array<const char*, 4> kOrigins = {"example.", "Ex-Ample.test.", "a.b.c.d.", "xn--bcher-kva.de."};

constexpr int64_t kInceptionOffset = 3600;  // the policy default; the decoder never changes it
constexpr int64_t kMaxAhead = kInceptionOffset / 2;
constexpr int64_t kMaxBehind = -86400;
constexpr int64_t kMaxForward = kInceptionOffset / 2;  // total forward movement of the signer's clock

enum class Kind {
  kAdd, kRemove, kRemoveRrset, kTtl, kDelegate, kUndelegate, kAdvance, kSkew, kJump, kPublishDelay,
  kDsDelay, kKeygen, kRollover, kAlgorithmRollover, kHsmFault, kHsmPresence, kCrash, kRestart,
};
// The low 5 bits of an event's first byte pick its kind (weights = slots); the high 3 bits are a
// small parameter (record type, role, HSM, crash point, ...).
constexpr std::array<Kind, 32> kSlots = {
    Kind::kAdd, Kind::kAdd, Kind::kAdd, Kind::kAdd, Kind::kAdd, Kind::kAdd, Kind::kAdd, Kind::kAdd,
    Kind::kRemove, Kind::kRemoveRrset, Kind::kTtl, Kind::kDelegate, Kind::kDelegate, Kind::kUndelegate,
    Kind::kAdvance, Kind::kAdvance, Kind::kAdvance, Kind::kAdvance, Kind::kAdvance, Kind::kAdvance,
    Kind::kSkew, Kind::kJump, Kind::kPublishDelay, Kind::kDsDelay, Kind::kKeygen, Kind::kRollover,
    Kind::kRollover, Kind::kAlgorithmRollover, Kind::kHsmFault, Kind::kHsmPresence, Kind::kCrash, Kind::kRestart,
};

int ArgCount(Kind k) {
  switch (k) {
    case Kind::kAdd: case Kind::kRemove: case Kind::kTtl: return 2;
    case Kind::kKeygen: return 1;
    case Kind::kHsmFault: return 3;
    case Kind::kRollover: case Kind::kAlgorithmRollover: case Kind::kCrash: case Kind::kRestart:
      return 0;
    default: return 1;
  }
}

// Owner names, relative to the origin (labels leftmost first; "\\" escapes as in zone files).
// Chosen to stress canonical order, NSEC3, wildcards, occlusion below delegations and escapes.
const std::array<std::vector<std::string>, 32>& NameLabels() {
  static const std::array<std::vector<std::string>, 32> kNames = {{
      {}, {"www"}, {"mail"}, {"a"}, {"b"}, {"z"}, {"Www"}, {"WWW"},
      {"sub"}, {"x", "sub"}, {"ns1", "sub"}, {"deep", "a", "b"}, {"a", "b"}, {"*"}, {"*", "wild"}, {"x", "wild"},
      {"ns1"}, {"_tcp"}, {std::string(1, '\0')}, {"\xff"}, {"A\\B"}, {"yljkjljk"}, {"zABC"}, {std::string(63, 'l')},
      {"child"}, {"a", "child"}, {"deleg"}, {"x1"}, {"e"}, {"sp ace"}, {"semi;colon"}, {"q\"uote"},
  }};
  return kNames;
}
constexpr int kChildName = 24;  // "child": delegations of the apex or a wildcard go here

constexpr std::array<uint16_t, 8> kTypes = {dns::rrtype::kA,   dns::rrtype::kA,    dns::rrtype::kAAAA, dns::rrtype::kTXT,
                                           dns::rrtype::kMX,  dns::rrtype::kA,    dns::rrtype::kAAAA, dns::rrtype::kTXT};
constexpr std::array<uint32_t, 8> kTtls = {300, 60, 3600, 0, 86400, 7200, 600, 30};
constexpr std::array<int64_t, 32> kBoundaryDurations = {
    60,     300,     3599,    3600,    3601,    7200,    7500,    86400,   86401,   172800,  432000,
    1209600, 2592000, 1,      30,      600,     1800,    3900,    4200,    7800,    10800,   21600,
    43200,  43201,   259200,  345600,  604800,  864000,  950400,  1036800, 1296000, 2678400};
constexpr std::array<int64_t, 16> kSkews = {0,     -60,   -300,  -1800, -3600, -7200, -43200, -86400,
                                            60,    300,   900,   1740,  1800,  -600,  -3599,  -86399};
constexpr std::array<int64_t, 16> kJumps = {60,  300,  1800,  3600,  7200,  86400, -60,   -300,
                                            -1800, -3600, -7200, -86400, 43200, -43200, 900, -900};
constexpr std::array<int64_t, 8> kPublishDelays = {0, 30, 60, 120, 300, 600, 1800, 3600};
constexpr std::array<int64_t, 8> kDsDelays = {0, 3600, 86400, 172800, 604800, 300, 43200, 1209600};
constexpr std::array<KeyRole, 4> kRoles = {KeyRole::kZsk, KeyRole::kKsk, KeyRole::kCsk, KeyRole::kZsk};
constexpr std::array<uint8_t, 8> kRolloverAlgorithms = {13, 15, 13, 15, 13, 15, 13, 15};
constexpr std::array<const char*, 8> kCrashPoints = {"",     "keygen-intent", "keygen", "transition",
                                                     "after-transition", "sign", "", "transition"};
constexpr std::array<const char*, 16> kFaultFunctions = {
    "C_Sign",       "C_Sign",        "C_SignInit",      "C_GenerateKeyPair", "C_CreateObject",    "C_Login",
    "C_OpenSession", "C_FindObjects", "C_FindObjectsInit", "C_GetAttributeValue", "C_DestroyObject", "C_CloseSession",
    "C_Sign",       "C_GenerateKeyPair", "*",           "C_SignInit"};
constexpr std::array<const char*, 4> kProbabilities = {"0.1", "0.25", "0.5", "1"};
// Never `corrupt` (a flipped CKA_EC_POINT publishes a key nobody holds: not survivable), never a
// permanent `removed`.
constexpr std::array<const char*, 16> kFaultActions = {
    "rv CKR_DEVICE_ERROR",  "rv CKR_SESSION_HANDLE_INVALID", "rv CKR_DEVICE_REMOVED",
    "rv CKR_TOKEN_NOT_PRESENT", "rv CKR_GENERAL_ERROR",      "rv CKR_FUNCTION_FAILED",
    "rv CKR_DEVICE_MEMORY", "rv CKR_SESSION_CLOSED",         "succeed-but-report CKR_DEVICE_ERROR",
    "succeed-but-report CKR_GENERAL_ERROR", "latency 1ms",   "removed for",
    "rv CKR_DEVICE_ERROR",  "rv CKR_SESSION_HANDLE_INVALID", "succeed-but-report CKR_DEVICE_ERROR",
    "rv CKR_USER_NOT_LOGGED_IN"};

int64_t DurationOf(uint8_t b) {
  if (b < 32) return kBoundaryDurations[b];
  if (b < 160) return int64_t(b - 31) * 900;     // 15m .. 32h
  return int64_t(b - 159) * 21600;               // 6h .. 24d
}

// ---------------------------------------------------------------------------------------------------

struct Reader {
  std::string_view d;
  size_t p = 0;
  bool AtEnd() const { return p >= d.size(); }
  uint8_t U8() { return p < d.size() ? uint8_t(d[p++]) : 0; }
};

// What the decoder tracks while it reads events, to keep the bounds.
struct State {
  dns::Name origin;
  int hsms = 0;
  int64_t propagation = 300;
  int64_t offset = 0;    // the signer's clock minus true time
  int64_t forward = 0;   // how far the offset has moved forward in total

  // Moves the signer's clock offset toward `target` within the bounds, and returns the new offset.
  // Forward moves are budgeted over the whole run: a clock that jumps forward makes every interval
  // the signer measures from its own records (Ipub, Iret, DS settle) that much shorter, which only
  // the policy's one-hour safety margins absorb.
  int64_t MoveClock(int64_t target) {
    target = std::clamp(target, kMaxBehind, kMaxAhead);
    if (target > offset) {
      target = std::min(target, offset + (kMaxForward - forward));
      forward += target - offset;
    }
    offset = target;
    return offset;
  }
  int64_t advanced = 0;  // simulated time so far
  uint8_t algorithm = 13;
  bool rolled_algorithm = false;  // an algorithm rollover was asked for
  std::vector<dns::Name> delegated;  // delegations made so far
  std::shared_ptr<const std::array<dns::Name, 32>> table;  // shared: states are copied per trial
  const std::array<dns::Name, 32>& names() const { return *table; }

  void SetOrigin(const dns::Name& o) {
    origin = o;
    auto names = std::make_shared<std::array<dns::Name, 32>>();
    for (size_t i = 0; i < names->size(); ++i) {
      dns::Name n = o;
      const auto& labels = NameLabels()[i];
      for (auto it = labels.rbegin(); it != labels.rend(); ++it) {
        auto next = n.Prepend(*it);
        if (next.ok()) n = *next;
      }
      (*names)[i] = n;
    }
    table = std::move(names);
  }
};

dns::RR MakeRecord(const State& st, int name, uint16_t type, uint8_t value) {
  dns::RR rr;
  rr.owner = st.names()[size_t(name)];
  rr.type = type;
  rr.ttl = kTtls[value >> 5];
  int v = value & 31;
  switch (type) {
    case dns::rrtype::kA:
      rr.rdata = std::string("\xc0\x00\x02", 3) + char(v);
      break;
    case dns::rrtype::kAAAA:
      rr.rdata = std::string("\x20\x01\x0d\xb8", 4) + std::string(11, '\0') + char(v);
      break;
    case dns::rrtype::kTXT: {
      std::string t = "txt" + std::to_string(v);
      rr.rdata = std::string(1, char(t.size())) + t;
      break;
    }
    default:  // MX
      AppendU16(rr.rdata, uint16_t(v));
      rr.rdata += st.names()[2].wire();  // mail.<origin>
  }
  return rr;
}

struct Trigger {
  std::string text;
  bool repeating = false;
};

Trigger FaultTrigger(uint8_t tb) {
  unsigned n = tb >> 3;
  switch (tb & 7) {
    case 0: case 1: case 2: return {"call " + std::to_string(n + 1), false};
    case 3: {
      unsigned a = n % 8 + 1;
      return {"calls " + std::to_string(a) + "-" + std::to_string(a + n / 8 + 1), false};
    }
    case 4: return {"every " + std::to_string(n % 8 + 2), true};
    case 5: return {"after " + std::to_string(n), true};
    case 6: return {std::string("prob ") + kProbabilities[n & 3], true};
    default: return {"always", true};
  }
}

std::string FaultAction(uint8_t ab) {
  std::string action = kFaultActions[ab & 15];
  if (action == "removed for") action += " " + std::to_string((ab >> 4) + 1);
  return action;
}

// One chaos plan line: FUNCTION TRIGGER ACTION [max N] [then operation-active] (docs/fault-plan.md).
std::string FaultSpec(uint8_t fb, uint8_t tb, uint8_t ab) {
  std::string fn = kFaultFunctions[fb & 15];
  unsigned max = ((fb >> 4) & 7) + 1;
  bool op_active = (fb >> 7) != 0;
  Trigger trigger = FaultTrigger(tb);
  std::string action = FaultAction(ab);
  std::string spec = fn + " " + trigger.text + " " + action;
  if (trigger.repeating) spec += " max " + std::to_string(max);
  bool fails = action.rfind("rv ", 0) == 0 || action.rfind("succeed-but-report ", 0) == 0;
  if (op_active && fn == "C_Sign" && fails) spec += " then operation-active";
  return spec;
}

// Decodes one event of kind k from its parameter bits and arguments; nullopt when the event is
// dropped (HSM events without HSMs, advances past the time cap). Updates the state.
std::optional<Event> DecodeEvent(Kind k, uint8_t hi, const uint8_t* a, State* st) {
  auto name = [&](uint8_t b) { return int(b & 31); };
  switch (k) {
    case Kind::kAdd: return Event(AddRecord{MakeRecord(*st, name(a[0]), kTypes[hi], a[1])});
    case Kind::kRemove: return Event(RemoveRecord{MakeRecord(*st, name(a[0]), kTypes[hi], a[1])});
    case Kind::kRemoveRrset: return Event(RemoveRrset{st->names()[size_t(name(a[0]))], kTypes[hi]});
    case Kind::kTtl: return Event(SetTtl{st->names()[size_t(name(a[0]))], kTypes[hi], kTtls[a[1] & 7]});
    case Kind::kDelegate: {
      int n = name(a[0]);
      if (n == 0 || st->names()[size_t(n)].IsWildcard()) n = kChildName;
      const dns::Name& child = st->names()[size_t(n)];
      // No delegation above or below another: the DS of the lower one would sit below a zone cut
      // (an error of the unsigned zone, not of the signer: RFC 4035 §2.4).
      for (const auto& d : st->delegated) {
        if (!(d == child) && (d.IsSubdomainOf(child) || child.IsSubdomainOf(d))) return std::nullopt;
      }
      if (std::find(st->delegated.begin(), st->delegated.end(), child) == st->delegated.end()) {
        st->delegated.push_back(child);
      }
      return Event(Delegate{child, (hi & 1) != 0, (hi & 2) == 0});
    }
    case Kind::kUndelegate: {
      int n = name(a[0]);
      if (n == 0) n = kChildName;
      const dns::Name& child = st->names()[size_t(n)];
      std::erase_if(st->delegated, [&](const dns::Name& d) { return d.IsSubdomainOf(child); });
      return Event(Undelegate{child});
    }
    case Kind::kAdvance: {
      int64_t d = std::min(DurationOf(a[0]), kMaxDecodedAdvance - st->advanced);
      if (d <= 0) return std::nullopt;
      st->advanced += d;
      return Event(Advance{d});
    }
    case Kind::kSkew: {
      int64_t s = st->MoveClock(kSkews[a[0] & 15]);
      return Event(Skew{s});
    }
    case Kind::kJump: {
      int64_t before = st->offset;
      return Event(Jump{st->MoveClock(before + kJumps[a[0] & 15]) - before});
    }
    case Kind::kPublishDelay: return Event(PublishDelay{std::min(kPublishDelays[a[0] & 7], st->propagation)});
    case Kind::kDsDelay: return Event(DsDelay{kDsDelays[a[0] & 7]});
    case Kind::kKeygen:
      // `collide` searches for key material with a given tag: fast for ECDSA P-256 (a walk of
      // points), hours for RSA (one prime search per try), so only while the zone's keys are P-256.
      // Also rare (1 in 16): even for P-256 a new collision takes a tenth of a second or more.
      return Event(Keygen{kRoles[hi & 3], (a[0] & 15) == 15 && st->algorithm == 13 && !st->rolled_algorithm});
    case Kind::kAlgorithmRollover:
      if (kRolloverAlgorithms[hi] != st->algorithm) st->rolled_algorithm = true;
      return Event(AlgorithmRollover{kRolloverAlgorithms[hi]});
    case Kind::kRollover: return Event(Rollover{kRoles[hi & 3]});
    case Kind::kHsmFault:
      if (st->hsms == 0) return std::nullopt;
      return Event(HsmFault{int(hi % (st->hsms + 1)), FaultSpec(a[0], a[1], a[2])});
    case Kind::kHsmPresence: {
      if (st->hsms == 0) return std::nullopt;
      int h = int((a[0] >> 1) % (st->hsms + 1));
      if (a[0] & 1) return Event(HsmRestore{h});
      return Event(HsmRemove{h});
    }
    case Kind::kCrash: return Event(Crash{kCrashPoints[hi]});
    case Kind::kRestart: return Event(Restart{});
  }
  return std::nullopt;
}

// The header: 5 bytes (see docs/fuzzing.md).
Scenario DecodeHeader(const uint8_t h[5], State* st) {
  Scenario s;
  s.origin = *dns::Name::FromText(kOrigins[h[4] >> 6]);
  s.algorithm = kAlgorithms[h[0] & 3];
  s.denial = kDenials[(h[0] >> 2) & 3];
  s.hsms = kHsmCounts[(h[0] >> 4) & 3];
  bool csk = (h[0] >> 6) & 1;
  if (csk) s.policy["csk"] = "yes";
  if ((h[0] >> 7) & 1) s.policy["ksk-method"] = "double-ds";
  // 256 seeds: key material and signature jitter vary, while the costly derived material (colliding
  // keys) repeats often enough for the process-wide memo tables to pay off.
  s.seed = h[1];
  auto set = [&](const char* key, const char* value) {
    if (*value) s.policy[key] = value;
  };
  set("zsk-lifetime", kZskLifetimes[h[3] & 3]);
  set(csk ? "csk-lifetime" : "ksk-lifetime", kKskLifetimes[(h[3] >> 2) & 3]);
  set("dnskey-ttl", kDnskeyTtls[(h[3] >> 4) & 3]);
  const auto& sig = kSignatureChoices[h[3] >> 6];
  set("signature-validity", sig.validity);
  set("signature-refresh", sig.refresh);
  set("signature-jitter", sig.jitter);
  set("propagation-delay", kPropagationDelays[h[4] & 3]);
  set("parent-ds-ttl", kParentDsTtls[(h[4] >> 2) & 3]);
  if (s.denial != "nsec") {
    const auto& n3 = kNsec3Choices[(h[4] >> 4) & 3];
    set("nsec3-iterations", n3.iterations);
    set("nsec3-salt", n3.salt);
  }
  if (st) {  // the event decoder's state (its name table costs a few allocations)
    st->SetOrigin(s.origin);
    st->hsms = s.hsms;
    st->algorithm = s.algorithm;
    st->propagation = kPropagationSeconds[h[4] & 3];
  }
  return s;
}

bool ValidMutantName(std::string_view m) {
  if (m.empty() || m.size() > 64) return false;
  return std::all_of(m.begin(), m.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

// Splits off the envelope line; *mutant gets its mutant.
Result<std::string_view> StripEnvelope(std::string_view bytes, std::string* mutant) {
  if (bytes.substr(0, kEnvelopeMagic.size()) != kEnvelopeMagic) return bytes;
  size_t nl = bytes.find('\n');
  if (nl == std::string_view::npos) return BadInput("envelope line '#rollcage-fuzz ...' has no end of line");
  std::string_view line = bytes.substr(kEnvelopeMagic.size(), nl - kEnvelopeMagic.size());
  bool first = true;
  while (!line.empty()) {
    size_t sp = line.find(' ');
    std::string_view w = line.substr(0, sp);
    line = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
    if (w.empty()) continue;
    if (first) {
      if (w != std::to_string(kByteFormatVersion)) {
        return BadInput("envelope: unsupported byte format version '" + std::string(w) + "' (this rollcage reads " +
                        std::to_string(kByteFormatVersion) + ")");
      }
      first = false;
    } else if (w.substr(0, 7) == "mutant=") {
      std::string_view m = w.substr(7);
      if (!ValidMutantName(m)) return BadInput("envelope: bad mutant name '" + std::string(m) + "'");
      *mutant = std::string(m);
    } else {
      return BadInput("envelope: unknown field '" + std::string(w) + "'");
    }
  }
  if (first) return BadInput("envelope: no format version");
  return bytes.substr(nl + 1);
}

}  // namespace

std::string EnvelopeLine(const std::string& mutant) {
  if (mutant.empty()) return "";
  return std::string(kEnvelopeMagic) + std::to_string(kByteFormatVersion) + " mutant=" + mutant + "\n";
}

Result<Scenario> DecodeScenario(std::string_view bytes) {
  std::string mutant;
  RC_ASSIGN_OR_RETURN(std::string_view raw, StripEnvelope(bytes, &mutant));
  Reader r{raw};
  uint8_t h[5];
  for (auto& b : h) b = r.U8();
  State st;
  Scenario s = DecodeHeader(h, &st);
  s.mutant = mutant;
  while (!r.AtEnd() && s.events.size() < kMaxDecodedEvents) {
    uint8_t op = r.U8();
    Kind k = kSlots[op & 31];
    uint8_t args[3] = {0, 0, 0};
    for (int i = 0; i < ArgCount(k); ++i) args[i] = r.U8();
    if (auto e = DecodeEvent(k, uint8_t(op >> 5), args, &st)) s.events.push_back(std::move(*e));
  }
  return s;
}

namespace {

int FirstSlot(Kind k) {
  for (int i = 0; i < 32; ++i) {
    if (kSlots[size_t(i)] == k) return i;
  }
  return 0;
}

Kind KindOf(const Event& e) {
  static constexpr Kind kByIndex[] = {Kind::kAdd,      Kind::kRemove,       Kind::kRemoveRrset, Kind::kTtl,
                                      Kind::kDelegate, Kind::kUndelegate,   Kind::kAdvance,     Kind::kSkew,
                                      Kind::kJump,     Kind::kPublishDelay, Kind::kDsDelay,     Kind::kKeygen,
                                      Kind::kRollover, Kind::kAlgorithmRollover, Kind::kHsmFault, Kind::kHsmPresence,
                                      Kind::kHsmPresence, Kind::kCrash,     Kind::kRestart};
  return kByIndex[e.index()];
}

// The three argument bytes of an hsm-fault whose spec is `spec` (nullopt when none gives it). Each
// byte owns its own part of the text, so the parts are searched one after the other.
std::optional<std::array<uint8_t, 3>> FaultBytes(const std::string& spec) {
  size_t sp = spec.find(' ');
  if (sp == std::string::npos) return std::nullopt;
  std::string rest = spec.substr(sp + 1);
  for (int t = 0; t < 256; ++t) {
    std::string trig = FaultTrigger(uint8_t(t)).text + " ";
    if (rest.compare(0, trig.size(), trig) != 0) continue;
    for (int a = 0; a < 256; ++a) {
      std::string act = FaultAction(uint8_t(a));
      if (rest.compare(trig.size(), act.size(), act) != 0) continue;
      for (int f = 0; f < 256; ++f) {
        if (FaultSpec(uint8_t(f), uint8_t(t), uint8_t(a)) == spec) {
          return std::array<uint8_t, 3>{uint8_t(f), uint8_t(t), uint8_t(a)};
        }
      }
    }
  }
  return std::nullopt;
}

// Candidate (parameter bits, arguments) for an event: a few small searches per kind. The caller
// checks each candidate by decoding it.
std::vector<std::array<uint8_t, 4>> Candidates(const Event& e, const State& st) {
  std::vector<std::array<uint8_t, 4>> out;  // {hi, a0, a1, a2}
  auto name_bytes = [&](const dns::Name& n) {
    std::vector<uint8_t> v;
    for (int i = 0; i < 32; ++i) {
      if (st.names()[size_t(i)].wire() == n.wire()) v.push_back(uint8_t(i));
    }
    return v;
  };
  auto type_bits = [&](uint16_t t) {
    std::vector<uint8_t> v;
    for (int i = 0; i < 8; ++i) {
      if (kTypes[size_t(i)] == t) v.push_back(uint8_t(i));
    }
    return v;
  };
  auto all = [](int n) {
    std::vector<uint8_t> v;
    for (int i = 0; i < n; ++i) v.push_back(uint8_t(i));
    return v;
  };
  auto record = [&](const dns::RR& rr) {
    for (uint8_t n : name_bytes(rr.owner)) {
      for (uint8_t t : type_bits(rr.type)) {
        for (int v = 0; v < 256; ++v) {
          if (kTtls[size_t(v >> 5)] != rr.ttl) continue;
          dns::RR made = MakeRecord(st, n, rr.type, uint8_t(v));
          if (made.rdata == rr.rdata && made.ttl == rr.ttl) out.push_back({t, n, uint8_t(v), 0});
        }
      }
    }
  };
  switch (KindOf(e)) {
    case Kind::kAdd: record(std::get<AddRecord>(e).rr); break;
    case Kind::kRemove: record(std::get<RemoveRecord>(e).rr); break;
    case Kind::kRemoveRrset: {
      const auto& x = std::get<RemoveRrset>(e);
      for (uint8_t n : name_bytes(x.owner)) {
        for (uint8_t t : type_bits(x.type)) out.push_back({t, n, 0, 0});
      }
      break;
    }
    case Kind::kTtl: {
      const auto& x = std::get<SetTtl>(e);
      for (uint8_t n : name_bytes(x.owner)) {
        for (uint8_t t : type_bits(x.type)) {
          for (uint8_t v : all(8)) out.push_back({t, n, v, 0});
        }
      }
      break;
    }
    case Kind::kDelegate: case Kind::kUndelegate: {
      const dns::Name& child = e.index() == 4 ? std::get<Delegate>(e).child : std::get<Undelegate>(e).child;
      for (uint8_t n : name_bytes(child)) {
        for (uint8_t hi : all(4)) out.push_back({hi, n, 0, 0});
      }
      break;
    }
    case Kind::kHsmFault: {
      auto fb = FaultBytes(std::get<HsmFault>(e).spec);
      if (!fb) break;
      for (uint8_t hi : all(8)) out.push_back({hi, (*fb)[0], (*fb)[1], (*fb)[2]});
      break;
    }
    case Kind::kHsmPresence:
      for (uint8_t b : all(256)) out.push_back({0, b, 0, 0});
      break;
    case Kind::kKeygen:
      for (uint8_t hi : all(4)) {
        for (uint8_t b : {0, 15}) out.push_back({hi, b, 0, 0});
      }
      break;
    case Kind::kRollover: case Kind::kAlgorithmRollover: case Kind::kCrash: case Kind::kRestart:
      for (uint8_t hi : all(8)) out.push_back({hi, 0, 0, 0});
      break;
    default:  // one argument byte: durations, skew, jump, delays
      for (uint8_t b : all(256)) out.push_back({0, b, 0, 0});
  }
  return out;
}

}  // namespace

Result<std::string> EncodeScenario(const Scenario& s) {
  std::string out = EnvelopeLine(s.mutant);
  if (!s.mutant.empty() && !ValidMutantName(s.mutant)) return BadInput("mutant name '" + s.mutant + "' cannot be encoded");
  // Header: search each byte's fields, then confirm by decoding the whole header.
  uint8_t h[5] = {0, 0, 0, 0, 0};
  if (s.seed > 0xff) return BadInput("seed " + std::to_string(s.seed) + " is above 255 (the byte format has 8 bits)");
  h[1] = uint8_t(s.seed);
  // Each header byte owns its own fields: search them one after the other, then confirm.
  auto subset = [](const std::map<std::string, std::string>& m, std::initializer_list<const char*> keys) {
    std::map<std::string, std::string> out;
    for (const char* k : keys) {
      if (auto it = m.find(k); it != m.end()) out.insert(*it);
    }
    return out;
  };
  auto find_byte = [&](int index, const std::function<bool(const Scenario&)>& matches) {
    for (int b = 0; b < 256; ++b) {
      uint8_t probe[5];
      std::copy(h, h + 5, probe);
      probe[index] = uint8_t(b);
      if (matches(DecodeHeader(probe, nullptr))) {
        h[index] = uint8_t(b);
        return true;
      }
    }
    return false;
  };
  bool ok = find_byte(0, [&](const Scenario& d) {
    return d.algorithm == s.algorithm && d.denial == s.denial && d.hsms == s.hsms &&
           subset(d.policy, {"csk", "ksk-method"}) == subset(s.policy, {"csk", "ksk-method"});
  });
  ok = ok && find_byte(4, [&](const Scenario& d) {
    auto keys = {"propagation-delay", "parent-ds-ttl", "nsec3-iterations", "nsec3-salt"};
    return d.origin.wire() == s.origin.wire() && subset(d.policy, keys) == subset(s.policy, keys);
  });
  ok = ok && find_byte(3, [&](const Scenario& d) { return d.policy == s.policy; });
  State st;
  if (ok) {
    Scenario d = DecodeHeader(h, &st);
    ok = d.origin.wire() == s.origin.wire() && d.seed == s.seed && d.hsms == s.hsms && d.algorithm == s.algorithm &&
         d.denial == s.denial && d.policy == s.policy;
  }
  if (!ok) {
    return BadInput("header (origin " + s.origin.ToText() + ", hsms " + std::to_string(s.hsms) + ", algorithm " +
                    std::to_string(s.algorithm) + ", denial " + s.denial +
                    ", policy lines) is outside the byte language (docs/fuzzing.md)");
  }
  out.append(reinterpret_cast<const char*>(h), 5);
  for (size_t i = 0; i < s.events.size(); ++i) {
    const Event& e = s.events[i];
    if (i >= kMaxDecodedEvents) return BadInput("more than " + std::to_string(kMaxDecodedEvents) + " events");
    Kind k = KindOf(e);
    int slot = FirstSlot(k);
    std::string want = PrintEvent(e);
    bool found = false;
    for (auto c : Candidates(e, st)) {
      uint8_t args[3] = {c[1], c[2], c[3]};
      State trial = st;
      auto d = DecodeEvent(k, c[0], args, &trial);
      if (d && PrintEvent(*d) == want && d->index() == e.index()) {
        out.push_back(char(uint8_t(slot | (c[0] << 5))));
        out.append(reinterpret_cast<const char*>(args), size_t(ArgCount(k)));
        st = trial;
        found = true;
        break;
      }
    }
    if (!found) return BadInput("event " + std::to_string(i + 1) + " '" + want + "' is outside the byte language (docs/fuzzing.md)");
  }
  return out;
}

}  // namespace rollcage::harness
