// Typed views of the RDATA of the record types DNSSEC is built from (RFC 4034, RFC 5155), and the
// type bitmap encoding (RFC 4034 §4.1.2). Format only: no key tags, hashes or validation policy here.
#ifndef ROLLCAGE_DNS_RDATA_H_
#define ROLLCAGE_DNS_RDATA_H_

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "base/status.h"
#include "dns/name.h"

namespace rollcage::dns {

struct SoaData {  // RFC 1035 §3.3.13
  Name mname, rname;
  uint32_t serial = 0, refresh = 0, retry = 0, expire = 0, minimum = 0;
  static Result<SoaData> Parse(std::string_view rdata);
  std::string Encode() const;
};

struct DnskeyData {  // RFC 4034 §2.1
  uint16_t flags = 0;
  uint8_t protocol = 3;
  uint8_t algorithm = 0;
  std::string public_key;
  static Result<DnskeyData> Parse(std::string_view rdata);
  std::string Encode() const;
  bool IsZoneKey() const { return flags & 0x0100; }
  bool IsSep() const { return flags & 0x0001; }
  bool IsRevoked() const { return flags & 0x0080; }
};

struct DsData {  // RFC 4034 §5.1
  uint16_t key_tag = 0;
  uint8_t algorithm = 0;
  uint8_t digest_type = 0;
  std::string digest;
  static Result<DsData> Parse(std::string_view rdata);
  std::string Encode() const;
};

struct RrsigData {  // RFC 4034 §3.1
  uint16_t type_covered = 0;
  uint8_t algorithm = 0;
  uint8_t labels = 0;
  uint32_t original_ttl = 0;
  uint32_t expiration = 0;
  uint32_t inception = 0;
  uint16_t key_tag = 0;
  Name signer;
  std::string signature;
  static Result<RrsigData> Parse(std::string_view rdata);
  std::string Encode() const;
  // The RDATA up to and excluding the Signature field, signer name lowercased (RFC 4034 §3.1.8.1).
  std::string EncodeWithoutSignature() const;
};

struct NsecData {  // RFC 4034 §4.1
  Name next;
  std::set<uint16_t> types;
  static Result<NsecData> Parse(std::string_view rdata);
  std::string Encode() const;
};

struct Nsec3Data {  // RFC 5155 §3.2
  uint8_t hash_algorithm = 1;
  uint8_t flags = 0;
  uint16_t iterations = 0;
  std::string salt;
  std::string next_hashed;  // raw hash octets
  std::set<uint16_t> types;
  bool OptOut() const { return flags & 1; }
  static Result<Nsec3Data> Parse(std::string_view rdata);
  std::string Encode() const;
};

struct Nsec3ParamData {  // RFC 5155 §4.2
  uint8_t hash_algorithm = 1;
  uint8_t flags = 0;
  uint16_t iterations = 0;
  std::string salt;
  static Result<Nsec3ParamData> Parse(std::string_view rdata);
  std::string Encode() const;
};

// Type bitmap (RFC 4034 §4.1.2): window blocks in increasing order, trailing zero octets trimmed.
std::string EncodeTypeBitmap(const std::set<uint16_t>& types);
Result<std::set<uint16_t>> DecodeTypeBitmap(std::string_view data);

}  // namespace rollcage::dns

#endif  // ROLLCAGE_DNS_RDATA_H_
