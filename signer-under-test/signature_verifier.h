// SignatureVerifier: checks DNSSEC-format signatures (RSA RFC 5702, ECDSA r||s RFC 6605, Ed25519
// RFC 8080) against the keys' DNSKEY public key fields with OpenSSL, independently of the key store
// that made them. The zone signer uses it to fail closed when a token hands back a wrong signature
// (a faulty HSM; the chaos module's "corrupt" fault) instead of publishing it.
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_SIGNATURE_VERIFIER_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_SIGNATURE_VERIFIER_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "signer-under-test/key_store.h"

namespace rollcage::signer {

class SignatureVerifier {
 public:
  // Parses each key's public key once. A public key OpenSSL cannot parse is a kKey error.
  static Result<SignatureVerifier> Create(const std::vector<KeyInfo>& keys);

  // True when signature is a valid signature of data by the key with key.id (which must have been
  // given to Create; otherwise false). Safe to call from several threads at once.
  bool Verify(const KeyInfo& key, std::string_view data, std::string_view signature) const;

  struct ParsedKey;

 private:
  std::map<std::string, std::shared_ptr<const ParsedKey>> keys_;
};

}  // namespace rollcage::signer

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_SIGNATURE_VERIFIER_H_
