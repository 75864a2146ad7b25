// Nsec3Hash: the NSEC3 owner-name hash (RFC 5155 §5): SHA-1 iterated over the canonical wire form
// of the name with the salt appended, `iterations` extra times.
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_NSEC3_HASH_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_NSEC3_HASH_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "dns/name.h"

namespace rollcage::signer {

inline constexpr uint8_t kNsec3HashSha1 = 1;

// The 20 raw hash octets of IH(salt, owner name, iterations) (RFC 5155 §5), the name lowercased.
std::string Nsec3Hash(const dns::Name& name, std::string_view salt, uint16_t iterations);

}  // namespace rollcage::signer

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_NSEC3_HASH_H_
