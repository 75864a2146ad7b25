// Fast zone file reading: the same result as Zone::Load / Zone::Parse, several times faster on the
// records signed zones are made of. It tokenizes the master file itself (RFC 1035 §5.1: $ORIGIN,
// $TTL, parentheses, comments, quoted strings, blank owners) and encodes A, AAAA, NS, CNAME, PTR,
// DNAME, MX, SOA, DS, DNSKEY, RRSIG, NSEC, NSEC3 and NSEC3PARAM directly; every other record, and
// any record whose text it does not fully understand, goes through ldns exactly as Zone::Load would.
// Errors name "source:line: what" and never crash. fast_zone_reader_test checks that both readers
// agree record for record.
#ifndef ROLLCAGE_DNS_FAST_ZONE_READER_H_
#define ROLLCAGE_DNS_FAST_ZONE_READER_H_

#include <string>
#include <string_view>

#include "base/status.h"
#include "dns/zone.h"

namespace rollcage::dns {

Result<Zone> LoadZoneFast(const std::string& path, const LoadOptions& options = {});
Result<Zone> ParseZoneFast(std::string_view text, const LoadOptions& options = {},
                           std::string_view source = "<input>");

}  // namespace rollcage::dns

#endif  // ROLLCAGE_DNS_FAST_ZONE_READER_H_
