// ZoneSigner: the reference signer. Signs a whole zone as a pure function of (unsigned zone, keys,
// options, now), with the private-key operation delegated to a KeyStore:
//   - names classified (zone_classifier.h): delegation NS and glue stay unsigned, DS at delegations is
//     signed, data below cuts is left alone, empty non-terminals get NSEC3 RRs;
//   - the DNSKEY RRset holds every published key (plus DNSKEYs already in the input);
//   - NSEC or NSEC3 (+NSEC3PARAM) chain (denial_chain.h);
//   - every authoritative RRset signed (rrset_signer.h): DNSKEY by the keys with signs_dnskey,
//     CDS/CDNSKEY by those and the zone signing keys, the rest by the keys with signs_zone;
//   - inception = now - backdate, expiration = now + validity - a seeded per-RRset jitter;
//   - the SOA serial per policy.
// Fail closed: if any signature cannot be made the whole call fails; there is no partly signed zone.
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_ZONE_SIGNER_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_ZONE_SIGNER_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "dns/rr.h"
#include "dns/zone.h"
#include "signer-under-test/denial_chain.h"
#include "signer-under-test/key_store.h"
#include "signer-under-test/mutants/mutants.h"
#include "signer-under-test/zone_key.h"

namespace rollcage::signer {

// How the SOA serial changes when a zone is signed (RFC 1982 arithmetic: unixtime and date never go
// backwards; when their value is not greater than the current serial, the serial is incremented).
enum class SerialPolicy { kKeep, kIncrement, kUnixTime, kDate };
const char* SerialPolicyName(SerialPolicy policy);
Result<SerialPolicy> ParseSerialPolicy(std::string_view text);
uint32_t NextSerial(uint32_t current, SerialPolicy policy, UnixTime now);

enum class Denial { kNsec, kNsec3 };

// SignatureCache: the RRSIGs of an earlier signing, keyed by (RRset content, key identity), for
// incremental re-signing: a signature is reused while its RRset (owner, type, TTL, RDATA) and its key
// are unchanged and it stays valid for at least the refresh interval; otherwise the RRset is signed
// again. Not thread-safe for writers; readers may share it.
class SignatureCache {
 public:
  // An entry's key: the SHA-256 of (lowercased owner, type, class, TTL, canonical RDATA in order,
  // key identity), each field delimited — 32 octets in the map node, no string per RRset.
  using CacheKey = std::array<unsigned char, 32>;

  void Add(const dns::RRset& rrset, const std::string& key_identity, dns::RR rrsig);
  const dns::RR* Find(const dns::RRset& rrset, const std::string& key_identity) const;
  // The same by a key made once with Key (ZoneSigner looks up, then adds, every RRset).
  CacheKey Key(const dns::RRset& rrset, const std::string& key_identity) const;
  void AddByKey(const CacheKey& key, dns::RR rrsig) { map_[key] = std::move(rrsig); }
  // Moves the entry under `key` from `from` into this cache, allocating nothing; false when absent.
  bool MoveFrom(SignatureCache& from, const CacheKey& key);
  const dns::RR* FindByKey(const CacheKey& key) const {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second;
  }
  size_t size() const { return map_.size(); }
  // Every entry, in no particular order: f(const CacheKey&, const dns::RR& rrsig).
  template <class F>
  void ForEach(F&& f) const {
    for (const auto& [k, rr] : map_) f(k, rr);
  }
  void clear() { map_.clear(); }
  // Planted bug (stale-original-ttl): ignore the TTL when matching, so a TTL change reuses the old
  // signature and its stale original TTL.
  void set_ignore_ttl(bool ignore) { ignore_ttl_ = ignore; }
  bool ignore_ttl() const { return ignore_ttl_; }

 private:
  struct KeyHash {
    size_t operator()(const CacheKey& k) const;  // the digest's first octets
  };
  bool ignore_ttl_ = false;
  std::unordered_map<CacheKey, dns::RR, KeyHash> map_;
};

// Whether every signature is checked against the DNSKEY before it goes into the zone.
// kAuto: when the key store is not Trusted() (PKCS#11 tokens), so a token that returns a wrong
// signature makes signing fail instead of publishing it.
enum class VerifySignatures { kAuto, kAlways, kNever };
Result<VerifySignatures> ParseVerifySignatures(std::string_view text);  // auto, always, never

// (Everything here that shapes the output also goes into SignMemoContext, runtime/sign_memo.cc.)
struct SignOptions {
  Denial denial = Denial::kNsec;
  Nsec3Params nsec3;                    // used with Denial::kNsec3
  uint32_t validity = 30 * 86400;       // signature lifetime, from now
  uint32_t inception_backdate = 3600;   // inception = now - backdate, for resolvers with slow clocks
  uint32_t expiration_jitter = 86400;   // each RRset's expiration is lowered by 0..jitter seconds
  uint64_t jitter_seed = 0;             // the jitter is a hash of (seed, owner, type): deterministic
  SerialPolicy serial = SerialPolicy::kKeep;
  std::optional<uint32_t> dnskey_ttl;   // default: the input DNSKEY TTL, else the SOA TTL
  int threads = 0;                      // 0: the key store's MaxSigningThreads(); 1: this thread only
  // Incremental re-signing: reuse signatures from `reuse` that stay valid for more than `refresh`
  // seconds after now (RFC 6781 §4.4.2 — refresh before expiry), re-sign the rest. The entries
  // reused move from `reuse` into the result's cache (what is left in `reuse` was not used).
  SignatureCache* reuse = nullptr;
  uint32_t refresh = 0;
  // Refresh in batches: once any signature is due, every signature due within this window after it
  // is renewed too, so spread expirations do not each cost a zone version.
  uint32_t refresh_batch = 0;
  mutants::Switches mutants;  // planted bugs (off by default)
  VerifySignatures verify = VerifySignatures::kAuto;
};

struct SignResult {
  dns::Zone zone;             // the signed zone, in canonical order
  std::vector<dns::RR> ds;    // DS (SHA-256) for each published key that signs the DNSKEY RRset
  size_t signatures = 0;      // RRSIG RRs made
  bool verified = false;      // every signature was checked against its DNSKEY
  size_t names = 0;           // apex, authoritative and delegation names
  uint32_t serial = 0;        // the SOA serial written
  UnixTime inception = 0;
  UnixTime expiration = 0;    // the latest expiration (jitter only lowers it)
  size_t reused = 0;          // signatures taken from SignOptions::reuse
  size_t failed = 0;          // signatures that could not be made (only with the partial-zone mutant)
  SignatureCache cache;       // every signature of this zone, for the next incremental signing
  UnixTime next_refresh = 0;  // the earliest time a signature of this zone is due for refresh
};

class ZoneSigner {
 public:
  explicit ZoneSigner(KeyStore& store, SignOptions options = {}) : store_(store), options_(std::move(options)) {}

  // Signs zone (origin = zone.origin()) with keys at now. RRSIG, NSEC, NSEC3 and NSEC3PARAM records
  // in the input are dropped and rebuilt. Errors: kBadInput for a malformed zone (names the owner),
  // kKey when no key signs the DNSKEY RRset or the zone data, or when the store fails (its message
  // names the PKCS#11 function and CK_RV), kUsage for inconsistent options.
  Result<SignResult> Sign(const dns::Zone& zone, const std::vector<ZoneKey>& keys, UnixTime now) const;
  // The same, taking the zone's records instead of copying them.
  Result<SignResult> Sign(dns::Zone&& zone, const std::vector<ZoneKey>& keys, UnixTime now) const;

  const SignOptions& options() const { return options_; }

 private:
  KeyStore& store_;
  SignOptions options_;
};

// The per-RRset expiration jitter in [0, max_jitter] (exposed for tests).
uint32_t ExpirationJitter(uint64_t seed, const dns::Name& owner, uint16_t type, uint32_t max_jitter);

}  // namespace rollcage::signer

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_ZONE_SIGNER_H_
