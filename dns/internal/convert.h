// Conversions between ldns objects and rollcage's dns types. Only for dns/ sources.
#ifndef ROLLCAGE_DNS_INTERNAL_CONVERT_H_
#define ROLLCAGE_DNS_INTERNAL_CONVERT_H_

#include <string>

#include "base/status.h"
#include "dns/internal/ldns.h"
#include "dns/rr.h"

namespace rollcage::dns::internal {

// Copies an ldns_rr into an RR (wire-form owner and RDATA).
Result<RR> FromLdns(const ldns_rr* rr);
// Builds an ldns_rr from an RR; the caller frees it with ldns_rr_free. nullptr when ldns rejects it.
ldns_rr* ToLdns(const RR& rr);
std::string StatusText(ldns_status s);

}  // namespace rollcage::dns::internal

#endif  // ROLLCAGE_DNS_INTERNAL_CONVERT_H_
