// Algorithm: the DNSSEC signing algorithms the reference signer supports (RFC 8624 §3.1): RSASHA256
// (8, RFC 5702), ECDSAP256SHA256 (13, RFC 6605) and ED25519 (15, RFC 8080), with their names.
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_ALGORITHM_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_ALGORITHM_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace rollcage::signer {

enum class Algorithm : uint8_t {
  kRsaSha256 = 8,
  kEcdsaP256Sha256 = 13,
  kEd25519 = 15,
};

inline uint8_t AlgorithmNumber(Algorithm a) { return static_cast<uint8_t>(a); }
// "RSASHA256", "ECDSAP256SHA256", "ED25519".
const char* AlgorithmName(Algorithm a);
// Accepts the number ("13") or the mnemonic, case-insensitively; a usage error names the text.
Result<Algorithm> ParseAlgorithm(std::string_view text);
// The algorithm for an RFC 8624 number, or a key error when rollcage cannot sign with it.
Result<Algorithm> AlgorithmFromNumber(uint8_t number);

}  // namespace rollcage::signer

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_ALGORITHM_H_
