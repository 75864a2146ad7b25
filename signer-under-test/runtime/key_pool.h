// KeyPool: N key stores standing for N HSMs that hold the same keys (.DE ran HSMs in two data
// centres). Key material made once is imported into every HSM; signing is spread across the HSMs
// round-robin and fails over to the next HSM when one fails; only when every HSM fails does Sign
// fail. With one in-process store it is just that store.
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_RUNTIME_KEY_POOL_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_RUNTIME_KEY_POOL_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "signer-under-test/key_store.h"

namespace rollcage::signer {

class KeyPool : public KeyStore {
 public:
  explicit KeyPool(std::vector<std::unique_ptr<KeyStore>> hsms) : hsms_(std::move(hsms)) {}

  std::string Describe() const override;
  // Pools hold imported keys only: Generate is a kUsage error (make the material, then Import).
  Result<KeyInfo> Generate(const KeySpec& spec) override;
  // Imports the same key pair into every HSM; fails when any HSM refuses (the key is then missing
  // from some HSM and the caller must not use it).
  Result<KeyInfo> Import(const KeySpec& spec, std::string_view pkcs8_der) override;
  // Imports into one HSM only (0-based) — for planted bugs that break the pool on purpose.
  Result<KeyInfo> ImportInto(size_t hsm, const KeySpec& spec, std::string_view pkcs8_der);
  Result<std::vector<KeyInfo>> List() override;  // the first HSM's view
  Result<KeyInfo> Get(const std::string& id) override;
  bool Has(const std::string& id) override;  // some HSM holds it (what Sign needs)
  Result<std::string> Sign(const std::string& id, std::string_view data) override;
  Status Delete(const std::string& id) override;  // from every HSM that has it
  int MaxSigningThreads() const override;
  bool Trusted() const override;

  size_t size() const { return hsms_.size(); }
  KeyStore& hsm(size_t i) { return *hsms_[i]; }
  // Deletes every key on every HSM (a fresh pool for the next scenario).
  Status Reset();
  // Sign through one HSM only (no failover).
  Result<std::string> SignWith(size_t hsm, const std::string& id, std::string_view data);

 private:
  std::vector<std::unique_ptr<KeyStore>> hsms_;
  std::atomic<size_t> next_{0};
};

}  // namespace rollcage::signer

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_RUNTIME_KEY_POOL_H_
