#include "signer-under-test/runtime/signer_runtime.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "base/file.h"
#include "dns/rdata.h"
#include "signer-under-test/key_tag.h"
#include "signer-under-test/openssl_key_store.h"
#include "signer-under-test/runtime/colliding_key.h"

namespace rollcage::signer {
namespace {

KeyRole ToSignerRole(kasp::Role r) {
  switch (r) {
    case kasp::Role::kKsk: return KeyRole::kKsk;
    case kasp::Role::kZsk: return KeyRole::kZsk;
    case kasp::Role::kCsk: return KeyRole::kCsk;
  }
  return KeyRole::kZsk;
}

// A runtime key's label: its zone's key label and its serial ("check.test. zsk #3").
std::string RuntimeKeyLabel(std::string_view origin_text, kasp::Role role, int serial) {
  std::string label = ZoneKeyLabel(origin_text, ToSignerRole(role));
  label += " #";
  label += std::to_string(serial);
  return label;
}

bool IsCrash(const Status& s) { return !s.ok() && s.message().rfind("crash at ", 0) == 0; }

}  // namespace

// Makes the manager's keys: material derived from (seed, zone, serial) — so a retried creation
// makes the same key — imported into every HSM of the pool.
class SignerRuntime::Factory : public kasp::KeyFactory {
 public:
  Factory(const RuntimeOptions& o, KeyPool* pool)
      : o_(o), pool_(pool), mutants_(mutants::Switches::From(o.mutants)) {}

  Result<Made> Create(int serial, kasp::Role role, uint8_t algorithm,
                      const std::optional<std::string>& collide_with) override {
    KeySpec spec;
    spec.algorithm = static_cast<Algorithm>(algorithm);
    spec.label = RuntimeKeyLabel(o_.origin.ToText(), role, serial);
    uint16_t flags = role == kasp::Role::kZsk ? 256 : 257;
    if (mutants_.state_lost_on_crash) {
      // Planted bug: a signer that lost its state generates fresh keys (here: material that also
      // depends on what the key store already holds, so a restart does not find the old keys).
      auto held = pool_->List();
      spec.label += " gen" + std::to_string(held.ok() ? held->size() : 0);
    }
    std::string pkcs8;
    if (collide_with) {
      uint16_t target = KeyTag(DnskeyRdataOf(flags, algorithm, *collide_with));
      auto c = CollidingKeyPkcs8(o_.seed, spec, flags, target, 1 << 18);
      if (c.ok()) {
        pkcs8 = std::move(c).value();
      } else {
        RC_ASSIGN_OR_RETURN(pkcs8, DeriveKeyPkcs8(o_.seed, spec));  // no collision within budget
      }
    } else {
      RC_ASSIGN_OR_RETURN(pkcs8, DeriveKeyPkcs8(o_.seed, spec));
    }
    if (mutants_.per_hsm_keypair && pool_->size() > 1) {
      // Planted bug (.DE): a separate key pair per HSM under one identity (same id and label); the
      // first HSM's public key is the one recorded and published.
      RC_ASSIGN_OR_RETURN(KeyInfo first, pool_->ImportInto(0, spec, pkcs8));
      for (size_t h = 1; h < pool_->size(); ++h) {
        KeySpec other = spec;
        other.label = spec.label + "/hsm" + std::to_string(h + 1);
        RC_ASSIGN_OR_RETURN(std::string own, DeriveKeyPkcs8(o_.seed, other));
        other.label = spec.label;
        other.id_override = first.id;
        RC_RETURN_IF_ERROR(pool_->ImportInto(h, other, own).status());
      }
      return Made{first.id, first.public_key};
    }
    auto info = pool_->Import(spec, pkcs8);
    if (!info.ok() && mutants_.keygen_retry) {
      // Planted bug: the failure was reported, so try again with fresh material — but the first
      // public key is what gets recorded (and published), while signing uses the second.
      RC_ASSIGN_OR_RETURN(KeyInfo first, PublicKeyOfPkcs8(pkcs8));
      KeySpec retry = spec;
      retry.label = spec.label + " retry";
      RC_ASSIGN_OR_RETURN(std::string again, DeriveKeyPkcs8(o_.seed, retry));
      RC_ASSIGN_OR_RETURN(KeyInfo second, pool_->Import(retry, again));
      return Made{second.id, first.public_key};
    }
    if (!info.ok()) return info.status();
    return Made{info->id, info->public_key};
  }

  std::string DsRdata(uint8_t algorithm, uint16_t flags, const std::string& public_key) override {
    // Asked for every key that wants a DS on every tick: remembered (a handful of keys per run).
    for (const auto& d : ds_) {
      if (d.algorithm == algorithm && d.flags == flags && d.public_key == public_key) return d.rdata;
    }
    auto ds = MakeDs(o_.origin, DnskeyRdataOf(flags, algorithm, public_key), kDigestSha256);
    std::string rdata = ds.ok() ? ds->Encode() : std::string();
    ds_.push_back({algorithm, flags, public_key, rdata});
    return rdata;
  }

 private:
  struct Ds {
    uint8_t algorithm;
    uint16_t flags;
    std::string public_key, rdata;
  };
  const RuntimeOptions& o_;
  KeyPool* pool_;
  mutants::Switches mutants_;
  std::vector<Ds> ds_;
};

SignerRuntime::SignerRuntime(RuntimeOptions o, KeyPool* pool) : options_(std::move(o)), pool_(pool) {}
SignerRuntime::~SignerRuntime() = default;

Result<std::unique_ptr<SignerRuntime>> SignerRuntime::Start(RuntimeOptions options, KeyPool* pool) {
  if (!pool) return UsageError("signer runtime needs a key pool");
  RC_RETURN_IF_ERROR(MakeDirs(options.state_dir));
  std::unique_ptr<SignerRuntime> rt(new SignerRuntime(std::move(options), pool));
  rt->factory_ = std::make_unique<Factory>(rt->options_, pool);
  rt->origin_text_ = rt->options_.origin.ToText();
  kasp::KeyManagerOptions ko;
  rt->mutants_ = mutants::Switches::From(rt->options_.mutants);
  // Planted bug (state-lost-on-crash): key state only in memory.
  ko.state_path = rt->mutants_.state_lost_on_crash ? "" : rt->options_.state_dir + "/kasp.json";
  ko.crash_at = rt->options_.crash_at;
  ko.mutants = rt->mutants_;
  auto km = kasp::KeyManager::Open(rt->options_.policy, rt->factory_.get(), ko);
  if (!km.ok()) return km.status();
  rt->km_ = std::make_unique<kasp::KeyManager>(std::move(km).value());
  // Keys the state knows but the pool lacks (an in-process store after a restart, a replaced
  // HSM) are made again from their serial: the material is derived, so it is the same key.
  for (const auto& k : rt->km_->keys()) {
    if (k.Pending() || (k.removed && !k.SignsZone() && !k.SignsDnskey())) continue;
    if (k.collide || pool->Get(k.id).ok()) continue;  // a colliding key's target is not recorded
    auto made = rt->factory_->Create(k.serial, k.role, k.algorithm, std::nullopt);
    if (!made.ok()) return made.status().WithContext("restoring key " + std::to_string(k.serial));
    if (made->id != k.id) {
      return KeyError("key " + std::to_string(k.serial) + " (" + k.id + ") is missing from the key store and cannot be restored");
    }
  }
  std::string path = rt->options_.state_dir + "/runtime.json";
  if (auto text = rt->mutants_.state_lost_on_crash ? Result<std::string>(IoError("in memory only")) : ReadFile(path);
      text.ok()) {
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("serial") || !j["serial"].is_number_unsigned()) {
      return BadInput(path + ": corrupt signer state");
    }
    rt->serial_ = j["serial"].get<uint32_t>();
  }
  return rt;
}

Status SignerRuntime::SaveState() {
  // Written on every signed zone: formatted by hand (what nlohmann::json::dump prints, read back by it).
  return WriteFileAtomic(options_.state_dir + "/runtime.json",
                         "{\"format\":\"rollcage-runtime-1\",\"serial\":" + std::to_string(serial_) + "}\n");
}

std::vector<ZoneKey> SignerRuntime::ZoneKeys() const {
  std::vector<ZoneKey> out;
  for (const auto& k : km_->keys()) {
    if (k.Pending()) continue;
    bool published = k.IsPublished(), zone = k.SignsZone(), dnskey = k.SignsDnskey();
    if (!published && !zone && !dnskey) continue;
    ZoneKey z;
    z.key.id = k.id;
    z.key.label = RuntimeKeyLabel(origin_text_, k.role, k.serial);  // (the origin's text made once: every tick)
    z.key.algorithm = static_cast<Algorithm>(k.algorithm);
    z.key.public_key = k.public_key;
    z.flags = k.Flags();
    z.published = published;
    z.signs_zone = zone;
    z.signs_dnskey = dnskey;
    out.push_back(std::move(z));
  }
  if (mutants_.sign_by_tag) {
    // Planted bug: the private key is found by key tag (and algorithm) alone — the first key in the
    // store with that tag, whichever it is.
    auto stored = pool_->List();
    if (stored.ok()) {
      for (auto& z : out) {
        for (const auto& k : *stored) {
          ZoneKey probe = z;
          probe.key = k;
          if (k.algorithm == z.key.algorithm && probe.Tag() == z.Tag()) {
            z.key.id = k.id;
            break;
          }
        }
      }
    }
  }
  return out;
}

Status SignerRuntime::AddStandby(kasp::Role role, bool collide, UnixTime now) {
  RC_RETURN_IF_ERROR(km_->AddStandby(role, collide, now));
  const auto& k = km_->keys().back();
  std::string rdata = DnskeyRdataOf(k.Flags(), k.algorithm, k.public_key);
  pending_notes_.push_back("standby " + std::string(kasp::RoleName(k.role)) + " key " + std::to_string(k.serial) +
                           " generated (tag " + std::to_string(KeyTag(rdata)) + (collide ? ", asked to collide" : "") +
                           ")");
  return Status::Ok();
}

Result<RuntimeTick> SignerRuntime::Tick(UnixTime now, const dns::Zone& unsigned_zone,
                                        const std::vector<dns::RR>& parent_ds, uint32_t served_serial) {
  RuntimeTick out;
  out.notes = std::move(pending_notes_);
  pending_notes_.clear();
  const kasp::Policy& p = options_.policy;
  uint32_t max_ttl = p.dnskey_ttl;
  for (const auto& rr : unsigned_zone.records()) max_ttl = std::max(max_ttl, rr.ttl);
  std::vector<std::string> parent;
  for (const auto& rr : parent_ds) parent.push_back(rr.rdata);

  // 1. The key life cycle. Notes for every key that changed.
  kasp::KeyManager::Summarize(km_->keys(), &summary_before_);  // described only when changed
  Status step = km_->Step(now, parent, max_ttl);
  if (IsCrash(step)) {
    out.crashed = true;
    out.notes.push_back("signer died at " + step.message().substr(9));
    return out;
  }
  if (!step.ok()) {
    out.refused = true;
    out.refusal = "key management failed: " + step.message();
    out.next_wakeup = now + options_.retry_after_failure;
    return out;
  }
  kasp::KeyManager::Summarize(km_->keys(), &summary_after_);
  if (summary_after_ != summary_before_) {
    std::string desc_before = kasp::KeyManager::DescribeKeys(summary_before_);
    std::string d = kasp::KeyManager::DescribeKeys(summary_after_);
    size_t a = 0;
    while (a < d.size()) {
      size_t b = d.find('\n', a);
      std::string line = d.substr(a, b - a);
      if (desc_before.find(line) == std::string::npos) out.notes.push_back(line);
      if (b == std::string::npos) break;
      a = b + 1;
    }
  }
  UnixTime wake = km_->NextEvent(now);

  // 2. What the parent should serve.
  std::vector<std::string> want = km_->DesiredDs();
  std::sort(want.begin(), want.end());
  if (!want.empty() && (!ds_requested_ || want != last_ds_request_)) {
    std::vector<dns::RR> ds;
    for (const auto& rd : want) ds.push_back(dns::RR{options_.origin, dns::rrtype::kDS, dns::kClassIN, p.parent_ds_ttl, rd});
    out.ds_request = std::move(ds);
    last_ds_request_ = want;
    ds_requested_ = true;
  }

  // 3. Is a new signed zone due?
  std::vector<ZoneKey> keys = ZoneKeys();
  // What the signed zone depends on, in wire form (no text formatting: this runs on every tick).
  std::string fingerprint;
  fingerprint.reserve(last_fingerprint_.size() + 64);
  for (const auto& rr : unsigned_zone.records()) rr.AppendWire(fingerprint);
  for (const auto& k : keys) {
    fingerprint += k.key.id;
    fingerprint.push_back(k.published ? 'P' : '-');
    fingerprint.push_back(k.signs_zone ? 'Z' : '-');
    fingerprint.push_back(k.signs_dnskey ? 'K' : '-');
  }
  if (fingerprint == last_fingerprint_ && now < next_refresh_) {
    out.next_wakeup = std::min(wake, next_refresh_);
    return out;
  }

  // 4. Sign incrementally, from the last serial (never behind what resolvers already saw).
  dns::Zone input = unsigned_zone;
  uint32_t base_serial = std::max(serial_, served_serial);
  for (auto& rr : input.mutable_records()) {
    if (rr.type == dns::rrtype::kSOA && rr.owner == options_.origin) {
      if (auto soa = dns::SoaData::Parse(rr.rdata); soa.ok()) {
        soa->serial = std::max(soa->serial, base_serial);
        rr.rdata = soa->Encode();
      }
    }
  }
  SignOptions so;
  so.denial = p.denial == "nsec" ? Denial::kNsec : Denial::kNsec3;
  so.nsec3.iterations = p.nsec3_iterations;
  so.nsec3.salt = p.nsec3_salt;
  so.nsec3.opt_out = p.denial == "nsec3-optout";
  so.validity = uint32_t(p.signature_validity);
  so.inception_backdate = uint32_t(p.inception_offset);
  so.expiration_jitter = uint32_t(p.signature_jitter);
  so.jitter_seed = options_.seed;
  so.serial = SerialPolicy::kIncrement;
  so.dnskey_ttl = p.dnskey_ttl;
  so.threads = 1;
  so.reuse = &cache_;  // (the entries reused move into the new zone's cache; the rest go with it)
  so.mutants = mutants_;
  cache_.set_ignore_ttl(mutants_.stale_original_ttl);
  so.refresh = uint32_t(p.signature_refresh);
  so.refresh_batch = uint32_t(p.signature_refresh / 2);  // renew what falls due in the next days too
  // The memo: the same signing done before (in this process) is copied, not done again. Its key
  // covers everything Sign reads, including the cache it reuses from (cache_digest_).
  std::optional<SignMemo::Key> memo_key;
  if (options_.sign_memo && memo_usable_) {
    if (memo_context_.empty()) {
      memo_context_ = SignMemoContext(options_.origin, so, cache_.ignore_ttl(), pool_->Trusted(), options_.mutants);
    }
    std::vector<bool> in_store;
    in_store.reserve(keys.size());
    for (const auto& k : keys) in_store.push_back(pool_->Has(k.key.id));
    memo_key = SignMemoKey({memo_context_, &cache_digest_, fingerprint, &keys, &in_store, now, base_serial});
  }
  // Until this signing's cache is adopted below, cache_ may hold part of what it was (Sign moves
  // the entries it reuses out of it) or more (a memo hit takes none).
  memo_usable_ = false;
  SignResult remembered;
  const bool hit = memo_key && options_.sign_memo->Find(*memo_key, &remembered);
  Result<SignResult> signed_zone =
      hit ? Result<SignResult>(std::move(remembered)) : ZoneSigner(*pool_, so).Sign(std::move(input), keys, now);
  if (!hit && memo_key && signed_zone.ok()) options_.sign_memo->Store(*memo_key, *signed_zone);
  if (!signed_zone.ok()) {
    memo_usable_ = true;  // (a failed signing moves nothing out of the cache)
    // Fail closed: keep serving the last good zone and say why.
    out.refused = true;
    out.refusal = signed_zone.status().message();
    out.next_wakeup = now + options_.retry_after_failure;
    return out;
  }
  if (signed_zone->failed > 0) {
    out.notes.push_back(std::to_string(signed_zone->failed) + " signature(s) failed; published anyway (partial-zone)");
  }
  if (mutants_.nsec3_stale_after_delete) {
    // Planted bug: after a deletion the old NSEC3 chain (and its signatures) stays.
    size_t names_now = unsigned_zone.size();
    if (last_nsec3_ && names_now < last_unsigned_size_) {
      auto& recs = signed_zone->zone.mutable_records();
      recs.erase(std::remove_if(recs.begin(), recs.end(),
                                [](const dns::RR& rr) {
                                  if (rr.type == dns::rrtype::kNSEC3) return true;
                                  if (rr.type != dns::rrtype::kRRSIG) return false;
                                  auto d = dns::RrsigData::Parse(rr.rdata);
                                  return d.ok() && d->type_covered == dns::rrtype::kNSEC3;
                                }),
                 recs.end());
      for (const auto& rr : *last_nsec3_) recs.push_back(rr);
      signed_zone->zone.SortCanonical();
    } else {
      last_nsec3_.emplace();
      for (const auto& rr : signed_zone->zone.records()) {
        bool keep = rr.type == dns::rrtype::kNSEC3;
        if (rr.type == dns::rrtype::kRRSIG) {
          auto d = dns::RrsigData::Parse(rr.rdata);
          keep = d.ok() && d->type_covered == dns::rrtype::kNSEC3;
        }
        if (keep) last_nsec3_->push_back(rr);
      }
    }
    last_unsigned_size_ = names_now;
  }
  if (options_.crash_at && options_.crash_at("sign")) {
    out.crashed = true;
    out.notes.push_back("signer died at sign");
    return out;
  }
  serial_ = signed_zone->serial;
  RC_RETURN_IF_ERROR(SaveState());
  // The zone goes out now: the key transitions it reflects take effect (their times become now).
  RC_RETURN_IF_ERROR(km_->ConfirmPublished(now));
  cache_ = std::move(signed_zone->cache);
  if (memo_key) cache_digest_ = *memo_key;
  memo_usable_ = true;
  next_refresh_ = signed_zone->next_refresh;
  last_fingerprint_ = std::move(fingerprint);
  out.signatures = signed_zone->signatures;
  out.reused = signed_zone->reused;
  out.zone = std::move(signed_zone->zone);
  out.next_wakeup = std::min(wake, next_refresh_);
  return out;
}

}  // namespace rollcage::signer
