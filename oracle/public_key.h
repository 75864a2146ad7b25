// PublicKey: one DNSKEY public key loaded into OpenSSL, verifying DNSSEC signatures: RSA and EdDSA
// with EVP, ECDSA (SEC 1 §4.1.4) on OpenSSL's curve arithmetic directly (no EVP_PKEY, no DER: the
// scenario fuzz target verifies about sixteen new signatures a run, and EVP's per-call setup made
// about forty allocations each). Formats: RSA RFC 3110 §2 (algorithms 5, 7, 8, 10; RFC 5702),
// ECDSA RFC 6605 §4 (13, 14; signature r||s), EdDSA RFC 8080 §3 (15, 16). A PublicKey is immutable
// after Parse and safe to use from many threads at once.
#ifndef ROLLCAGE_ORACLE_PUBLIC_KEY_H_
#define ROLLCAGE_ORACLE_PUBLIC_KEY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

typedef struct evp_pkey_st EVP_PKEY;
typedef struct ec_point_st EC_POINT;

namespace rollcage::oracle {

class PublicKey {
 public:
  enum class Outcome {
    kValid,               // the signature verifies over the data under this key
    kInvalid,             // well-formed, does not verify
    kMalformedSignature,  // wrong length or encoding for the algorithm: cannot verify under any key
  };

  // Loads the DNSKEY Public Key field for algorithm. Fails with kBadInput naming the defect
  // (wrong length, not a curve point, RSA modulus outside 512..4096 bits) or, for algorithms the
  // oracle does not implement, with kEnvironment ("unsupported algorithm N").
  static Result<std::shared_ptr<const PublicKey>> Parse(uint8_t algorithm, std::string_view key);

  ~PublicKey();
  PublicKey(const PublicKey&) = delete;
  PublicKey& operator=(const PublicKey&) = delete;

  // Verifies signature over data (the RFC 4034 §3.1.8.1 signed data).
  Outcome Verify(std::string_view data, std::string_view signature) const;
  // Same, given Digest(data) already (ECDSA and RSA only; EdDSA falls back to kInvalid).
  Outcome VerifyDigest(std::string_view digest, std::string_view signature) const;
  // The algorithm's message digest of data; empty for EdDSA (which signs the data itself).
  static std::string Digest(uint8_t algorithm, std::string_view data);

  // RSA only: true when signature decodes under this key into a well-formed PKCS#1 v1.5
  // DigestInfo of the algorithm's hash, i.e. this key made the signature, over some data.
  bool RsaSignatureDecodes(std::string_view signature) const;

  uint8_t algorithm() const { return algorithm_; }
  int bits() const { return bits_; }

 private:
  PublicKey(uint8_t algorithm, EVP_PKEY* pkey, EC_POINT* ec_point, int bits, size_t sig_size);
  static Result<std::shared_ptr<const PublicKey>> ParseUncached(uint8_t algorithm, std::string_view key);
  uint8_t algorithm_;
  uint64_t serial_;  // process-unique: keys per-thread verify contexts (addresses get reused)
  EVP_PKEY* pkey_;      // RSA, EdDSA
  EC_POINT* ec_point_;  // ECDSA: the public point Q on EcdsaGroup(algorithm_)
  int bits_;
  size_t sig_size_;  // expected signature length (RSA: modulus octets)
};

// DER encoding of an ECDSA signature given as r||s (each half the input); empty when odd-sized.
std::string EcdsaRawToDer(std::string_view raw);

}  // namespace rollcage::oracle

#endif  // ROLLCAGE_ORACLE_PUBLIC_KEY_H_
