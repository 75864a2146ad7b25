// KeyManager: the key life cycle of the reference signer (KASP). It decides, from its policy, the
// signer's clock and what the parent serves, which keys exist, which are published in the DNSKEY
// RRset, which sign zone data and which sign the DNSKEY RRset, and which DS set the parent should
// serve — ZSK pre-publication (RFC 7583 §3.2), KSK double-KSK or double-DS (§3.3), CSK rollover and
// the conservative algorithm rollover of RFC 6781 §4.1.4.
//
// Crash safety: every transition is written to the state file (atomically) before it is acted on.
// A key is created in two steps — the intent (its serial) is persisted first, then the factory makes
// it; the factory derives key material from the serial, so a restart after a crash between the two
// makes the same key again and never a second key for a step already taken.
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_KASP_KEY_MANAGER_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_KASP_KEY_MANAGER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "signer-under-test/kasp/policy.h"
#include "signer-under-test/mutants/mutants.h"

namespace rollcage::signer::kasp {

enum class Role { kKsk, kZsk, kCsk };
const char* RoleName(Role r);

// One key and its life cycle, in the signer's clock. 0 means "not yet".
struct ManagedKey {
  int serial = 0;
  Role role = Role::kZsk;
  uint8_t algorithm = 13;
  std::string id;          // key store id; empty while the key is only an intent
  std::string public_key;  // the DNSKEY Public Key field
  bool standby = false;    // generated ahead (keygen event); becomes the next successor of its role
  bool collide = false;    // generated so its key tag equals another key's
  UnixTime created = 0, published = 0, removed = 0;
  UnixTime zone_active = 0, zone_retired = 0;      // signs zone data (ZSK, CSK)
  UnixTime dnskey_active = 0, dnskey_retired = 0;  // signs the DNSKEY RRset (KSK, CSK)
  UnixTime ds_submitted = 0, ds_withdrawn = 0, ds_seen = 0;

  uint16_t Flags() const { return role == Role::kZsk ? 256 : 257; }
  bool IsPublished() const { return published && !removed; }
  bool SignsZone() const { return zone_active && !zone_retired; }
  bool SignsDnskey() const { return dnskey_active && !dnskey_retired; }
  bool WantsDs() const { return ds_submitted && !ds_withdrawn; }
  bool Pending() const { return id.empty(); }
  bool operator==(const ManagedKey&) const = default;
};

// Makes keys for the manager. Create must be idempotent per serial: the same serial gives the same
// key (derived from the serial), so a retried creation after a crash never makes a second key.
class KeyFactory {
 public:
  virtual ~KeyFactory() = default;
  struct Made {
    std::string id;
    std::string public_key;
  };
  // `collide_with`: when set, the new key's key tag must equal the tag of that public key.
  virtual Result<Made> Create(int serial, Role role, uint8_t algorithm,
                              const std::optional<std::string>& collide_with) = 0;
  // The DS RDATA (SHA-256 digest) the parent should serve for a KSK/CSK.
  virtual std::string DsRdata(uint8_t algorithm, uint16_t flags, const std::string& public_key) = 0;
};

struct KeyManagerOptions {
  std::string state_path;  // the state file; empty: in memory only
  // Crash points: asked at each named point; returning true makes Step stop there with a
  // kInternal status "crash at POINT", as if the process died (what was persisted stays).
  std::function<bool(const std::string& point)> crash_at;
  mutants::Switches mutants;  // planted bugs (off by default)
};

class KeyManager {
 public:
  // Opens the manager, loading the state file when it exists (kBadInput when it is corrupt).
  static Result<KeyManager> Open(Policy policy, KeyFactory* factory, KeyManagerOptions options);

  // Performs every transition due at signer time `now`. parent_ds: the DS RDATAs the parent serves
  // now (as the signer observes them). max_zone_ttl: the largest TTL in the zone (for Iret).
  Status Step(UnixTime now, const std::vector<std::string>& parent_ds, uint32_t max_zone_ttl);

  // A transition takes effect when a zone reflecting it is published, not when it is decided: the
  // signer may die in between (found by the crash property). Step records the times it set as
  // provisional and takes no further step until the signer reports the zone published here; their
  // times then become `now`, so every interval (Ipub, Iret) counts from real publication.
  Status ConfirmPublished(UnixTime now);
  bool HasUnconfirmed() const { return !state_.unconfirmed.empty(); }

  // Requests (scenario events): roll a role now; roll to another algorithm; generate a standby key.
  Status RequestRollover(Role role, UnixTime now);
  Status RequestAlgorithmRollover(uint8_t algorithm, UnixTime now);
  Status AddStandby(Role role, bool collide, UnixTime now);

  const std::vector<ManagedKey>& keys() const { return state_.keys; }
  // The DS RDATAs the parent should serve now.
  std::vector<std::string> DesiredDs() const;
  // The next signer time at which Step may change something (a deadline or a parent poll).
  UnixTime NextEvent(UnixTime now) const;
  const Policy& policy() const { return policy_; }
  uint8_t current_algorithm() const { return state_.algorithm; }
  std::string Describe() const;  // one line per key, for logs and repro output
  static std::string DescribeKeys(const std::vector<ManagedKey>& keys);
  // What a key's line of Describe shows, without allocating: equal summaries describe alike.
  struct KeySummary {
    int serial = 0;
    Role role = Role::kZsk;
    uint8_t algorithm = 0;
    uint8_t id_len = 0;  // 0: pending
    char id[12] = {};    // the id's first 12 characters
    bool standby = false, published = false, signs_zone = false, signs_dnskey = false, ds = false, removed = false;
    bool operator==(const KeySummary&) const = default;
  };
  static void Summarize(const std::vector<ManagedKey>& keys, std::vector<KeySummary>* out);  // replaces *out
  static std::string DescribeKeys(const std::vector<KeySummary>& keys);

  struct State {
    int next_serial = 1;
    uint8_t algorithm = 13;
    UnixTime first_created = 0;
    bool zsk_requested = false, ksk_requested = false, csk_requested = false;
    uint8_t alg_target = 0;
    std::string alg_phase;  // "", sign, publish, ds, remove, done
    UnixTime alg_since = 0;
    // The largest TTL resolvers may still hold (RFC 7583 TTLsig): after a TTL is lowered, the old,
    // larger TTL counts until RRsets served with it have expired from caches (found by the crash
    // property: a ZSK removed Iret after a TTL drop, while the RRset with the old TTL was cached).
    uint32_t max_zone_ttl = 0;
    UnixTime max_zone_ttl_seen = 0;  // when an RRset with max_zone_ttl was last served
    bool max_zone_ttl_dropping = false;
    std::vector<ManagedKey> keys;
    std::vector<std::pair<int, std::string>> unconfirmed;  // (key serial, field) set but not yet published
    bool operator==(const State&) const = default;
  };
  const State& state() const { return state_; }

 private:
  KeyManager(Policy p, KeyFactory* f, KeyManagerOptions o) : policy_(std::move(p)), factory_(f), options_(std::move(o)) {}
  Status Save();
  Status Crash(const std::string& point);
  Status StepInner(UnixTime now, const std::vector<std::string>& parent_ds, uint32_t max_zone_ttl);
  // Persists the intent, makes the key, persists it again; returns its index in state_.keys.
  Result<size_t> NewKey(Role role, uint8_t algorithm, UnixTime now, bool standby, bool collide);
  Status FinishPending(UnixTime now);
  Status StepZsk(UnixTime now);
  Status StepKsk(UnixTime now);
  Status StepCsk(UnixTime now);
  Status StepAlgorithm(UnixTime now);
  void ObserveParent(UnixTime now, const std::vector<std::string>& parent_ds);
  std::optional<size_t> Current(Role role, uint8_t algorithm) const;
  std::optional<size_t> Successor(Role role, uint8_t algorithm) const;
  std::optional<size_t> Standby(Role role, uint8_t algorithm) const;

  Policy policy_;
  KeyFactory* factory_;
  KeyManagerOptions options_;
  std::optional<State> saved_;  // what the state file holds (as last written or read)
  std::vector<std::pair<ManagedKey, std::string>> key_text_;  // each key's JSON as last written
  std::string state_text_;  // the state file's text as last written (a buffer reused by Save)
  std::vector<std::pair<int, unsigned>> timed_before_;  // Step's scratch: (serial, timed fields set)
  State state_;
};

}  // namespace rollcage::signer::kasp

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_KASP_KEY_MANAGER_H_
