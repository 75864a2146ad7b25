// ldns_reference: ldns's own answers for values rollcage computes itself — key tags (RFC 4034
// App. B), NSEC3 hashes (RFC 5155 §5) and canonical name order (RFC 4034 §6.1) — so agreement fuzz
// targets and tests can cross-check the signer's and the oracle's independent code against a third
// implementation. Never used by the signer or the oracle themselves.
#ifndef ROLLCAGE_DNS_LDNS_REFERENCE_H_
#define ROLLCAGE_DNS_LDNS_REFERENCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dns/name.h"

namespace rollcage::dns::ldns_reference {

// ldns_calc_keytag_raw over DNSKEY RDATA (algorithm 1 per App. B.1). RDATA under 4 octets: 0.
uint16_t KeyTag(std::string_view dnskey_rdata);

// ldns_nsec3_hash_name: the hashed owner label in lowercase base32hex (RFC 4648 §7, no padding),
// e.g. "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom". nullopt when ldns refuses (salt over 255 octets, unknown
// hash algorithm).
std::optional<std::string> Nsec3HashLabel(const Name& name, uint8_t hash_algorithm, uint16_t iterations,
                                          std::string_view salt);

// ldns_dname_compare: canonical order of two names; <0, 0 or >0.
int CompareNames(const Name& a, const Name& b);

}  // namespace rollcage::dns::ldns_reference

#endif  // ROLLCAGE_DNS_LDNS_REFERENCE_H_
