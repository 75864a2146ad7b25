// OpenSslKeyStore: an in-process KeyStore on OpenSSL 3. With a seed, Generate derives every key from
// (seed, algorithm, label) so tests, properties and fuzzing are deterministic; ECDSA signatures use
// RFC 6979 deterministic nonces, so with RSA (PKCS#1 v1.5) and Ed25519 the signed zone is a pure
// function of its inputs. Thread-safe; parsed keys are kept in memory, derived RSA keys are cached
// process-wide (the prime search is the slow part).
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_OPENSSL_KEY_STORE_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_OPENSSL_KEY_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "signer-under-test/key_store.h"

namespace rollcage::signer {

struct OpenSslKeyStoreOptions {
  // Set: Generate derives keys from (seed, algorithm, bits, label). Unset: fresh random keys.
  std::optional<uint64_t> seed;
  // ECDSA nonces per RFC 6979 §3.2 (HMAC-SHA-256); false: OpenSSL's random nonces.
  bool deterministic_ecdsa = true;
  int max_threads = 0;  // MaxSigningThreads(); 0: the number of CPUs, at most 8
};

// The unencrypted PKCS#8 DER private key that OpenSslKeyStore with that seed would generate for
// spec: the same octets on every machine. Software-made key material for import into PKCS#11 tokens.
Result<std::string> DeriveKeyPkcs8(uint64_t seed, const KeySpec& spec);
// A fresh random private key for spec, as unencrypted PKCS#8 DER.
Result<std::string> RandomKeyPkcs8(const KeySpec& spec);
// PKCS#8 DER for a private key given in raw form: the P-256 scalar d (32 octets) for ECDSAP256SHA256
// or the 32-octet Ed25519 private key (RFC 8032), as in BIND's "PrivateKey:" field. RSA: kUsage error.
Result<std::string> Pkcs8FromRawPrivate(Algorithm algorithm, std::string_view raw);
// The DNSKEY public key field and algorithm of a PKCS#8 DER private key.
Result<KeyInfo> PublicKeyOfPkcs8(std::string_view pkcs8_der);

class OpenSslKeyStore : public KeyStore {
 public:
  explicit OpenSslKeyStore(OpenSslKeyStoreOptions options = {});
  ~OpenSslKeyStore() override;

  std::string Describe() const override;
  Result<KeyInfo> Generate(const KeySpec& spec) override;
  Result<KeyInfo> Import(const KeySpec& spec, std::string_view pkcs8_der) override;
  Result<std::vector<KeyInfo>> List() override;
  Result<KeyInfo> Get(const std::string& id) override;
  bool Has(const std::string& id) override;
  Result<std::string> Sign(const std::string& id, std::string_view data) override;
  Status Delete(const std::string& id) override;
  int MaxSigningThreads() const override;
  bool Trusted() const override { return true; }

  // The key's private half as unencrypted PKCS#8 DER (for key directories and PKCS#11 import).
  Result<std::string> ExportPkcs8(const std::string& id) const;

  struct Key;  // parsed key material (private)

 private:
  Result<std::shared_ptr<const Key>> Find(const std::string& id) const;

  OpenSslKeyStoreOptions options_;
  mutable std::shared_mutex mu_;
  std::map<std::string, std::shared_ptr<const Key>> keys_;
};

}  // namespace rollcage::signer

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_OPENSSL_KEY_STORE_H_
