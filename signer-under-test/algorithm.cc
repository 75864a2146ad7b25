#include "signer-under-test/algorithm.h"

#include <strings.h>

namespace rollcage::signer {

const char* AlgorithmName(Algorithm a) {
  switch (a) {
    case Algorithm::kRsaSha256: return "RSASHA256";
    case Algorithm::kEcdsaP256Sha256: return "ECDSAP256SHA256";
    case Algorithm::kEd25519: return "ED25519";
  }
  return "UNKNOWN";
}

Result<Algorithm> AlgorithmFromNumber(uint8_t number) {
  switch (number) {
    case 8: return Algorithm::kRsaSha256;
    case 13: return Algorithm::kEcdsaP256Sha256;
    case 15: return Algorithm::kEd25519;
    default:
      return KeyError("DNSSEC algorithm " + std::to_string(number) +
                      " is not supported (use 8 RSASHA256, 13 ECDSAP256SHA256 or 15 ED25519)");
  }
}

Result<Algorithm> ParseAlgorithm(std::string_view text) {
  std::string t(text);
  for (Algorithm a : {Algorithm::kRsaSha256, Algorithm::kEcdsaP256Sha256, Algorithm::kEd25519}) {
    if (t == std::to_string(AlgorithmNumber(a)) || strcasecmp(t.c_str(), AlgorithmName(a)) == 0) return a;
  }
  return UsageError("unknown algorithm '" + t + "' (use 8|RSASHA256, 13|ECDSAP256SHA256 or 15|ED25519)");
}

}  // namespace rollcage::signer
