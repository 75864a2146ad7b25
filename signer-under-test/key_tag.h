// Key tags (RFC 4034 Appendix B) and DS records (RFC 4034 §5.1.4, RFC 4509 for SHA-256) as the
// signer computes them. The oracle has its own independent copy on purpose (DESIGN.md).
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_KEY_TAG_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_KEY_TAG_H_

#include <cstdint>
#include <string_view>

#include "base/status.h"
#include "dns/name.h"
#include "dns/rdata.h"

namespace rollcage::signer {

// The key tag of a DNSKEY given its wire RDATA (RFC 4034 Appendix B; algorithm 1 is not supported
// by rollcage and gets the same checksum). A tag is a hint, never an identity.
uint16_t KeyTag(std::string_view dnskey_rdata);
// The same in two steps, for RDATA that is not in one piece: the running sum of octets that start
// at an even offset (KeyTag(a + b) == FoldKeyTag(KeyTagSum(a) + KeyTagSum(b)) when a has even length).
uint32_t KeyTagSum(std::string_view octets);
inline uint16_t FoldKeyTag(uint32_t sum) { return uint16_t((sum + ((sum >> 16) & 0xFFFF)) & 0xFFFF); }

// DS digest types rollcage makes: 2 (SHA-256, RFC 4509) and 4 (SHA-384, RFC 6605).
inline constexpr uint8_t kDigestSha256 = 2;
inline constexpr uint8_t kDigestSha384 = 4;

// The DS RDATA for the DNSKEY with that owner and RDATA: digest = H(owner in canonical wire form ||
// DNSKEY RDATA) (RFC 4034 §5.1.4). A kUsage error for other digest types.
Result<dns::DsData> MakeDs(const dns::Name& owner, std::string_view dnskey_rdata,
                           uint8_t digest_type = kDigestSha256);

}  // namespace rollcage::signer

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_KEY_TAG_H_
