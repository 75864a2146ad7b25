// The data an RRSIG signs, rebuilt by the oracle's own code (RFC 4034 §3.1.8.1, §6.2, §6.3;
// RFC 4035 §5.3.2 for wildcards; RFC 6840 §5.1 for NSEC case). It deliberately does not reuse
// dns::RR::CanonicalRdata: a bug shared with the signer would hide itself.
#ifndef ROLLCAGE_ORACLE_SIGNED_DATA_H_
#define ROLLCAGE_ORACLE_SIGNED_DATA_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "dns/name.h"

namespace rollcage::oracle {

// A zero-copy view of RRSIG RDATA (RFC 4034 §3.1). Views point into the RDATA they came from.
struct RrsigView {
  uint16_t type_covered = 0;
  uint8_t algorithm = 0;
  uint8_t labels = 0;
  uint32_t original_ttl = 0;
  uint32_t expiration = 0;
  uint32_t inception = 0;
  uint16_t key_tag = 0;
  std::string_view signer_wire;  // as in the RDATA (case kept)
  std::string_view signature;
  std::string_view without_signature;  // RDATA up to the Signature field

  // Fails (kBadInput) when the RDATA is shorter than 19 octets or the signer name is malformed.
  static Result<RrsigView> Parse(std::string_view rdata);
};

// The canonical form of RDATA of type `type` (RFC 4034 §6.2 item 3): embedded domain names of the
// types listed there lowercased, except NSEC (RFC 6840 §5.1). Malformed RDATA is returned as is.
std::string CanonicalRdata(uint16_t type, std::string_view rdata);
// The same into *out (its capacity reused).
void CanonicalRdataInto(uint16_t type, std::string_view rdata, std::string* out);

// Label count of a name as the RRSIG Labels field counts it: without the root label and without a
// leading wildcard label (RFC 4034 §3.1.3).
int RrsigLabelCount(const dns::Name& name);

// Builds the signed data for sig over the RRset (owner, type, rrclass, rdatas): the RRSIG RDATA
// without signature (signer lowercased), then each RR in canonical form and order, duplicates
// removed, with the Original TTL. A Labels field below the owner's label count re-creates the
// wildcard owner "*.<suffix>" (RFC 4035 §5.3.2). Fails (kBadInput) when Labels exceeds the owner's
// label count: no resolver could verify such a signature.
Result<std::string> BuildSignedData(const RrsigView& sig, const dns::Name& owner, uint16_t type,
                                    uint16_t rrclass, const std::vector<std::string_view>& rdatas);
// The same into *out (its capacity reused: no allocation in steady state).
Status BuildSignedDataInto(const RrsigView& sig, const dns::Name& owner, uint16_t type, uint16_t rrclass,
                           const std::vector<std::string_view>& rdatas, std::string* out);

}  // namespace rollcage::oracle

#endif  // ROLLCAGE_ORACLE_SIGNED_DATA_H_
