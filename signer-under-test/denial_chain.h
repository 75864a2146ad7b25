// DenialChain: the authenticated denial of existence records of a classified zone — the NSEC chain
// (RFC 4034 §4, RFC 4035 §2.3) or the NSEC3 chain with its NSEC3PARAM (RFC 5155 §7.1), with the
// type bitmaps each name needs. Unsigned here; the zone signer signs them.
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_DENIAL_CHAIN_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_DENIAL_CHAIN_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "dns/rr.h"
#include "signer-under-test/zone_classifier.h"

namespace rollcage::signer {

// NSEC3 parameters. The defaults are RFC 9276 §3.1's: no extra iterations, an empty salt.
struct Nsec3Params {
  uint16_t iterations = 0;
  std::string salt;      // raw octets, at most 255
  bool opt_out = false;  // RFC 5155 §6: insecure delegations (and ENTs above only those) get no NSEC3
  // Planted bugs (signer-under-test/mutants): bitmap of insecure delegations lists DS and RRSIG;
  // delegations with DS left out of the chain under opt-out.
  bool mutant_delegation_bitmap = false;
  bool mutant_optout_secure = false;
};

// The types a name's NSEC (nsec3 = false) or NSEC3 bitmap lists. Apex and authoritative names: their
// types plus RRSIG (and NSEC). Delegations: NS, DS when present, and RRSIG when something there is
// signed (RFC 4035 §2.3; glue types at the cut are not listed). ENTs: nothing.
std::set<uint16_t> BitmapTypes(const ZoneNode& node, bool nsec3);

// The NSEC RRs: one per apex, authoritative and delegation name, in canonical order, the last
// pointing back to the apex. Next names are written in lowercase.
std::vector<dns::RR> BuildNsecChain(const ClassifiedZone& zone, uint32_t ttl);

// The NSEC3 RRs (owner = base32hex(hash).origin), sorted by hash, and the NSEC3PARAM RDATA is
// expected in the zone already (the apex bitmap lists what the apex has). A kBadInput error on a
// hash collision (change the salt).
Result<std::vector<dns::RR>> BuildNsec3Chain(const ClassifiedZone& zone, const Nsec3Params& params, uint32_t ttl);

// The NSEC3PARAM RDATA for params (flags 0, RFC 5155 §4.1.2).
std::string Nsec3ParamRdata(const Nsec3Params& params);

}  // namespace rollcage::signer

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_DENIAL_CHAIN_H_
