// ECDSA public key recovery (SEC 1 v2 §4.1.6) for DNSSEC algorithms 13 and 14: given a signature
// (r, s) over a message digest e, every public key Q that makes it verify is Q = r⁻¹(sR − eG) for a
// curve point R whose x coordinate is r (or r + n when that is below p). The oracle uses it to name
// the unpublished keys behind signatures that carry a published key's tag (the .DE class).
#ifndef ROLLCAGE_ORACLE_ECDSA_RECOVERY_H_
#define ROLLCAGE_ORACLE_ECDSA_RECOVERY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rollcage::oracle {

// The candidate public keys, each in DNSKEY Public Key form (X || Y, RFC 6605 §4), for the raw
// r||s signature over digest (the algorithm's hash of the signed data). Empty when the algorithm is
// not 13/14 or the signature is malformed (wrong length, r or s outside [1, n-1]). Thread-safe.
std::vector<std::string> RecoverEcdsaPublicKeys(uint8_t algorithm, std::string_view digest,
                                                std::string_view signature);

}  // namespace rollcage::oracle

#endif  // ROLLCAGE_ORACLE_ECDSA_RECOVERY_H_
