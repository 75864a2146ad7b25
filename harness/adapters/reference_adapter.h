// ReferenceAdapter: drives the reference signer (signer-under-test/runtime) in-process. With
// hsms = 0 keys live in an in-process OpenSSL store; with N ≥ 1 they live on N SoftHSM tokens
// ("hsm1".."hsmN") reached through the chaos PKCS#11 module, so scenarios can inject HSM faults.
// The pool (the HSMs) survives signer crashes; the runtime does not.
#ifndef ROLLCAGE_HARNESS_ADAPTERS_REFERENCE_ADAPTER_H_
#define ROLLCAGE_HARNESS_ADAPTERS_REFERENCE_ADAPTER_H_

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "harness/adapters/signer_adapter.h"
#include "harness/scenario/scenario.h"
#include "signer-under-test/kasp/policy.h"
#include "signer-under-test/runtime/key_pool.h"
#include "signer-under-test/runtime/signer_runtime.h"

namespace rollcage::harness {

struct ReferenceAdapterOptions {
  std::string state_dir;     // the signer's state directory (fresh per scenario)
  // SoftHSM token directory, shared by every adapter of the process (SoftHSM reads its
  // configuration once per process). Empty: $ROLLCAGE_SOFTHSM_DIR, else a per-process temporary.
  std::string softhsm_dir;
  std::string pin = "1234";
  // Zone signings shared across scenarios (signer-under-test/runtime/sign_memo.h); used only by
  // scenarios without HSMs (the in-process key store is deterministic and has no fault plan).
  signer::SignMemo* sign_memo = nullptr;
};

class ReferenceAdapter : public SignerAdapter {
 public:
  // Builds the signer for a scenario (its policy, seed, HSM count, mutant). kBadInput for a policy
  // the signer does not accept; kEnvironment when SoftHSM or the chaos module cannot be loaded.
  static Result<std::unique_ptr<ReferenceAdapter>> Create(const Scenario& scenario, ReferenceAdapterOptions options);
  ~ReferenceAdapter() override;

  std::string Name() const override;
  Status Start() override;
  void Crash() override { runtime_.reset(); }
  bool Running() const override { return runtime_ != nullptr; }
  Result<TickOutput> Tick(const TickInput& input) override;
  Status Keygen(KeyRole role, bool collide, UnixTime signer_now) override;
  Status Rollover(KeyRole role, UnixTime signer_now) override;
  Status RolloverAlgorithm(uint8_t algorithm, UnixTime signer_now) override;
  void ArmCrashPoint(const std::string& point) override { armed_.insert(point); }
  Status InjectHsmFault(int hsm, const std::string& spec) override;
  Status SetHsmPresent(int hsm, bool present) override;
  Result<std::vector<HsmKey>> InspectHsms() override;
  std::vector<std::string> TakeInjectedFaults() override;

  const signer::kasp::Policy& policy() const { return policy_; }
  signer::SignerRuntime* runtime() { return runtime_.get(); }

 private:
  ReferenceAdapter() = default;
  Status ApplyPlan();
  Status Checked(Status s);

  Scenario scenario_;
  ReferenceAdapterOptions options_;
  signer::kasp::Policy policy_;
  std::unique_ptr<signer::KeyPool> pool_;
  std::unique_ptr<signer::SignerRuntime> runtime_;
  std::set<std::string> armed_;
  std::vector<std::string> fault_lines_;  // the chaos plan, one rule per line
  std::set<int> removed_;                 // HSMs currently removed
  std::vector<std::string> injected_;
  std::vector<unsigned long> slots_;      // slot of each HSM, for the fault log
};

// Turns a scenario's header (algorithm, denial, policy lines) into the signer's policy.
Result<signer::kasp::Policy> PolicyFor(const Scenario& scenario);

}  // namespace rollcage::harness

#endif  // ROLLCAGE_HARNESS_ADAPTERS_REFERENCE_ADAPTER_H_
