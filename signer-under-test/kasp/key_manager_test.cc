#include "signer-under-test/kasp/key_manager.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <deque>
#include <map>
#include <set>

#include "base/file.h"

namespace rollcage::signer::kasp {
namespace {

// Keys as plain strings: the factory counts how often each serial was made.
class FakeFactory : public KeyFactory {
 public:
  Result<Made> Create(int serial, Role role, uint8_t alg, const std::optional<std::string>& collide) override {
    made[serial]++;
    return Made{"id" + std::to_string(serial), "pub" + std::to_string(serial) + "/" + std::to_string(alg)};
  }
  std::string DsRdata(uint8_t, uint16_t, const std::string& pub) override { return "ds:" + pub; }
  std::map<int, int> made;
};

constexpr UnixTime kT0 = 1777982400;
constexpr int64_t kD = 86400;

std::string TmpFile(const std::string& name) {
  const char* t = std::getenv("TEST_TMPDIR");
  return std::string(t ? t : "/tmp") + "/" + name;
}

// Drives a manager through simulated time with a parent that applies DS changes after `delay`.
struct Driver {
  KeyManager m;
  int64_t delay = 3600;
  std::vector<std::string> parent;
  std::deque<std::pair<UnixTime, std::vector<std::string>>> pending;
  std::vector<std::string> last_submitted;
  UnixTime t = kT0;
  std::vector<std::pair<UnixTime, std::vector<ManagedKey>>> history;

  Status StepOnce() {
    while (!pending.empty() && pending.front().first <= t) {
      parent = pending.front().second;
      pending.pop_front();
    }
    Status s = m.Step(t, parent, 3600);
    if (!s.ok()) return s;
    RC_RETURN_IF_ERROR(m.ConfirmPublished(t));  // the signer publishes at once
    auto want = m.DesiredDs();
    if (want != last_submitted) {
      pending.push_back({t + delay, want});
      last_submitted = want;
    }
    history.push_back({t, m.keys()});
    return Status::Ok();
  }
  Status RunUntil(UnixTime end) {
    while (t < end) {
      RC_RETURN_IF_ERROR(StepOnce());
      // The signer also runs for other reasons (zone edits, re-signing): step at least hourly.
      UnixTime next = std::min(m.NextEvent(t), t + 3600);
      if (!pending.empty()) next = std::min(next, pending.front().first);
      t = next;
    }
    return Status::Ok();
  }
};

Driver MakeDriver(Policy p, FakeFactory* f, const std::string& state = "") {
  auto m = KeyManager::Open(p, f, {.state_path = state});
  EXPECT_TRUE(m.ok()) << m.status().message();
  return Driver{std::move(m).value()};
}

TEST(KeyManager, ZskPrePublicationTimingHolds) {
  FakeFactory f;
  Policy p;
  auto d = MakeDriver(p, &f);
  ASSERT_TRUE(d.RunUntil(kT0 + 45 * kD).ok());
  ASSERT_TRUE(d.m.RequestRollover(Role::kZsk, d.t).ok());  // an operator asks for a rollover now
  ASSERT_TRUE(d.RunUntil(kT0 + 200 * kD).ok());
  int zsks = 0;
  for (const auto& k : d.m.keys()) {
    if (k.role != Role::kZsk) continue;
    ++zsks;
    if (k.serial > 2 && k.zone_active) {
      EXPECT_GE(k.zone_active - k.published, p.Ipub()) << "ZSK " << k.serial << " used before it propagated";
    }
    if (k.removed) EXPECT_GE(k.removed - k.zone_retired, p.Iret(3600)) << "ZSK " << k.serial;
  }
  EXPECT_GE(zsks, 6);  // 200 days / 30-day lifetime
  // At every step exactly one ZSK signs zone data.
  for (const auto& [t, keys] : d.history) {
    int signing = 0;
    for (const auto& k : keys) signing += k.role == Role::kZsk && k.SignsZone();
    EXPECT_EQ(signing, 1) << FormatTimeIso(t);
  }
}

TEST(KeyManager, DoubleKskWaitsForTheParentAndTheDsTtl) {
  FakeFactory f;
  Policy p;
  p.ksk_lifetime = 60 * kD;
  auto d = MakeDriver(p, &f);
  d.delay = 3 * kD;  // a slow registrar
  ASSERT_TRUE(d.RunUntil(kT0 + 150 * kD).ok());
  int ksks = 0;
  for (const auto& k : d.m.keys()) {
    if (k.role != Role::kKsk) continue;
    ++ksks;
    if (k.serial > 1) {
      EXPECT_GE(k.ds_submitted - k.published, p.Ipub());
      EXPECT_GE(k.ds_seen - k.ds_submitted, 3 * kD);  // observed only once the parent served it
    }
  }
  EXPECT_GE(ksks, 3);
  for (const auto& k : d.m.keys()) {
    if (k.role == Role::kKsk && k.removed) {
      // The successor's DS was seen at least DsSettle before this KSK left.
      const ManagedKey* succ = nullptr;
      for (const auto& s : d.m.keys()) {
        if (s.role == Role::kKsk && s.serial > k.serial && (!succ || s.serial < succ->serial)) succ = &s;
      }
      ASSERT_NE(succ, nullptr);
      EXPECT_GE(k.removed - succ->ds_seen, p.DsSettle());
    }
  }
}

TEST(KeyManager, DoubleDsAndCskAndAlgorithmRolloversComplete) {
  for (std::string variant : {"double-ds", "csk", "algorithm"}) {
    FakeFactory f;
    Policy p;
    if (variant == "double-ds") {
      p.ksk_method = "double-ds";
      p.ksk_lifetime = 40 * kD;
    }
    if (variant == "csk") {
      p.csk = true;
      p.csk_lifetime = 40 * kD;
    }
    if (variant == "algorithm") {
      p.next_algorithm = 15;
      p.algorithm_rollover_at = 10 * kD;
      p.zsk_lifetime = 0;
      p.ksk_lifetime = 0;
    }
    auto d = MakeDriver(p, &f);
    ASSERT_TRUE(d.RunUntil(kT0 + 100 * kD).ok()) << variant;
    // Invariants at every step: something signs zone data and the DNSKEY RRset, and every key
    // that signs the DNSKEY RRset ... at least one published key signs it.
    for (const auto& [t, keys] : d.history) {
      bool zone = false, dnskey_pub = false;
      for (const auto& k : keys) {
        zone |= k.SignsZone() && (k.IsPublished() || variant == "algorithm");
        dnskey_pub |= k.SignsDnskey() && k.IsPublished();
      }
      EXPECT_TRUE(zone) << variant << " " << FormatTimeIso(t);
      EXPECT_TRUE(dnskey_pub) << variant << " " << FormatTimeIso(t);
    }
    if (variant == "algorithm") {
      EXPECT_EQ(d.m.current_algorithm(), 15);
      EXPECT_EQ(d.m.state().alg_phase, "done");
      for (const auto& k : d.m.keys()) {
        if (k.algorithm == 13) EXPECT_TRUE(k.removed) << k.serial;
      }
    } else {
      int removed = 0;
      for (const auto& k : d.m.keys()) removed += k.role != Role::kZsk && k.removed > 0;
      EXPECT_GE(removed, 1) << variant << "\n" << d.m.Describe();
    }
  }
}

TEST(KeyManager, CrashAtEveryPointNeverMakesASecondKey) {
  // Reference run without crashes.
  FakeFactory ref_f;
  Policy p;
  p.zsk_lifetime = 10 * kD;
  auto ref = MakeDriver(p, &ref_f);
  ASSERT_TRUE(ref.RunUntil(kT0 + 40 * kD).ok());
  size_t ref_keys = ref.m.keys().size();

  // The state on disk, and in memory (base/file.h "mem:" paths, as the scenario fuzz target keeps it).
  for (bool memory : {false, true}) {
  for (std::string point : {"keygen-intent", "keygen", "transition", "after-transition"}) {
    for (int nth : {1, 2, 3, 5, 8}) {
      FakeFactory f;
      std::string state = memory ? "mem:/kasp-crash-" + point + std::to_string(nth) + "/kasp.json"
                                 : TmpFile("kasp-crash-" + point + std::to_string(nth));
      std::remove(state.c_str());
      RemoveMemoryFiles(state);
      int hits = 0;
      KeyManagerOptions o{state, [&](const std::string& at) { return at == point && ++hits == nth; }};
      auto m = KeyManager::Open(p, &f, o);
      ASSERT_TRUE(m.ok());
      Driver d{std::move(m).value()};
      Status s = d.RunUntil(kT0 + 40 * kD);
      bool crashed = !s.ok();
      if (crashed) {
        EXPECT_NE(s.message().find("crash at " + point), std::string::npos) << s.message();
        // Restart from the state file and go on.
        auto again = KeyManager::Open(p, &f, {state, nullptr});
        ASSERT_TRUE(again.ok()) << again.status().message();
        d.m = std::move(again).value();
        ASSERT_TRUE(d.RunUntil(kT0 + 40 * kD).ok());
      }
      EXPECT_EQ(d.m.keys().size(), ref_keys) << point << " #" << nth << " memory " << memory << "\n" << d.m.Describe();
      for (const auto& [serial, n] : f.made) {
        (void)n;
        EXPECT_LE(serial, int(ref_keys)) << point << " #" << nth << " memory " << memory;
      }
      if (memory) EXPECT_TRUE(ReadFile(state).ok()) << "the state went to memory";
    }
  }
  }
}

// The state file reads back as the state that wrote it, at every point of an algorithm rollover
// (unconfirmed transitions, pending keys, the phase), with ids that need JSON escaping.
TEST(KeyManager, StateFileReadsBackAsWritten) {
  struct OddIds : FakeFactory {
    Result<Made> Create(int serial, Role role, uint8_t alg, const std::optional<std::string>& c) override {
      auto m = FakeFactory::Create(serial, role, alg, c);
      m->id = "k\"\\\n\x01/" + std::to_string(serial);
      return m;
    }
  } f;
  Policy p;
  p.next_algorithm = 15;
  p.algorithm_rollover_at = 10 * kD;
  p.zsk_lifetime = 20 * kD;
  std::string path = TmpFile("kasp-readback");
  std::remove(path.c_str());
  auto d = MakeDriver(p, &f, path);
  // Some observations (the parent's DS, when the largest TTL was last served) are kept in memory
  // only and observed again after a restart; so compare where the manager has just saved: after a
  // step that set transitions (saved with its unconfirmed list) and after their confirmation.
  auto expect_file_holds = [&](const char* when, int i) {
    auto again = KeyManager::Open(p, &f, {.state_path = path});
    ASSERT_TRUE(again.ok()) << again.status().message();
    EXPECT_TRUE(again->state() == d.m.state()) << when << " " << i << "\n" << d.m.Describe() << ReadFile(path).value();
  };
  int checked = 0;
  for (int i = 0; i < 400 && d.t < kT0 + 80 * kD; ++i) {
    ASSERT_TRUE(d.m.Step(d.t, d.parent, 3600).ok());
    if (d.m.HasUnconfirmed()) {
      expect_file_holds("after step", i);
      ASSERT_TRUE(d.m.ConfirmPublished(d.t).ok());
      expect_file_holds("after confirmation", i);
      ++checked;
    }
    d.parent = d.m.DesiredDs();
    d.t = std::min(d.m.NextEvent(d.t), d.t + 6 * 3600);
  }
  EXPECT_GE(checked, 5);
  EXPECT_EQ(d.m.state().alg_phase, "done") << d.m.Describe();
  EXPECT_NE(ReadFile(path).value().find("\"k\\\"\\\\\\u000a\\u0001/1\""), std::string::npos) << ReadFile(path).value();
}

TEST(KeyManager, CorruptStateIsAnErrorNotACrash) {
  FakeFactory f;
  std::string path = TmpFile("kasp-corrupt");
  for (std::string text : {"not json", "{}", "{\"format\":\"rollcage-kasp-state-1\"}", "[1,2]",
                           "{\"format\":\"rollcage-kasp-state-1\",\"next_serial\":\"x\"}"}) {
    ASSERT_TRUE(WriteFileAtomic(path, text).ok());
    auto m = KeyManager::Open(Policy{}, &f, {path, nullptr});
    ASSERT_FALSE(m.ok()) << text;
    EXPECT_EQ(m.status().kind(), ErrorKind::kBadInput);
  }
}

TEST(Policy, ParsesAndPrints) {
  auto p = Policy::Parse("# comment\nzsk-lifetime 20d\nalgorithm ED25519\ncsk yes\n", "p.conf");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->zsk_lifetime, 20 * kD);
  EXPECT_EQ(p->algorithm, 15);
  EXPECT_TRUE(p->csk);
  auto again = Policy::Parse(p->Print(), "printed");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->Print(), p->Print());
  auto bad = Policy::Parse("zsk-lifetime\n", "b.conf");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("b.conf:1:"), std::string::npos);
  EXPECT_FALSE(Policy::Parse("frob 1\n", "b").ok());
  EXPECT_FALSE(Policy::Parse("algorithm 5\n", "b").ok());
  EXPECT_FALSE(Policy::Parse("signature-refresh 30d\n", "b").ok());
}

}  // namespace
}  // namespace rollcage::signer::kasp
