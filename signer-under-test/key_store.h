// KeyStore: where the reference signer's private keys live and where its private-key operation runs.
// Two backends implement it: OpenSslKeyStore (in-process, keys derivable from a seed) and
// Pkcs11KeyStore (any PKCS#11 module; SoftHSMv2 by default). The signer only ever sees KeyInfo (the
// public half) and calls Sign; every failure comes back as a Status, never as a crash.
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_KEY_STORE_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_KEY_STORE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "signer-under-test/algorithm.h"

namespace rollcage::signer {

// What key to make. The label is free text kept with the key (CKA_LABEL, or the metadata file); the
// in-process store with a seed also derives the key material from it.
struct KeySpec {
  Algorithm algorithm = Algorithm::kEcdsaP256Sha256;
  std::string label;
  int rsa_bits = 2048;  // RSASHA256 only
  // Import only: store the key under this id instead of KeyIdFor(public key). Planted bugs use it
  // to give different key pairs one identity (signer-under-test/mutants).
  std::string id_override;
};

// The public half of a stored key. `id` addresses the key inside its store (the hex CKA_ID for
// PKCS#11); rollcage sets it to KeyIdFor(algorithm, public_key), so the same key material imported
// into several stores has the same id there. The key's identity for DNSSEC is (algorithm, flags,
// public_key); never a key tag.
struct KeyInfo {
  std::string id;
  std::string label;
  Algorithm algorithm = Algorithm::kEcdsaP256Sha256;
  std::string public_key;  // the DNSKEY Public Key field: RFC 3110 §2, RFC 6605 §4, RFC 8080 §3
};

// The store-independent id of a key: lowercase hex of the first 16 octets of
// SHA-256(algorithm octet || DNSKEY public key field).
std::string KeyIdFor(Algorithm algorithm, std::string_view public_key);

class KeyStore {
 public:
  virtual ~KeyStore() = default;

  // One line naming the backend and where its keys are ("PKCS#11 token 'rollcage' via libsofthsm2.so").
  virtual std::string Describe() const = 0;

  // Makes a new key pair in the store.
  virtual Result<KeyInfo> Generate(const KeySpec& spec) = 0;
  // Stores a key pair made elsewhere, given as an unencrypted PKCS#8 DER PrivateKeyInfo (RFC 5208)
  // whose type must match spec.algorithm. Importing a key that is already there returns it again.
  virtual Result<KeyInfo> Import(const KeySpec& spec, std::string_view pkcs8_der) = 0;
  // Every key pair in the store that rollcage can sign with, ordered by id.
  virtual Result<std::vector<KeyInfo>> List() = 0;
  // The key with that id, or a kKey error naming the id.
  virtual Result<KeyInfo> Get(const std::string& id) = 0;
  // Whether the store holds a key with that id (Get without the copy or the error).
  virtual bool Has(const std::string& id) { return Get(id).ok(); }
  // Signs data (the RFC 4034 §3.1.8.1 signed data) with the private key and returns the signature
  // in DNSSEC wire format (RSA: RFC 5702 §3; ECDSA: r||s, RFC 6605 §4; Ed25519: RFC 8080 §4).
  // Safe to call from several threads at once.
  virtual Result<std::string> Sign(const std::string& id, std::string_view data) = 0;
  // Removes the key pair; a kKey error when there is no such key.
  virtual Status Delete(const std::string& id) = 0;
  // How many threads the signer should sign with at most (1 when the backend serialises anyway).
  virtual int MaxSigningThreads() const { return 1; }
  // True when the store's signatures need no independent check (in-process OpenSSL). The zone
  // signer verifies signatures from other stores (HSMs can fail silently) unless told otherwise.
  virtual bool Trusted() const { return false; }
};

}  // namespace rollcage::signer

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_KEY_STORE_H_
