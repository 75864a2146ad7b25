// VerdictCache: remembers whether a signature verified, keyed by (RRset content, RRSIG RDATA, key).
// The key is 128 bits of SHA-256 over the signed data (the RRSIG RDATA less its signature, then the
// canonical RRset) and the signature, combined with the key's identity, so a verdict is reused only
// for the exact same triple. Verdicts do not depend on time (validity windows are checked apart), so one cache
// serves every zone version of a campaign and gives incremental validation. Thread-safe.
#ifndef ROLLCAGE_ORACLE_VERDICT_CACHE_H_
#define ROLLCAGE_ORACLE_VERDICT_CACHE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace rollcage::oracle {

struct VerdictKey {
  std::array<uint8_t, 16> bytes{};
  bool operator==(const VerdictKey& o) const { return bytes == o.bytes; }
  // content: SHA-256(signed data || signature length || signature), which names the (RRset, RRSIG)
  // pair; key_id: the key's identity (ZoneKey::id, itself a digest). The key combines their first
  // 16 octets (both uniformly distributed, so distinct triples collide with probability 2^-128).
  static VerdictKey Make(std::string_view content, std::string_view key_id);
};

class VerdictCache {
 public:
  explicit VerdictCache(size_t max_entries = 8u << 20);
  ~VerdictCache();

  std::optional<bool> Lookup(const VerdictKey& key) const;
  void Insert(const VerdictKey& key, bool valid);
  size_t size() const;
  void Clear();

  size_t hits() const { return hits_.load(std::memory_order_relaxed); }
  size_t misses() const { return misses_.load(std::memory_order_relaxed); }

  // Persists the cache (binary: magic, count, 17-octet entries) atomically; kIo on failure.
  Status Save(const std::string& path) const;
  // Adds the entries of a file written by Save. A missing file is not an error (nothing added);
  // a file of the wrong format is kBadInput.
  Status Load(const std::string& path);

 private:
  static constexpr int kShards = 64;
  // One shard: an open-addressing table (linear probing) of 16-octet keys; the keys are uniform
  // digests, so their octets are the hash. state: 0 empty, 1 invalid, 2 valid.
  struct Slot {
    VerdictKey key;
    uint8_t state = 0;
  };
  struct Shard {
    mutable std::mutex mu;
    std::vector<Slot> slots;
    size_t used = 0;
    Slot* Find(const VerdictKey& k);  // the slot holding k, or the empty slot where it goes
    void Grow();
  };
  Shard& ShardFor(const VerdictKey& k) const { return shards_[k.bytes[0] % kShards]; }

  std::unique_ptr<Shard[]> shards_;
  size_t max_per_shard_;
  mutable std::atomic<size_t> hits_{0}, misses_{0};
};

}  // namespace rollcage::oracle

#endif  // ROLLCAGE_ORACLE_VERDICT_CACHE_H_
