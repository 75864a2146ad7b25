#include "signer-under-test/nsec3_hash.h"

#include <openssl/sha.h>

namespace rollcage::signer {

std::string Nsec3Hash(const dns::Name& name, std::string_view salt, uint16_t iterations) {
  // IH(salt, x, 0) = H(x || salt); IH(salt, x, k) = H(IH(salt, x, k-1) || salt).
  std::string buf = name.Lowercase().wire();
  buf.append(salt.data(), salt.size());
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(buf.data()), buf.size(), digest);
  if (iterations > 0) {
    std::string round(reinterpret_cast<char*>(digest), SHA_DIGEST_LENGTH);
    round.append(salt.data(), salt.size());
    for (uint16_t i = 0; i < iterations; ++i) {
      SHA1(reinterpret_cast<const unsigned char*>(round.data()), round.size(), digest);
      round.replace(0, SHA_DIGEST_LENGTH, reinterpret_cast<char*>(digest), SHA_DIGEST_LENGTH);
    }
  }
  return std::string(reinterpret_cast<char*>(digest), SHA_DIGEST_LENGTH);
}

}  // namespace rollcage::signer
