#include "signer-under-test/nsec3_hash.h"

#include "signer-under-test/internal/openssl_util.h"

namespace rollcage::signer {

std::string Nsec3Hash(const dns::Name& name, std::string_view salt, uint16_t iterations) {
  // IH(salt, x, 0) = H(x || salt); IH(salt, x, k) = H(IH(salt, x, k-1) || salt).
  std::string buf = name.Lowercase().wire();
  buf.append(salt.data(), salt.size());
  std::string digest = internal::Sha1(buf);
  for (uint16_t i = 0; i < iterations; ++i) {
    digest.append(salt.data(), salt.size());
    digest = internal::Sha1(digest);
  }
  return digest;
}

}  // namespace rollcage::signer
