// SignMemo: zone signings remembered across signer runtimes in one process, for fuzzing.
//
// A zone signing (ZoneSigner::Sign) is a pure function of its inputs when the key store is
// deterministic (the in-process OpenSSL store: RFC 6979 ECDSA, RSA PKCS#1 v1.5 and Ed25519 give the
// same signature for the same key and data): the unsigned zone, the keys, the time, the options and
// the signature cache it may reuse from. The cache is itself what the previous signing left, so
// each signing's key chains through every signing before it (SignerRuntime keeps the digest of its
// cache: the key of the signing that made it).
//
// The scenario fuzz target runs thousands of scenarios per minute, and a mutated input replays its
// parent's first zone versions exactly; with a memo those signings are copied instead of redone.
// Not for PKCS#11 tokens: a chaos fault plan counts the calls to the token, so every signing must
// reach it (ReferenceAdapter passes the memo only to scenarios without HSMs).
//
// Allocation-free once built: entries are serialised into one ring buffer of fixed size, indexed
// by a fixed set-associative table; a newer entry overwrites the oldest bytes, and an index slot whose
// bytes were overwritten is a miss. (libFuzzer runs an input a second time whenever it allocated
// more than it freed, looking for a leak; a memo that grew would make every input look like that.)
// Not thread-safe: one memo per thread.
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_RUNTIME_SIGN_MEMO_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_RUNTIME_SIGN_MEMO_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "signer-under-test/zone_signer.h"

namespace rollcage::signer {

class SignMemo {
 public:
  using Key = std::array<unsigned char, 32>;  // a SHA-256 of everything the signing depends on

  // arena_bytes: the ring buffer (an entry larger than an eighth of it is not kept);
  // index_slots: the index (rounded up to a power of two; an entry whose bucket is full pushes
  // out the bucket's oldest).
  SignMemo(size_t arena_bytes, size_t index_slots);
  ~SignMemo();
  SignMemo(const SignMemo&) = delete;
  SignMemo& operator=(const SignMemo&) = delete;

  // The result remembered under key, rebuilt into *out (its zone, DS, cache and counters);
  // false when there is none.
  bool Find(const Key& key, SignResult* out);
  // Remembers r under key (overwriting the oldest entries when the ring is full). False when r
  // does not fit (then nothing is stored).
  bool Store(const Key& key, const SignResult& r);

  size_t hits() const { return hits_; }
  size_t lookups() const { return lookups_; }

 private:
  struct Slot {
    Key key{};
    uint64_t start = 0;  // absolute position in the ring (bytes written before it)
    uint32_t length = 0;
    bool used = false;
  };
  static constexpr int kWays = 4;  // the index is 4-way set-associative
  Slot* Bucket(const Key& key);      // its kWays slots
  bool Live(const Slot& s) const;  // its bytes not yet overwritten
  void Write(std::string_view bytes);
  void Read(uint64_t start, size_t length, std::string* out) const;

  std::unique_ptr<char[]> ring_;
  size_t ring_size_;
  uint64_t written_ = 0;  // bytes written since construction (the ring position is this modulo size)
  std::unique_ptr<Slot[]> index_;
  size_t bucket_mask_;
  std::string scratch_;   // serialisation buffer (grows to the largest entry, then stays)
  size_t hits_ = 0, lookups_ = 0;
};

// The key of one signing. context: what stays fixed for a signer runtime (SignMemoContext);
// cache_digest: the key of the signing whose cache is reused (all zero for an empty cache);
// zone_and_keys: the unsigned zone and the keys as SignerRuntime fingerprints them; keys: every
// field of the keys given to Sign, and whether the store holds each.
struct SignMemoKeyInput {
  std::string_view context;
  const SignMemo::Key* cache_digest = nullptr;
  std::string_view zone_and_keys;
  const std::vector<ZoneKey>* keys = nullptr;
  const std::vector<bool>* in_store = nullptr;
  UnixTime now = 0;
  uint32_t base_serial = 0;
};
SignMemo::Key SignMemoKey(const SignMemoKeyInput& in);
// Everything in SignOptions that shapes the output, and the origin and mutant names, as octets.
// (A field added to SignOptions must be added here.)
std::string SignMemoContext(const dns::Name& origin, const SignOptions& o, bool ignore_ttl, bool store_trusted,
                            const std::set<std::string>& mutant_names);

}  // namespace rollcage::signer

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_RUNTIME_SIGN_MEMO_H_
