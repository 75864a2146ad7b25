#include "signer-under-test/nsec3_hash.h"

#include <algorithm>

#include "signer-under-test/internal/openssl_util.h"

namespace rollcage::signer {

std::string Nsec3Hash(const dns::Name& name, std::string_view salt, uint16_t iterations) {
  // IH(salt, x, 0) = H(x || salt); IH(salt, x, k) = H(IH(salt, x, k-1) || salt). On the stack: the
  // signer hashes every name of every zone version (a name is at most 255 octets).
  char x[255];
  const auto& w = name.wire();
  size_t n = std::min(w.size(), sizeof x);
  for (size_t i = 0; i < n; ++i) x[i] = w[i] >= 'A' && w[i] <= 'Z' ? char(w[i] + 32) : w[i];  // lowercased
  unsigned char digest[20];
  internal::Sha1Into({std::string_view(x, n), salt}, digest);
  for (uint16_t i = 0; i < iterations; ++i) {
    internal::Sha1Into({std::string_view(reinterpret_cast<char*>(digest), sizeof digest), salt}, digest);
  }
  return std::string(reinterpret_cast<char*>(digest), sizeof digest);
}

}  // namespace rollcage::signer
