// Oracle crypto primitives, computed independently of any signer: key tags (RFC 4034 App. B),
// DS digests (RFC 4034 §5.1.4, RFC 4509, RFC 6605 §4), NSEC3 hashes (RFC 5155 §5) and the
// algorithm tables the oracle uses. Every function is pure and thread-safe; none reads a clock.
#ifndef ROLLCAGE_ORACLE_CRYPTO_H_
#define ROLLCAGE_ORACLE_CRYPTO_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dns/name.h"

typedef struct ec_group_st EC_GROUP;

namespace rollcage::oracle {

// DNSSEC algorithm numbers (IANA "DNS Security Algorithm Numbers").
namespace alg {
inline constexpr uint8_t kRsaMd5 = 1, kDsa = 3, kRsaSha1 = 5, kDsaNsec3Sha1 = 6,
                         kRsaSha1Nsec3Sha1 = 7, kRsaSha256 = 8, kRsaSha512 = 10, kEccGost = 12,
                         kEcdsaP256Sha256 = 13, kEcdsaP384Sha384 = 14, kEd25519 = 15, kEd448 = 16;
}  // namespace alg

// True when the oracle can verify signatures of this algorithm (5, 7, 8, 10, 13, 14, 15, 16).
bool AlgorithmSupported(uint8_t algorithm);
// "ECDSAP256SHA256", or "ALG99" for an unknown number.
std::string AlgorithmName(uint8_t algorithm);

// The curve of an ECDSA algorithm (13: P-256, 14: P-384), built once and only read afterwards
// (EC_GROUP is safe for concurrent reads); null for other algorithms.
const EC_GROUP* EcdsaGroup(uint8_t algorithm);

// Key tag of a DNSKEY RDATA (RFC 4034 Appendix B; B.1 for algorithm 1). Total on any input.
uint16_t KeyTag(std::string_view dnskey_rdata);

// DS digest types (IANA "Delegation Signer (DS) Resource Record (RR) Type Digest Algorithms").
bool DigestTypeSupported(uint8_t digest_type);  // 1 SHA-1, 2 SHA-256, 4 SHA-384
// The DS digest of a DNSKEY: digest(lowercased owner wire | DNSKEY RDATA) (RFC 4034 §5.1.4).
// nullopt when the digest type is not supported.
std::optional<std::string> DsDigest(const dns::Name& owner, std::string_view dnskey_rdata,
                                    uint8_t digest_type);

// NSEC3 hash of a name (RFC 5155 §5): IH(salt, lowercased owner wire, iterations). nullopt when
// the hash algorithm is not 1 (SHA-1).
std::optional<std::string> Nsec3Hash(const dns::Name& name, uint8_t hash_algorithm,
                                     std::string_view salt, uint16_t iterations);

// SHA-1/256/384/512 of data (used for signature digests and cache keys).
std::string Sha256(std::string_view data);
std::string Sha256(std::string_view a, std::string_view b);

}  // namespace rollcage::oracle

#endif  // ROLLCAGE_ORACLE_CRYPTO_H_
