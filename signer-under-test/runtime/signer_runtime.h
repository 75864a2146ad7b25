// SignerRuntime: the reference signer as a long-running process — its key manager (KASP), its key
// pool (HSMs), incremental re-signing and its persisted state. The executor (or a CLI loop) calls
// Tick with the signer's clock, the unsigned zone and the parent's DS RRset; Tick decides whether a
// new signed zone is due (zone change, key change, signatures to refresh) and what the parent
// should serve. It fails closed: when it cannot sign correctly it publishes nothing and says why.
// State lives in a directory (kasp.json, runtime.json); a runtime started on the same directory
// after a crash continues where the last one stopped.
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_RUNTIME_SIGNER_RUNTIME_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_RUNTIME_SIGNER_RUNTIME_H_

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "dns/rr.h"
#include "dns/zone.h"
#include "signer-under-test/kasp/key_manager.h"
#include "signer-under-test/kasp/policy.h"
#include "signer-under-test/mutants/mutants.h"
#include "signer-under-test/runtime/key_pool.h"
#include "signer-under-test/runtime/sign_memo.h"
#include "signer-under-test/zone_signer.h"

namespace rollcage::signer {

struct RuntimeOptions {
  dns::Name origin;
  kasp::Policy policy;
  std::string state_dir;   // created if missing
  uint64_t seed = 1;       // key material and signature jitter derive from it
  // Crash points ("keygen-intent", "keygen", "transition", "after-transition", "sign"): asked at
  // each; true makes the runtime stop there as if the process died.
  std::function<bool(const std::string&)> crash_at;
  std::set<std::string> mutants;  // planted bugs switched on by name (signer-under-test/mutants)
  int64_t retry_after_failure = 300;  // fail closed, then try again this much later
  // Zone signings remembered across runtimes (runtime/sign_memo.h; the fuzz targets share one per
  // process). Only with a deterministic, fault-free key store: the in-process OpenSSL store.
  SignMemo* sign_memo = nullptr;
};

struct RuntimeTick {
  std::optional<dns::Zone> zone;                   // a new signed zone to publish
  std::optional<std::vector<dns::RR>> ds_request;  // the DS RRset to ask the parent for, when it changed
  UnixTime next_wakeup = 0;
  std::vector<std::string> notes;
  bool refused = false;  // failed closed
  std::string refusal;
  bool crashed = false;  // stopped at a crash point
  size_t signatures = 0, reused = 0;
};

class SignerRuntime {
 public:
  // Starts on the state directory with the given pool (the pool outlives runtimes: HSMs survive a
  // signer crash). kBadInput when the persisted state is corrupt.
  static Result<std::unique_ptr<SignerRuntime>> Start(RuntimeOptions options, KeyPool* pool);
  ~SignerRuntime();

  Result<RuntimeTick> Tick(UnixTime now, const dns::Zone& unsigned_zone, const std::vector<dns::RR>& parent_ds,
                           uint32_t served_serial);

  Status RequestRollover(kasp::Role role, UnixTime now) { return km_->RequestRollover(role, now); }
  Status RequestAlgorithmRollover(uint8_t alg, UnixTime now) { return km_->RequestAlgorithmRollover(alg, now); }
  Status AddStandby(kasp::Role role, bool collide, UnixTime now);

  const kasp::KeyManager& keys() const { return *km_; }
  const RuntimeOptions& options() const { return options_; }

 private:
  SignerRuntime(RuntimeOptions o, KeyPool* pool);
  class Factory;
  Status SaveState();
  std::vector<ZoneKey> ZoneKeys() const;

  RuntimeOptions options_;
  std::string origin_text_;  // options_.origin.ToText(), for key labels
  KeyPool* pool_;
  std::unique_ptr<Factory> factory_;
  std::unique_ptr<kasp::KeyManager> km_;
  // Incremental state (in memory only: a restarted signer re-signs everything once).
  SignatureCache cache_;
  std::string last_fingerprint_;
  // With RuntimeOptions::sign_memo: the memo key of the signing whose cache cache_ holds (zero:
  // empty), the fixed part of every key, and whether cache_ is still what that signing left.
  SignMemo::Key cache_digest_{};
  std::string memo_context_;
  bool memo_usable_ = true;
  // Scratch for Tick: the keys as Describe shows them before and after the key manager's step.
  std::vector<kasp::KeyManager::KeySummary> summary_before_, summary_after_;
  UnixTime next_refresh_ = 0;
  std::vector<std::string> last_ds_request_;
  bool ds_requested_ = false;
  // Persisted.
  uint32_t serial_ = 0;
  mutants::Switches mutants_;
  // For the nsec3-stale-after-delete mutant.
  std::optional<std::vector<dns::RR>> last_nsec3_;
  size_t last_unsigned_size_ = 0;
  std::vector<std::string> pending_notes_;  // from requests, reported with the next tick
};

}  // namespace rollcage::signer

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_RUNTIME_SIGNER_RUNTIME_H_
