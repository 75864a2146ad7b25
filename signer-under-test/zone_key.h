// ZoneKey: one key as the zone signer uses it — the public half of a key in a KeyStore, the DNSKEY
// flags it is published with, whether it is in the DNSKEY RRset, and which RRsets it signs. A key
// manager (KASP) chooses these per key and per moment; the signer just follows them.
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_ZONE_KEY_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_ZONE_KEY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "dns/name.h"
#include "signer-under-test/key_store.h"

namespace rollcage::signer {

// DNSKEY flag bits (RFC 4034 §2.1.1, RFC 5011 §3 for REVOKE).
inline constexpr uint16_t kDnskeyZoneFlag = 0x0100;
inline constexpr uint16_t kDnskeySepFlag = 0x0001;
inline constexpr uint16_t kDnskeyRevokeFlag = 0x0080;

// The usual roles: a KSK signs the DNSKEY RRset, a ZSK everything else, a CSK both.
enum class KeyRole { kKsk, kZsk, kCsk };
const char* KeyRoleName(KeyRole role);  // "ksk", "zsk", "csk"
Result<KeyRole> ParseKeyRole(std::string_view text);
uint16_t DefaultFlags(KeyRole role);  // 257 for KSK and CSK, 256 for ZSK

struct ZoneKey {
  KeyInfo key;
  uint16_t flags = kDnskeyZoneFlag;
  bool published = true;      // in the DNSKEY RRset
  bool signs_dnskey = false;  // KSK role: signs the DNSKEY RRset (and CDS/CDNSKEY)
  bool signs_zone = true;     // ZSK role: signs every other authoritative RRset

  static ZoneKey ForRole(KeyInfo key, KeyRole role);
  // flags, protocol 3, algorithm, public key (RFC 4034 §2.1).
  std::string DnskeyRdata() const;
  // The key's DNSSEC identity: the DNSKEY RDATA (algorithm, flags, public key); tags may collide.
  std::string Identity() const { return DnskeyRdata(); }
  uint16_t Tag() const;
};

// A DNSKEY RDATA (RFC 4034 §2.1): flags, protocol 3, algorithm number, public key — the octets
// dns::DnskeyData::Encode writes, in one allocation.
std::string DnskeyRdataOf(uint16_t flags, uint8_t algorithm, std::string_view public_key);

// The label rollcage gives the keys of a zone ("check.test. ksk"), kept as CKA_LABEL on tokens so
// that `rollcage sign --pkcs11` can find a zone's keys and their roles.
std::string ZoneKeyLabel(const dns::Name& origin, KeyRole role);
// The same from the origin's text (origin.ToText()), for callers that make many labels.
std::string ZoneKeyLabel(std::string_view origin_text, KeyRole role);
// Parses such a label; false when the label is not of that form.
bool ParseZoneKeyLabel(std::string_view label, dns::Name* origin, KeyRole* role);

}  // namespace rollcage::signer

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_ZONE_KEY_H_
