// RrsetSigner: makes the RRSIG RRs for RRsets (RFC 4034 §3.1, RFC 4035 §2.2). It builds the signed
// data of RFC 4034 §3.1.8.1 — the RRSIG RDATA without its signature, then every RR of the RRset in
// canonical form and canonical order (§6.2, §6.3) with the original TTL — and has the key store sign
// it. The Labels field leaves out a leading "*" label (§3.1.3).
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_RRSET_SIGNER_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_RRSET_SIGNER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rr.h"
#include "signer-under-test/key_store.h"
#include "signer-under-test/signature_verifier.h"
#include "signer-under-test/zone_key.h"

namespace rollcage::signer {

// The RRs of rrset in canonical form and order, as they follow the RRSIG RDATA in the signed data:
// owner (lowercase) | type | class | original TTL | RDLENGTH | canonical RDATA, duplicates dropped.
std::string CanonicalRrsetData(const dns::RRset& rrset, uint32_t original_ttl);

// The canonical forms of an RRset's RDATA (RFC 4034 §6.2), sorted (duplicates kept): views of the
// RDATA itself, or of copies put in *owned for types with names in their RDATA. The vector is
// per-thread scratch, valid until the next call on the same thread.
std::vector<std::string_view>& SortedCanonicalRdata(const dns::RRset& rrset, std::vector<std::string>* owned);

// The RRSIG RDATA fields for rrset signed by key (everything but the signature).
dns::RrsigData RrsigFields(const dns::RRset& rrset, const dns::Name& signer, uint8_t algorithm, uint16_t key_tag,
                           uint32_t inception, uint32_t expiration);

// The full RFC 4034 §3.1.8.1 signed data.
std::string SignedData(const dns::RrsigData& fields, const dns::RRset& rrset);

// The number of labels of owner for the RRSIG Labels field: a leading "*" label is not counted.
uint8_t RrsigLabels(const dns::Name& owner);

class RrsetSigner {
 public:
  // With a verifier, every signature the store returns is checked before it is used.
  RrsetSigner(KeyStore& store, dns::Name signer, const SignatureVerifier* verifier = nullptr)
      : store_(store), signer_(std::move(signer)), signer_lower_(signer_.LowercaseWire()), verifier_(verifier) {}

  // The RRSIG RR (owner, class and TTL of the RRset) made with key, or the store's error, or a kKey
  // error when the verifier rejects the signature the store returned.
  Result<dns::RR> Sign(const dns::RRset& rrset, const ZoneKey& key, uint32_t inception, uint32_t expiration) const;

 private:
  KeyStore& store_;
  dns::Name signer_;
  std::string signer_lower_;  // its wire form lowercased, as the signed data has it
  const SignatureVerifier* verifier_;
};

}  // namespace rollcage::signer

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_RRSET_SIGNER_H_
