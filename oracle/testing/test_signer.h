// TestSigner: re-signs single RRsets in-process for precise test manipulations ("change one field,
// re-sign, and only that defect remains"). ECDSA P-256 and Ed25519 keys in BIND private-key format
// (ldns-keygen, dnssec-keygen). Also small zone-editing helpers. Test-only.
#ifndef ROLLCAGE_ORACLE_TESTING_TEST_SIGNER_H_
#define ROLLCAGE_ORACLE_TESTING_TEST_SIGNER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "dns/name.h"
#include "dns/rr.h"
#include "dns/zone.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace rollcage::oracle::testing {

struct SigFields {
  uint32_t inception = 0, expiration = 0;
  std::optional<uint8_t> labels;         // default: the owner's RRSIG label count
  std::optional<uint32_t> original_ttl;  // default: the RRset TTL
  std::optional<uint16_t> key_tag;       // default: the key's tag
  std::optional<dns::Name> signer;       // default: the zone
  std::optional<uint16_t> type_covered;  // default: the RRset type
};

class TestSigner {
 public:
  // Loads base.private and base.key (the DNSKEY RR in the .key file; its owner is ignored).
  static Result<TestSigner> FromBindFiles(const std::string& base);
  TestSigner(TestSigner&&) = default;
  ~TestSigner();

  uint16_t tag() const { return tag_; }
  uint8_t algorithm() const { return algorithm_; }
  const std::string& dnskey_rdata() const { return dnskey_; }

  // An RRSIG RR over (owner, type, ttl, rdatas) made by this key with the given fields.
  dns::RR Sign(const dns::Name& zone, const dns::Name& owner, uint16_t type, uint32_t ttl,
               const std::vector<std::string>& rdatas, const SigFields& fields) const;

 private:
  TestSigner() = default;
  struct Free {
    void operator()(EVP_PKEY* k) const;
  };
  std::unique_ptr<EVP_PKEY, Free> key_;
  uint8_t algorithm_ = 0;
  uint16_t tag_ = 0;
  std::string dnskey_;
};

// Zone edits.
std::vector<size_t> FindRecords(const dns::Zone& z, const std::string& owner, uint16_t type);
// RRSIG records at owner covering type.
std::vector<size_t> FindSigs(const dns::Zone& z, const std::string& owner, uint16_t covered);
void RemoveRecords(dns::Zone& z, const std::function<bool(const dns::RR&)>& pred);
void RemoveRrsetAndSigs(dns::Zone& z, const std::string& owner, uint16_t type);
// The RDATAs of the RRset (owner, type).
std::vector<std::string> RdatasOf(const dns::Zone& z, const std::string& owner, uint16_t type);
// Replaces the RRSIGs of (owner, type) by one made by signer (window taken from an old RRSIG).
void Resign(dns::Zone& z, const TestSigner& signer, const std::string& owner, uint16_t type,
            const std::function<void(SigFields&)>& tweak = {});
uint16_t CoveredType(const dns::RR& rrsig);

}  // namespace rollcage::oracle::testing

#endif  // ROLLCAGE_ORACLE_TESTING_TEST_SIGNER_H_
