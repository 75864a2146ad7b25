#include "signer-under-test/key_store.h"

#include <cctype>

#include "signer-under-test/internal/openssl_util.h"

namespace rollcage::signer {

std::string KeyIdFor(Algorithm algorithm, std::string_view public_key) {
  std::string input(1, char(AlgorithmNumber(algorithm)));
  input.append(public_key.data(), public_key.size());
  std::string digest = internal::Sha256(input).substr(0, 16);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : digest) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

}  // namespace rollcage::signer
