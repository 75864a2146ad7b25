#include "signer-under-test/runtime/sign_memo.h"

#include <algorithm>
#include <cstring>

#include <openssl/sha.h>

#include "base/encoding.h"

namespace rollcage::signer {
namespace {

// A length-prefixed field, so that no two different inputs give the same octets.
void AppendField(std::string& s, std::string_view v) {
  AppendU32(s, uint32_t(v.size()));
  s.append(v);
}

// The entry format (private to this file): the key, the counters, the zone's origin and records,
// the DS records and the cache entries. Records in uncompressed wire form (RR::AppendWire).
constexpr uint32_t kMagic = 0x52534d31;  // "RSM1"

struct Reader {
  std::string_view data;
  size_t pos = 0;
  bool ok = true;
  uint64_t U(int octets) {
    if (pos + size_t(octets) > data.size()) {
      ok = false;
      return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < octets; ++i) v = (v << 8) | static_cast<unsigned char>(data[pos + size_t(i)]);
    pos += size_t(octets);
    return v;
  }
  std::string_view Bytes(size_t n) {
    if (pos + n > data.size()) {
      ok = false;
      return {};
    }
    std::string_view v = data.substr(pos, n);
    pos += n;
    return v;
  }
  bool Rr(dns::RR* out) {
    auto rr = dns::RR::ReadWire(data, &pos);
    if (!rr.ok()) return ok = false;
    *out = std::move(rr).value();
    return true;
  }
};

}  // namespace

SignMemo::SignMemo(size_t arena_bytes, size_t index_slots)
    : ring_(new char[std::max<size_t>(arena_bytes, 4096)]), ring_size_(std::max<size_t>(arena_bytes, 4096)) {
  size_t n = 1;
  while (n < index_slots) n <<= 1;
  n = std::max<size_t>(n / kWays, 1);
  index_.reset(new Slot[n * kWays]);
  bucket_mask_ = n - 1;
}

SignMemo::~SignMemo() = default;

SignMemo::Slot* SignMemo::Bucket(const Key& key) {
  uint64_t h;
  std::memcpy(&h, key.data(), sizeof h);  // a digest: any octets are uniform
  return &index_[(h & bucket_mask_) * kWays];
}

bool SignMemo::Live(const Slot& s) const {
  return s.used && s.start + s.length <= written_ && written_ - s.start <= ring_size_;
}

void SignMemo::Write(std::string_view bytes) {
  size_t at = size_t(written_ % ring_size_);
  size_t first = std::min(bytes.size(), ring_size_ - at);
  std::memcpy(ring_.get() + at, bytes.data(), first);
  std::memcpy(ring_.get(), bytes.data() + first, bytes.size() - first);
  written_ += bytes.size();
}

void SignMemo::Read(uint64_t start, size_t length, std::string* out) const {
  size_t at = size_t(start % ring_size_);
  size_t first = std::min(length, ring_size_ - at);
  out->assign(ring_.get() + at, first);
  out->append(ring_.get(), length - first);
}

bool SignMemo::Store(const Key& key, const SignResult& r) {
  std::string& s = scratch_;
  s.clear();
  AppendU32(s, kMagic);
  s.append(reinterpret_cast<const char*>(key.data()), key.size());
  AppendU64(s, r.signatures);
  AppendU64(s, r.names);
  AppendU64(s, r.reused);
  AppendU64(s, r.failed);
  AppendU32(s, r.serial);
  s.push_back(r.verified ? 1 : 0);
  AppendU64(s, uint64_t(r.inception));
  AppendU64(s, uint64_t(r.expiration));
  AppendU64(s, uint64_t(r.next_refresh));
  s.push_back(r.cache.ignore_ttl() ? 1 : 0);
  AppendField(s, r.zone.origin().wire());
  AppendU32(s, uint32_t(r.zone.size()));
  for (const auto& rr : r.zone.records()) rr.AppendWire(s);
  AppendU32(s, uint32_t(r.ds.size()));
  for (const auto& rr : r.ds) rr.AppendWire(s);
  AppendU32(s, uint32_t(r.cache.size()));
  r.cache.ForEach([&s](const SignatureCache::CacheKey& k, const dns::RR& rr) {
    s.append(reinterpret_cast<const char*>(k.data()), k.size());
    rr.AppendWire(s);
  });
  if (s.size() > ring_size_ / 8 || s.size() > UINT32_MAX) return false;
  // The slot of this key, else a free (or overwritten) one, else the bucket's oldest.
  auto age = [this](const Slot& c) { return Live(c) ? c.start + 1 : 0; };  // 0: free
  Slot* bucket = Bucket(key);
  Slot* slot = &bucket[0];
  for (int w = 0; w < kWays; ++w) {
    Slot& c = bucket[w];
    if (c.used && c.key == key) {
      slot = &c;
      break;
    }
    if (age(c) < age(*slot)) slot = &c;
  }
  slot->key = key;
  slot->start = written_;
  slot->length = uint32_t(s.size());
  slot->used = true;
  Write(s);
  return true;
}

bool SignMemo::Find(const Key& key, SignResult* out) {
  ++lookups_;
  Slot* bucket = Bucket(key);
  Slot* found = nullptr;
  for (int w = 0; w < kWays && !found; ++w) {
    if (Live(bucket[w]) && bucket[w].key == key) found = &bucket[w];
  }
  if (!found) return false;
  Slot& slot = *found;
  Read(slot.start, slot.length, &scratch_);
  Reader in{scratch_};
  if (in.U(4) != kMagic || in.Bytes(key.size()) != std::string_view(reinterpret_cast<const char*>(key.data()), key.size())) {
    slot.used = false;
    return false;
  }
  SignResult r;
  r.signatures = size_t(in.U(8));
  r.names = size_t(in.U(8));
  r.reused = size_t(in.U(8));
  r.failed = size_t(in.U(8));
  r.serial = uint32_t(in.U(4));
  r.verified = in.U(1) != 0;
  r.inception = UnixTime(in.U(8));
  r.expiration = UnixTime(in.U(8));
  r.next_refresh = UnixTime(in.U(8));
  r.cache.set_ignore_ttl(in.U(1) != 0);
  auto origin = dns::Name::FromWire(in.Bytes(size_t(in.U(4))));
  // (None of this fails on what Store wrote; a slot that does not read back is dropped.)
  auto bad = [&slot] {
    slot.used = false;
    return false;
  };
  if (!in.ok || !origin.ok()) return bad();
  r.zone.set_origin(std::move(origin).value());
  auto read_rrs = [&](std::vector<dns::RR>* rrs) {
    size_t n = size_t(in.U(4));
    if (!in.ok || n > scratch_.size()) return false;  // (each record takes more than an octet)
    rrs->resize(n);
    for (auto& rr : *rrs) {
      if (!in.Rr(&rr)) return false;
    }
    return true;
  };
  if (!read_rrs(&r.zone.mutable_records()) || !read_rrs(&r.ds)) return bad();
  size_t n = size_t(in.U(4));
  for (size_t i = 0; i < n && in.ok; ++i) {
    SignatureCache::CacheKey k;
    std::string_view kb = in.Bytes(k.size());
    if (!in.ok) break;
    std::memcpy(k.data(), kb.data(), k.size());
    dns::RR rr;
    if (in.Rr(&rr)) r.cache.AddByKey(k, std::move(rr));
  }
  if (!in.ok || in.pos != scratch_.size()) return bad();
  *out = std::move(r);
  ++hits_;
  return true;
}

SignMemo::Key SignMemoKey(const SignMemoKeyInput& in) {
  thread_local std::string b;  // (reused: no allocation once grown)
  b.clear();
  AppendField(b, in.context);
  static const SignMemo::Key kEmpty{};
  const SignMemo::Key& cd = in.cache_digest ? *in.cache_digest : kEmpty;
  b.append(reinterpret_cast<const char*>(cd.data()), cd.size());
  AppendU64(b, uint64_t(in.now));
  AppendU32(b, in.base_serial);
  AppendField(b, in.zone_and_keys);
  if (in.keys) {
    AppendU32(b, uint32_t(in.keys->size()));
    for (size_t i = 0; i < in.keys->size(); ++i) {
      const ZoneKey& k = (*in.keys)[i];
      AppendField(b, k.key.id);
      AppendField(b, k.key.label);
      b.push_back(char(static_cast<int>(k.key.algorithm)));
      AppendField(b, k.key.public_key);
      AppendU16(b, k.flags);
      b.push_back(char((k.published ? 1 : 0) | (k.signs_dnskey ? 2 : 0) | (k.signs_zone ? 4 : 0) |
                       (in.in_store && i < in.in_store->size() && (*in.in_store)[i] ? 8 : 0)));
    }
  }
  SignMemo::Key out;
  SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), out.data());
  return out;
}

std::string SignMemoContext(const dns::Name& origin, const SignOptions& o, bool ignore_ttl, bool store_trusted,
                            const std::set<std::string>& mutant_names) {
  std::string c = "rollcage sign memo v1";
  AppendField(c, origin.wire());
  c.push_back(char(o.denial == Denial::kNsec3 ? 3 : 1));
  AppendU16(c, o.nsec3.iterations);
  AppendField(c, o.nsec3.salt);
  c.push_back(char((o.nsec3.opt_out ? 1 : 0) | (o.nsec3.mutant_delegation_bitmap ? 2 : 0) |
                   (o.nsec3.mutant_optout_secure ? 4 : 0)));
  AppendU32(c, o.validity);
  AppendU32(c, o.inception_backdate);
  AppendU32(c, o.expiration_jitter);
  AppendU64(c, o.jitter_seed);
  c.push_back(char(o.serial));
  AppendU64(c, o.dnskey_ttl ? uint64_t(*o.dnskey_ttl) : ~uint64_t(0));
  AppendU32(c, o.refresh);
  AppendU32(c, o.refresh_batch);
  c.push_back(char(o.verify));
  c.push_back(char((ignore_ttl ? 1 : 0) | (store_trusted ? 2 : 0) | (o.reuse ? 4 : 0)));
  AppendU32(c, uint32_t(mutant_names.size()));
  for (const auto& m : mutant_names) AppendField(c, m);
  return c;
}

}  // namespace rollcage::signer
