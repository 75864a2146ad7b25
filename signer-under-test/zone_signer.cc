#include "signer-under-test/zone_signer.h"
#include "base/hot.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "base/encoding.h"
#include "dns/rdata.h"
#include "signer-under-test/internal/openssl_util.h"
#include "signer-under-test/key_tag.h"
#include "signer-under-test/rrset_signer.h"
#include "signer-under-test/signature_verifier.h"
#include "signer-under-test/zone_classifier.h"

namespace rollcage::signer {

namespace rt = dns::rrtype;

const char* SerialPolicyName(SerialPolicy policy) {
  switch (policy) {
    case SerialPolicy::kKeep: return "keep";
    case SerialPolicy::kIncrement: return "increment";
    case SerialPolicy::kUnixTime: return "unixtime";
    case SerialPolicy::kDate: return "date";
  }
  return "?";
}

Result<SerialPolicy> ParseSerialPolicy(std::string_view text) {
  for (SerialPolicy p : {SerialPolicy::kKeep, SerialPolicy::kIncrement, SerialPolicy::kUnixTime, SerialPolicy::kDate}) {
    if (text == SerialPolicyName(p)) return p;
  }
  return UsageError("unknown serial policy '" + std::string(text) + "' (use keep, increment, unixtime or date)");
}

Result<VerifySignatures> ParseVerifySignatures(std::string_view text) {
  if (text == "auto") return VerifySignatures::kAuto;
  if (text == "always") return VerifySignatures::kAlways;
  if (text == "never") return VerifySignatures::kNever;
  return UsageError("signature verification must be auto, always or never, not '" + std::string(text) + "'");
}

namespace {

// RFC 1982 §3.2: s1 < s2 in serial number arithmetic.
bool SerialLess(uint32_t s1, uint32_t s2) {
  return (s1 < s2 && s2 - s1 < 0x80000000u) || (s1 > s2 && s1 - s2 > 0x80000000u);
}

uint32_t AtLeastNext(uint32_t current, uint32_t candidate) {
  return SerialLess(current, candidate) ? candidate : current + 1;
}

}  // namespace

uint32_t NextSerial(uint32_t current, SerialPolicy policy, UnixTime now) {
  switch (policy) {
    case SerialPolicy::kKeep:
      return current;
    case SerialPolicy::kIncrement:
      return current + 1;
    case SerialPolicy::kUnixTime:
      return AtLeastNext(current, uint32_t(now));
    case SerialPolicy::kDate: {
      std::string day = FormatTimeCompact(now).substr(0, 8);  // YYYYMMDD
      return AtLeastNext(current, uint32_t(std::stoul(day)) * 100u);
    }
  }
  return current;
}

uint32_t ExpirationJitter(uint64_t seed, const dns::Name& owner, uint16_t type, uint32_t max_jitter) {
  if (max_jitter == 0) return 0;
  uint64_t h = 0xcbf29ce484222325ull ^ seed;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 0x100000001b3ull;
  };
  const dns::Name lower = owner.Lowercase();  // kept alive: wire() returns a reference into it
  for (unsigned char c : lower.wire()) mix(c);
  mix(uint8_t(type >> 8));
  mix(uint8_t(type & 0xff));
  // splitmix64 finaliser, so that neighbouring names spread over the whole range.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return uint32_t(h % (uint64_t(max_jitter) + 1));
}

namespace {

struct Job {
  const dns::RRset* rrset;
  const std::vector<const ZoneKey*>* keys;
};

// An RRSIG's validity window, read in place (the RRSIGs here are the signer's own).
bool RrsigWindow(std::string_view rdata, uint32_t* inception, uint32_t* expiration) {
  if (rdata.size() < 18) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(rdata.data());
  *expiration = ReadU32(p + 8);
  *inception = ReadU32(p + 12);
  return true;
}

}  // namespace

Result<SignResult> ZoneSigner::Sign(const dns::Zone& zone, const std::vector<ZoneKey>& keys, UnixTime now) const {
  return Sign(dns::Zone(zone), keys, now);
}

Result<SignResult> ZoneSigner::Sign(dns::Zone&& zone, const std::vector<ZoneKey>& keys, UnixTime now) const {
  const SignOptions& o = options_;
  if (o.validity == 0) return UsageError("signature validity must be positive");
  if (o.expiration_jitter >= o.validity) {
    return UsageError("expiration jitter (" + std::to_string(o.expiration_jitter) +
                      " s) must be smaller than the validity (" + std::to_string(o.validity) + " s)");
  }
  const dns::Name& origin = zone.origin();

  std::vector<const ZoneKey*> ksks, zsks, both;
  for (const auto& k : keys) {
    if (k.signs_dnskey) ksks.push_back(&k);
    if (k.signs_zone) zsks.push_back(&k);
    if (k.signs_dnskey || k.signs_zone) both.push_back(&k);
  }
  if (ksks.empty()) return KeyError("no key signs the DNSKEY RRset of " + origin.ToText() + " (no KSK or CSK)");
  if (zsks.empty()) return KeyError("no key signs the zone data of " + origin.ToText() + " (no ZSK or CSK)");

  // 1. The records to sign: the input without its DNSSEC chain and signatures, plus the DNSKEY RRset
  //    and the NSEC3PARAM, with the serial updated.
  std::vector<dns::RR> records;
  records.reserve(zone.size() + keys.size() + 1);
  std::optional<size_t> soa_index;
  std::optional<uint32_t> input_dnskey_ttl;
  for (auto& r : zone.mutable_records()) {  // (moved out: the zone is ours)
    if (r.type == rt::kRRSIG || r.type == rt::kNSEC || r.type == rt::kNSEC3 || r.type == rt::kNSEC3PARAM) continue;
    if (r.owner == origin && r.type == rt::kSOA && !soa_index) soa_index = records.size();
    if (r.owner == origin && r.type == rt::kDNSKEY && !input_dnskey_ttl) input_dnskey_ttl = r.ttl;
    records.push_back(std::move(r));
  }
  if (!soa_index) return BadInput("no SOA record at the apex " + origin.ToText());
  const dns::RR* soa = &records[*soa_index];
  auto soa_data = dns::SoaData::Parse(soa->rdata);
  if (!soa_data.ok()) return soa_data.status().WithContext(origin.ToText() + " SOA");
  uint32_t soa_ttl = soa->ttl;
  // RFC 9077 §3: the TTL of NSEC and NSEC3 RRs is min(SOA TTL, SOA MINIMUM).
  uint32_t denial_ttl = std::min(soa_ttl, soa_data->minimum);
  uint32_t new_serial = NextSerial(soa_data->serial, o.serial, now);
  for (auto& r : records) {
    if (r.owner == origin && r.type == rt::kSOA) {
      auto d = dns::SoaData::Parse(r.rdata);
      if (d.ok()) {
        d->serial = new_serial;
        r.rdata = d->Encode();
      }
    }
  }
  uint32_t dnskey_ttl = o.dnskey_ttl.value_or(input_dnskey_ttl.value_or(soa_ttl));
  for (auto& r : records) {
    if (r.owner == origin && r.type == rt::kDNSKEY) r.ttl = dnskey_ttl;
  }
  for (const auto& k : keys) {
    if (k.published) records.push_back(dns::RR{origin, rt::kDNSKEY, dns::kClassIN, dnskey_ttl, k.DnskeyRdata()});
  }
  if (o.denial == Denial::kNsec3) {
    records.push_back(dns::RR{origin, rt::kNSEC3PARAM, dns::kClassIN, denial_ttl, Nsec3ParamRdata(o.nsec3)});
  }

  // 2. Classify names, 3. build the denial chain.
  RC_ASSIGN_OR_RETURN(ClassifiedZone classified, ClassifyZone(std::move(records), origin));
  std::vector<dns::RR> denial;
  if (o.denial == Denial::kNsec) {
    denial = BuildNsecChain(classified, denial_ttl);
  } else {
    Nsec3Params n3 = o.nsec3;
    n3.mutant_delegation_bitmap = o.mutants.nsec3_delegation_bitmap;
    n3.mutant_optout_secure = o.mutants.optout_after_ds;
    RC_ASSIGN_OR_RETURN(denial, BuildNsec3Chain(classified, n3, denial_ttl));
  }
  std::vector<dns::RRset> denial_sets;
  denial_sets.reserve(denial.size());
  for (auto& r : denial) {  // (moved back into records when the zone is assembled)
    denial_sets.push_back(dns::RRset{std::move(r.owner), r.type, r.rrclass, r.ttl, {}});
    denial_sets.back().rdatas.push_back(std::move(r.rdata));
  }

  // 4. The signing jobs: every authoritative RRset, DS at delegations, the denial RRs.
  std::vector<Job> jobs;
  jobs.reserve(classified.nodes.size() * 2 + denial_sets.size());
  SignResult result;
  for (const auto& node : classified.nodes) {
    switch (node.kind) {
      case NodeKind::kApex:
      case NodeKind::kAuthoritative:
        ++result.names;
        for (const auto& set : node.rrsets) {
          const auto* signers = set.type == rt::kDNSKEY ? &ksks
                                : (set.type == rt::kCDS || set.type == rt::kCDNSKEY) ? &both
                                                                                     : &zsks;
          jobs.push_back({&set, signers});
        }
        break;
      case NodeKind::kDelegation:
        ++result.names;
        if (const auto* ds = node.Find(rt::kDS)) jobs.push_back({ds, &zsks});
        if (o.mutants.sign_glue) {  // planted bug: the delegation NS RRset signed too
          if (const auto* ns = node.Find(rt::kNS)) jobs.push_back({ns, &zsks});
        }
        break;
      case NodeKind::kOccluded:
        if (o.mutants.sign_glue) {  // planted bug: glue signed
          for (const auto& set : node.rrsets) jobs.push_back({&set, &zsks});
        }
        break;
      case NodeKind::kEmptyNonTerminal:
        break;
    }
  }
  for (const auto& set : denial_sets) jobs.push_back({&set, &zsks});

  UnixTime inception = o.mutants.no_inception_backdate ? now : now - UnixTime(o.inception_backdate);
  UnixTime expiration = now + UnixTime(o.validity);
  bool verify = o.verify == VerifySignatures::kAlways || (o.verify == VerifySignatures::kAuto && !store_.Trusted());
  // Planted bugs that model signers that never checked their own signatures.
  if (o.mutants.per_hsm_keypair || o.mutants.keygen_retry) verify = false;
  std::optional<SignatureVerifier> verifier;
  if (verify) {
    std::vector<KeyInfo> infos;
    for (const auto& k : keys) infos.push_back(k.key);
    RC_ASSIGN_OR_RETURN(verifier, SignatureVerifier::Create(infos));
  }
  result.verified = verify;
  RrsetSigner signer(store_, origin, verifier ? &*verifier : nullptr);
  // One slot per (job, key): the signature, its cache key, and whether it came from the cache.
  // Flat (no vector per job). Per key, once: its identity (the DNSKEY RDATA) for the cache.
  const size_t width = keys.size();
  std::vector<dns::RR> slots(jobs.size() * width);
  std::vector<SignatureCache::CacheKey> cache_keys(jobs.size() * width);
  std::vector<uint8_t> reused_slot(jobs.size() * width, 0);
  std::vector<uint32_t> made(jobs.size(), 0);  // slots filled per job (fewer: partial-zone mutant)
  std::vector<std::string> identities;  // by position in keys
  identities.reserve(keys.size());
  for (const auto& k : keys) identities.push_back(k.Identity());
  const bool reuse_by_key = o.reuse && o.reuse->ignore_ttl() == result.cache.ignore_ttl();
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::atomic<size_t> reused_count{0};
  std::atomic<size_t> failed_count{0};
  std::mutex error_mu;
  Status first_error;
  auto worker = [&]() {
    constexpr size_t kBatch = 16;
    while (!failed.load(std::memory_order_relaxed)) {
      size_t start = next.fetch_add(kBatch);
      if (start >= jobs.size()) return;
      size_t end = std::min(jobs.size(), start + kBatch);
      for (size_t i = start; i < end; ++i) {
        const Job& job = jobs[i];
        uint32_t jitter = ExpirationJitter(o.jitter_seed, job.rrset->owner, job.rrset->type, o.expiration_jitter);
        for (size_t j = 0; j < job.keys->size(); ++j) {
          const ZoneKey* key = (*job.keys)[j];
          const std::string& identity = identities[size_t(key - keys.data())];
          SignatureCache::CacheKey& cache_key = cache_keys[i * width + j];
          cache_key = result.cache.Key(*job.rrset, identity);
          size_t slot = i * width + made[i];
          if (o.reuse) {
            // The same key unless the caches match differently (the stale-original-ttl mutant).
            const dns::RR* old = reuse_by_key ? o.reuse->FindByKey(cache_key) : o.reuse->Find(*job.rrset, identity);
            if (old) {
              uint32_t old_inception = 0, old_expiration = 0;
              bool ok = RrsigWindow(old->rdata, &old_inception, &old_expiration);
              UnixTime keep = UnixTime(o.refresh) + UnixTime(o.refresh_batch);
              if (o.mutants.refresh_off_by_one) keep = -3600;  // planted bug: kept an hour past expiry
              if (ok && ExpandRrsigTime(old_inception, now) <= now &&
                  ExpandRrsigTime(old_expiration, now) - now > keep) {
                slots[slot] = *old;
                reused_slot[slot] = 1;
                ++made[i];
                reused_count.fetch_add(1, std::memory_order_relaxed);
                continue;
              }
            }
          }
          auto rr = signer.Sign(*job.rrset, *key, uint32_t(inception), uint32_t(expiration - jitter));
          if (!rr.ok() && o.mutants.partial_zone) {  // planted bug: leave this RRset unsigned, go on
            failed_count.fetch_add(1, std::memory_order_relaxed);
            continue;
          }
          if (!rr.ok()) {
            std::lock_guard<std::mutex> lock(error_mu);
            if (first_error.ok()) {
              first_error = rr.status().WithContext("signing " + job.rrset->owner.ToText() + " " +
                                                    dns::TypeToText(job.rrset->type));
            }
            failed = true;
            return;
          }
          slots[slot] = std::move(rr).value();
          ++made[i];
        }
      }
    }
  };
  int threads = o.threads > 0 ? o.threads : store_.MaxSigningThreads();
  threads = std::clamp<int>(threads, 1, int(jobs.size() / 64 + 1));
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }
  if (failed) return first_error;  // fail closed: no partly signed zone
  result.reused = reused_count.load();
  result.failed = failed_count.load();
  result.next_refresh = std::numeric_limits<UnixTime>::max();
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (made[i] != jobs[i].keys->size()) continue;  // (partial-zone mutant) not cacheable
    for (size_t j = 0; j < made[i]; ++j) {
      size_t slot = i * width + j;
      uint32_t sig_inception = 0, sig_expiration = 0;
      if (RrsigWindow(slots[slot].rdata, &sig_inception, &sig_expiration)) {
        UnixTime due = o.mutants.refresh_off_by_one ? ExpandRrsigTime(sig_expiration, now) + 3600
                                                    : ExpandRrsigTime(sig_expiration, now) - UnixTime(o.refresh);
        result.next_refresh = std::min(result.next_refresh, due);
      }
      // A reused signature's cache entry moves over whole (no copy); a new one is added.
      if (reused_slot[slot] && reuse_by_key && result.cache.MoveFrom(*o.reuse, cache_keys[slot])) continue;
      result.cache.AddByKey(cache_keys[slot], slots[slot]);
    }
  }

  // 5. Assemble: every record (including unsigned NS and glue), the chain and the signatures.
  dns::Zone out(origin);
  auto& recs = out.mutable_records();
  size_t total = denial.size();
  for (uint32_t m : made) total += m;
  for (const auto& node : classified.nodes) {
    for (const auto& set : node.rrsets) total += set.rdatas.size();
  }
  recs.reserve(total);
  for (auto& node : classified.nodes) {  // (the jobs that pointed into it are done: RDATA moves out)
    for (auto& set : node.rrsets) {
      for (auto& rd : set.rdatas) recs.push_back(dns::RR{set.owner, set.type, set.rrclass, set.ttl, std::move(rd)});
    }
  }
  for (auto& set : denial_sets) {
    recs.push_back(dns::RR{std::move(set.owner), set.type, set.rrclass, set.ttl, std::move(set.rdatas[0])});
  }
  for (size_t i = 0; i < jobs.size(); ++i) {
    result.signatures += made[i];
    for (size_t j = 0; j < made[i]; ++j) recs.push_back(std::move(slots[i * width + j]));
  }
  out.SortCanonical();
  result.zone = std::move(out);
  for (const auto& k : keys) {
    if (!k.published || !k.signs_dnskey) continue;
    RC_ASSIGN_OR_RETURN(dns::DsData ds, MakeDs(origin, k.DnskeyRdata(), kDigestSha256));
    result.ds.push_back(dns::RR{origin, rt::kDS, dns::kClassIN, dnskey_ttl, ds.Encode()});
  }
  result.serial = new_serial;
  result.inception = inception;
  result.expiration = expiration;
  return result;
}

RC_HOT_LEAF SignatureCache::CacheKey SignatureCache::Key(const dns::RRset& rrset, const std::string& key_identity) const {
  // Built on every RRset of every signing: the fields go into a per-thread buffer (no allocation once
  // grown) and the map keeps their digest.
  thread_local std::string k;
  k.clear();
  for (char c : rrset.owner.wire()) k.push_back(c >= 'A' && c <= 'Z' ? char(c + 32) : c);  // lowercased
  auto number = [](uint32_t v) {
    char buf[12];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    k.append(buf, end);
  };
  number(rrset.type);
  k.push_back('/');
  number(rrset.rrclass);
  k.push_back('/');
  number(ignore_ttl_ ? 0 : rrset.ttl);
  k.push_back('|');
  auto append = [&number](std::string_view rd) {
    number(uint32_t(rd.size()));
    k.push_back(':');
    k += rd;
  };
  if (rrset.rdatas.size() == 1 && dns::CanonicalRdataIsRdata(rrset.type)) {
    append(rrset.rdatas[0]);
  } else {
    std::vector<std::string> owned;
    for (std::string_view rd : SortedCanonicalRdata(rrset, &owned)) append(rd);
  }
  k += "|";
  k += key_identity;
  CacheKey out;
  internal::Sha256Into({k}, out.data());
  return out;
}

size_t SignatureCache::KeyHash::operator()(const CacheKey& k) const {
  size_t h;
  std::memcpy(&h, k.data(), sizeof h);  // a digest: any octets are uniform
  return h;
}

bool SignatureCache::MoveFrom(SignatureCache& from, const CacheKey& key) {
  auto node = from.map_.extract(key);
  if (node.empty()) return false;
  map_.insert(std::move(node));
  return true;
}

void SignatureCache::Add(const dns::RRset& rrset, const std::string& key_identity, dns::RR rrsig) {
  map_[Key(rrset, key_identity)] = std::move(rrsig);
}

const dns::RR* SignatureCache::Find(const dns::RRset& rrset, const std::string& key_identity) const {
  auto it = map_.find(Key(rrset, key_identity));
  return it == map_.end() ? nullptr : &it->second;
}

}  // namespace rollcage::signer
