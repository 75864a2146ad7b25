// Policy: the key and signing policy (KASP) of the reference signer, with the timing parameters of
// RFC 7583 §3 and RFC 6781 §4. Read from "key value" lines (docs/kasp.md) or a scenario's policy map.
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_KASP_POLICY_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_KASP_POLICY_H_

#include <cstdint>
#include <map>
#include <string>

#include "base/status.h"

namespace rollcage::signer::kasp {

struct Policy {
  uint8_t algorithm = 13;
  bool csk = false;                      // one combined signing key instead of KSK + ZSK
  int64_t zsk_lifetime = 30 * 86400;     // 0: never rolled automatically
  int64_t ksk_lifetime = 180 * 86400;
  int64_t csk_lifetime = 180 * 86400;
  std::string ksk_method = "double-ksk"; // double-ksk | double-ds (RFC 7583 §3.3)
  uint32_t dnskey_ttl = 3600;            // TTLkey
  uint32_t soa_minimum = 300;            // negative TTL for NSEC/NSEC3 (RFC 4034 §4, RFC 9077)
  int64_t propagation_delay = 300;       // Dprp: zone change to every authoritative server
  uint32_t parent_ds_ttl = 86400;        // TTLds the parent serves
  int64_t parent_propagation_delay = 3600;  // Dprp of the parent after a DS change is seen
  int64_t publish_safety = 3600;         // margins added to Ipub and Iret
  int64_t retire_safety = 3600;
  int64_t signature_validity = 14 * 86400;
  int64_t signature_refresh = 5 * 86400; // re-sign when less validity than this remains
  int64_t signature_jitter = 12 * 3600;  // expiration reduced by a seeded amount in [0, jitter)
  int64_t inception_offset = 3600;       // inception backdated by this much (clock skew)
  int64_t parent_poll = 3600;            // how often the signer checks the parent's DS
  uint8_t next_algorithm = 0;            // when set: roll to this algorithm at algorithm_rollover_at
  int64_t algorithm_rollover_at = 0;     // seconds after the first key was created
  std::string denial = "nsec3";          // nsec | nsec3 | nsec3-optout
  uint16_t nsec3_iterations = 0;         // RFC 9276: 0 extra iterations, empty salt
  std::string nsec3_salt;                // raw octets

  // Ipub (RFC 7583 §3.2.1): a new DNSKEY is usable this long after it was published.
  int64_t Ipub() const { return propagation_delay + dnskey_ttl + publish_safety; }
  // Iret for a given largest zone TTL: signatures by a retired key leave caches this long after.
  int64_t Iret(uint32_t max_zone_ttl) const { return propagation_delay + max_zone_ttl + retire_safety; }
  // After the parent serves a new DS set, the old one has left caches this much later.
  int64_t DsSettle() const { return parent_propagation_delay + parent_ds_ttl + retire_safety; }

  // Applies "key value" overrides (names as in docs/kasp.md); errors name the key.
  Status Apply(const std::map<std::string, std::string>& overrides);
  // Parses a policy file of "key value" lines ('#' comments); errors name "source:line: what".
  static Result<Policy> Parse(const std::string& text, const std::string& source);
  std::string Print() const;  // every key, in the file format
};

}  // namespace rollcage::signer::kasp

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_KASP_POLICY_H_
