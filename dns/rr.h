// RR: one resource record (owner, type, class, TTL, uncompressed wire RDATA), with text and wire I/O.
#ifndef ROLLCAGE_DNS_RR_H_
#define ROLLCAGE_DNS_RR_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "dns/name.h"

namespace rollcage::dns {

// RR type codes used by rollcage (IANA "Resource Record (RR) TYPEs").
namespace rrtype {
inline constexpr uint16_t kA = 1, kNS = 2, kCNAME = 5, kSOA = 6, kPTR = 12, kMX = 15, kTXT = 16,
                          kAAAA = 28, kSRV = 33, kDNAME = 39, kDS = 43, kRRSIG = 46, kNSEC = 47,
                          kDNSKEY = 48, kNSEC3 = 50, kNSEC3PARAM = 51, kCDS = 59, kCDNSKEY = 60,
                          kCAA = 257;
}  // namespace rrtype
inline constexpr uint16_t kClassIN = 1;

std::string TypeToText(uint16_t type);  // "A", "NSEC3", or "TYPE65534"
Result<uint16_t> TypeFromText(std::string_view text);

struct RR {
  Name owner;
  uint16_t type = 0;
  uint16_t rrclass = kClassIN;
  uint32_t ttl = 0;
  std::string rdata;  // uncompressed wire form

  // Parses one RR in presentation format (names relative to origin; default TTL when omitted).
  static Result<RR> FromText(std::string_view text, const Name& origin, uint32_t default_ttl = 3600);
  // Reads one uncompressed wire-form RR at data[*pos] (owner, type, class, TTL, RDLENGTH, RDATA).
  static Result<RR> ReadWire(std::string_view data, size_t* pos);

  std::string ToText() const;  // one line, presentation format, no trailing newline
  std::string ToWire() const;  // uncompressed
  void AppendWire(std::string& out) const;  // ToWire() appended to out
  // The RDATA in canonical form (RFC 4034 §6.2 item 3, as amended by RFC 6840 §5.1: names in NSEC
  // RDATA keep their case): embedded names of the listed types lowercased.
  std::string CanonicalRdata() const;

  bool operator==(const RR& o) const {
    return owner == o.owner && type == o.type && rrclass == o.rrclass && ttl == o.ttl &&
           rdata == o.rdata;
  }
};

// RR::CanonicalRdata for RDATA of a type, without an RR; and whether it is always the RDATA itself
// (no embedded names to lowercase).
std::string CanonicalRdata(uint16_t type, std::string_view rdata);
bool CanonicalRdataIsRdata(uint16_t type);
// CanonicalRdata(type, a) compared with CanonicalRdata(type, b) (<0, 0, >0), copying only when a
// name in them has capitals.
int CompareCanonicalRdata(uint16_t type, std::string_view a, std::string_view b);

// Canonical RR order (RFC 4034 §6.3): owner name, then type, then canonical RDATA as octet strings.
bool CanonicalLess(const RR& a, const RR& b);

// An RRset: the RRs sharing owner, class and type. The TTL is the first RR's.
struct RRset {
  Name owner;
  uint16_t type = 0;
  uint16_t rrclass = kClassIN;
  uint32_t ttl = 0;
  std::vector<std::string> rdatas;  // wire form

  std::vector<RR> ToRRs() const;
};

}  // namespace rollcage::dns

#endif  // ROLLCAGE_DNS_RR_H_
