#include "oracle/verdict_cache.h"
#include "base/hot.h"

#include <cstdio>
#include <vector>

#include "base/encoding.h"
#include "base/file.h"
#include "oracle/crypto.h"

namespace rollcage::oracle {
namespace {

constexpr char kMagic[] = "rollcage-verdicts/1\n";

}  // namespace

RC_HOT_LEAF VerdictKey VerdictKey::Make(std::string_view content, std::string_view key_id) {
  VerdictKey k;
  for (size_t i = 0; i < k.bytes.size(); ++i) {
    uint8_t a = i < content.size() ? uint8_t(content[i]) : 0;
    uint8_t b = i < key_id.size() ? uint8_t(key_id[i]) : 0;
    k.bytes[i] = uint8_t(a ^ b);
  }
  return k;
}

namespace {

size_t SlotHash(const VerdictKey& k) {
  uint64_t h;
  std::memcpy(&h, k.bytes.data() + 4, sizeof h);  // octet 0 picks the shard
  return size_t(h);
}

}  // namespace

VerdictCache::Slot* VerdictCache::Shard::Find(const VerdictKey& k) {
  size_t mask = slots.size() - 1;
  for (size_t i = SlotHash(k) & mask;; i = (i + 1) & mask) {
    Slot& s = slots[i];
    if (s.state == 0 || s.key == k) return &s;
  }
}

void VerdictCache::Shard::Grow() {
  std::vector<Slot> old = std::move(slots);
  slots.assign(old.empty() ? 64 : old.size() * 2, Slot{});
  for (const Slot& s : old) {
    if (s.state != 0) *Find(s.key) = s;
  }
}

VerdictCache::VerdictCache(size_t max_entries)
    : shards_(new Shard[kShards]), max_per_shard_(max_entries / kShards + 1) {}

VerdictCache::~VerdictCache() = default;

std::optional<bool> VerdictCache::Lookup(const VerdictKey& key) const {
  Shard& s = ShardFor(key);
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.slots.empty()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  Slot* slot = s.Find(key);
  if (slot->state == 0) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  hits_.fetch_add(1, std::memory_order_relaxed);
  return slot->state == 2;
}

void VerdictCache::Insert(const VerdictKey& key, bool valid) {
  Shard& s = ShardFor(key);
  std::lock_guard<std::mutex> lock(s.mu);
  // A full shard starts over: the cache is an accelerator, never a source of truth.
  if (s.used >= max_per_shard_) {
    s.slots.clear();
    s.used = 0;
  }
  if ((s.used + 1) * 2 > s.slots.size()) s.Grow();
  Slot* slot = s.Find(key);
  if (slot->state == 0) {
    slot->key = key;
    ++s.used;
  }
  slot->state = valid ? 2 : 1;
}

size_t VerdictCache::size() const {
  size_t n = 0;
  for (int i = 0; i < kShards; ++i) {
    std::lock_guard<std::mutex> lock(shards_[i].mu);
    n += shards_[i].used;
  }
  return n;
}

void VerdictCache::Clear() {
  for (int i = 0; i < kShards; ++i) {
    std::lock_guard<std::mutex> lock(shards_[i].mu);
    shards_[i].slots.clear();
    shards_[i].used = 0;
  }
}

Status VerdictCache::Save(const std::string& path) const {
  std::string out = kMagic;
  std::string body;
  uint32_t count = 0;
  for (int i = 0; i < kShards; ++i) {
    std::lock_guard<std::mutex> lock(shards_[i].mu);
    for (const Slot& s : shards_[i].slots) {
      if (s.state == 0) continue;
      body.append(reinterpret_cast<const char*>(s.key.bytes.data()), s.key.bytes.size());
      body.push_back(s.state == 2 ? 1 : 0);
      ++count;
    }
  }
  AppendU32(out, count);
  out += body;
  return WriteFileAtomic(path, out);
}

Status VerdictCache::Load(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::Ok();
  std::fclose(f);
  auto data = ReadFile(path);
  if (!data.ok()) return data.status();
  const std::string& d = *data;
  size_t m = sizeof(kMagic) - 1;
  if (d.size() < m + 4 || d.compare(0, m, kMagic) != 0) {
    return BadInput(path + ": not a rollcage verdict cache");
  }
  uint32_t count = ReadU32(reinterpret_cast<const unsigned char*>(d.data()) + m);
  if (d.size() != m + 4 + size_t(count) * 17) return BadInput(path + ": verdict cache truncated");
  const char* p = d.data() + m + 4;
  for (uint32_t i = 0; i < count; ++i, p += 17) {
    VerdictKey k;
    std::memcpy(k.bytes.data(), p, 16);
    if (p[16] != 0 && p[16] != 1) return BadInput(path + ": verdict cache entry " + std::to_string(i) + " is corrupt");
    Insert(k, p[16] == 1);
  }
  return Status::Ok();
}

}  // namespace rollcage::oracle
