// CollidingKeyPkcs8: key material whose DNSKEY key tag equals a given tag (RFC 4034 App. B) — for
// scenarios with key-tag collisions (tags are 16 bits; two keys of a zone share one more often than
// people expect). Deterministic in (seed, label): the same call gives the same key.
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_RUNTIME_COLLIDING_KEY_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_RUNTIME_COLLIDING_KEY_H_

#include <cstdint>
#include <string>

#include "base/status.h"
#include "signer-under-test/key_store.h"

namespace rollcage::signer {

// For ECDSAP256SHA256 it walks d, d+1, ... (Q, Q+G, ...) from the key DeriveKeyPkcs8(seed, spec)
// gives, which finds a collision in well under a second; for other algorithms it derives keys with
// labels "<label>#i" up to max_tries. kKey error when none collides within max_tries.
Result<std::string> CollidingKeyPkcs8(uint64_t seed, const KeySpec& spec, uint16_t flags, uint16_t target_tag,
                                      int max_tries = 1 << 20);

}  // namespace rollcage::signer

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_RUNTIME_COLLIDING_KEY_H_
