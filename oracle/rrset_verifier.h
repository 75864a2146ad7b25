// RrsetVerifier: the oracle's low-level question, asked by the static oracle for every RRset and by
// the temporal oracle for every cacheable mix: does THIS RRset version with THESE RRSIGs validate
// under THIS DNSKEY RRset version at time t, and does that DNSKEY RRset validate under THIS parent
// DS set (RFC 4035 §5.2, §5.3)? Key tags are not identities (RFC 4034 App. B): every published key
// with an RRSIG's tag and algorithm is tried. Crypto verdicts go through an optional VerdictCache,
// keyed by (RRset content, RRSIG RDATA, key), so repeated questions cost a hash and a lookup.
// All methods are const and thread-safe; none reads a clock (time is the `now` argument).
#ifndef ROLLCAGE_ORACLE_RRSET_VERIFIER_H_
#define ROLLCAGE_ORACLE_RRSET_VERIFIER_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "base/string_map.h"
#include "base/time.h"
#include "dns/name.h"
#include "dns/rr.h"
#include "oracle/public_key.h"
#include "oracle/signed_data.h"
#include "oracle/verdict_cache.h"

namespace rollcage::oracle {

// One DNSKEY RDATA as the oracle sees it.
struct ZoneKey {
  std::string rdata;
  uint16_t flags = 0;
  uint8_t protocol = 0;
  uint8_t algorithm = 0;
  uint16_t tag = 0;    // RFC 4034 App. B, computed by the oracle
  std::string id;      // 16-octet digest of the RDATA: the key's identity in verdict caches
  std::shared_ptr<const PublicKey> key;  // null when the key cannot be loaded
  Status load;         // ok; kBadInput: malformed key; kEnvironment: unsupported algorithm

  bool zone_key() const { return flags & 0x0100; }
  bool sep() const { return flags & 0x0001; }
  bool revoked() const { return flags & 0x0080; }
  // May validate zone data: Zone Key bit set and Protocol 3 (RFC 4034 §2.1.1, §2.1.2).
  bool usable() const { return zone_key() && protocol == 3; }
};

// KeySet: a DNSKEY RRset version, loaded once, indexed by (tag, algorithm).
class KeySet {
 public:
  KeySet() = default;
  // Loads every DNSKEY RDATA; RDATA shorter than 4 octets is skipped (the zone checks report it).
  static KeySet FromRdatas(const std::vector<std::string_view>& rdatas);
  static KeySet FromRdatas(const std::vector<std::string>& rdatas);
  // The same, memoized process-wide by the RDATA (bounded): a zone's DNSKEY RRset versions recur
  // from one zone version to the next, and across the runs of a fuzzer.
  static std::shared_ptr<const KeySet> Shared(const std::vector<std::string_view>& rdatas);

  const std::vector<ZoneKey>& keys() const { return keys_; }
  bool empty() const { return keys_.empty(); }
  // Usable keys with this tag and algorithm; revoked keys only when for_dnskey (a revoked key may
  // sign only the DNSKEY RRset, RFC 5011 §2.1). Never null.
  const std::vector<int>& Matching(uint16_t tag, uint8_t algorithm, bool for_dnskey) const;
  // Algorithms of usable, non-revoked keys: every RRset must be signed with each (RFC 4035 §2.2).
  const std::vector<uint8_t>& Algorithms() const { return algorithms_; }  // ascending

 private:
  std::vector<ZoneKey> keys_;
  std::vector<uint8_t> algorithms_;
  std::unordered_map<uint32_t, std::vector<int>> data_keys_, dnskey_keys_;
};

// An RRset to check, as views into storage the caller keeps alive.
struct RrsetView {
  const dns::Name* owner = nullptr;
  uint16_t type = 0;
  uint16_t rrclass = dns::kClassIN;
  uint32_t ttl = 0;
  std::vector<std::string_view> rdatas;

  static RrsetView Of(const dns::RRset& s);
};

// The outcome of the cryptographic part of one RRSIG check.
enum class SigOutcome : uint8_t {
  kValid,                 // verifies under a published key with its tag and algorithm
  kNoKey,                 // no usable published key has its tag and algorithm
  kInvalid,               // such keys exist; it verifies under none of them
  kMalformedSignature,    // wrong length or encoding for its algorithm
  kBadLabels,             // Labels exceeds the owner's label count: no data to verify
  kUnsupportedAlgorithm,  // the oracle cannot verify this algorithm: NOT checked
  kKeyUnusable,           // the only keys with its tag and algorithm cannot be loaded
};
const char* SigOutcomeName(SigOutcome o);

// What the oracle could learn about an invalid signature (kInvalid).
enum class InvalidEvidence : uint8_t {
  kNone,
  kUnpublishedKey,          // ECDSA: a key recovered from it over this RRset has the same tag
  kNotMadeOverThisData,     // ECDSA: no key with its tag made it over this RRset
  kPublishedKeyOtherData,   // RSA: a published key with its tag made it, over other data
  kUndetermined,            // RSA garbage under every published key; EdDSA: cannot tell
};

struct SignatureCheck {
  SigOutcome outcome = SigOutcome::kInvalid;
  int key = -1;                  // index in the KeySet of the key that verified it
  UnixTime inception = 0, expiration = 0;  // expanded relative to now (RFC 4034 §3.1.5)
  bool expired = false;          // now > expiration (RFC 4035 §5.3.1)
  bool not_yet_valid = false;    // now < inception
  bool signer_mismatch = false;  // Signer's Name is not the zone
  bool labels_mismatch = false;  // Labels differs from the owner's RRSIG label count
  int crypto_ops = 0;            // signature verifications actually computed (0: all cached)
  InvalidEvidence evidence = InvalidEvidence::kNone;
  std::vector<std::string> recovered_keys;  // ECDSA: recovered public keys carrying its tag
  // ECDSA: every public key recovered from it (both candidates), whatever their tags. A key that
  // several invalid signatures of one zone recover to made them (an unpublished key signing under
  // a published key's tag, as in the .DE outage, where the signer wrote the published tag).
  std::vector<std::string> candidate_keys;
  int candidate_votes = 0;  // set by the zone validator: signatures that recover to the best candidate

  // A resolver would accept it at `now` (RFC 4035 §5.3.1-§5.3.3).
  bool Validates() const {
    return outcome == SigOutcome::kValid && !expired && !not_yet_valid && !signer_mismatch;
  }
};

enum class Security { kSecure, kInsecure, kBogus, kUnchecked };
const char* SecurityName(Security s);

struct RrsetVerdict {
  Security security = Security::kBogus;  // kSecure, kBogus, or kUnchecked (nothing checkable)
  std::vector<SignatureCheck> checks;    // one per RRSIG RDATA, in the order given
  int validating = -1;                   // index of the first RRSIG that validates
  std::string reason;                    // for kBogus: why, in one line
};

// The DNSKEY RRset judged against a parent DS set (or trust-anchor DS/DNSKEY RRs).
struct TrustVerdict {
  Security security = Security::kBogus;
  std::vector<int> ds_matched_keys;  // keys some DS (or anchor) designates
  std::vector<int> signing_keys;     // of those, the ones whose RRSIG over the DNSKEY RRset validates
  int ds_digest_mismatches = 0;      // DS naming a published key's tag/alg with a wrong digest
  int ds_unsupported = 0;            // DS with digest types or algorithms the oracle cannot use
  std::string reason;
};

struct VerifyOptions {
  // Recover the keys behind invalid signatures (ECDSA) and look for RSA evidence. Costs two EC
  // scalar multiplications per invalid ECDSA signature; off for pure pass/fail questions.
  bool diagnose = true;
};

class RrsetVerifier {
 public:
  explicit RrsetVerifier(VerdictCache* cache = nullptr, VerifyOptions options = {});

  // Checks one RRSIG over one RRset under keys, signed by zone, at now.
  SignatureCheck Check(const RrsetView& rrset, const RrsigView& sig, const KeySet& keys,
                       const dns::Name& zone, UnixTime now) const;
  // The RRset validates when at least one RRSIG does (RFC 4035 §5.3, RFC 6840 §5.4). RRSIG RDATA
  // that cannot be parsed counts as a failed signature.
  RrsetVerdict Verify(const RrsetView& rrset, const std::vector<std::string_view>& rrsig_rdatas,
                      const KeySet& keys, const dns::Name& zone, UnixTime now) const;
  // The DNSKEY RRset validates under ds_rdatas (parent DS RDATA) when a DS matches a key that
  // validly signs the DNSKEY RRset (RFC 4035 §5.2). anchor_keys (DNSKEY RDATA taken as trust
  // anchors) are accepted like DS matches. kUnchecked when only unsupported DS remain.
  TrustVerdict VerifyDnskeys(const dns::Name& zone, const RrsetView& dnskeys,
                             const std::vector<std::string_view>& rrsig_rdatas,
                             const std::vector<std::string_view>& ds_rdatas,
                             const std::vector<std::string_view>& anchor_keys, UnixTime now) const;

  // Time-independent single answers (what the temporal oracle's SignatureJudge asks):
  static uint16_t KeyTag(std::string_view dnskey_rdata);
  // rrsig_rdata is a correct signature over rrset by dnskey_rdata: its tag and algorithm match
  // the key, and the signature verifies. Validity windows and signer name are not considered.
  bool Verifies(const RrsetView& rrset, std::string_view rrsig_rdata, std::string_view dnskey_rdata) const;
  // The same for dns types, as the temporal oracle's SignatureJudge asks it.
  bool Verifies(const dns::RRset& rrset, const dns::RR& rrsig, const std::string& dnskey_rdata) const {
    return Verifies(RrsetView::Of(rrset), rrsig.rdata, dnskey_rdata);
  }
  // ds_rdata at owner is a digest of dnskey_rdata (RFC 4034 §5.1.4): tag, algorithm and digest.
  static bool DsMatches(const dns::Name& owner, std::string_view ds_rdata, std::string_view dnskey_rdata);

  VerdictCache* cache() const { return cache_; }

 private:
  void Diagnose(const RrsetView& rrset, const RrsigView& sig, const KeySet& keys,
                const std::vector<int>& candidates, const std::string& signed_data,
                const std::string& sd_digest, SignatureCheck* c) const;
  std::shared_ptr<const KeySet> SingleKey(std::string_view dnskey_rdata) const;

  VerdictCache* cache_;
  VerifyOptions options_;
  mutable std::mutex single_mu_;
  mutable StringMap<std::shared_ptr<const KeySet>> single_keys_;  // looked up without copying the key
};

}  // namespace rollcage::oracle

#endif  // ROLLCAGE_ORACLE_RRSET_VERIFIER_H_
