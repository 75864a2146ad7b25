#include "signer-under-test/kasp/key_manager.h"
#include "base/hot.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <set>

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/file.h"

namespace rollcage::signer::kasp {
namespace {

using nlohmann::json;

// The state file is written by hand (one key per line): building it through nlohmann::json was a
// third of the scenario fuzz target's time, since nearly every step changes the state. It is read
// back with nlohmann::json (Open).
RC_HOT_LEAF void AppendString(std::string& out, std::string_view v) {
  static const char* hex = "0123456789abcdef";
  out.push_back('"');
  for (unsigned char c : v) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(char(c));
    } else if (c < 0x20) {
      out += "\\u00";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    } else {
      out.push_back(char(c));
    }
  }
  out.push_back('"');
}

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}
  RC_HOT_LEAF JsonWriter& Key(std::string_view k) {
    if (!first_) out_.push_back(',');
    first_ = false;
    out_.push_back('"');
    out_ += k;
    out_ += "\":";
    return *this;
  }
  void Value(std::string_view v) { AppendString(out_, v); }
  void Value(const char* v) { AppendString(out_, v); }
  void Value(bool v) { out_ += v ? "true" : "false"; }
  RC_HOT_LEAF void Value(int64_t v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, end);
  }
  void Open() { out_.push_back('{'); first_ = true; }
  void Close() { out_.push_back('}'); first_ = false; }

 private:
  std::string& out_;
  bool first_ = true;
};

RC_HOT_LEAF void AppendKey(std::string& out, const ManagedKey& k) {
  JsonWriter w(out);
  w.Open();
  w.Key("serial").Value(int64_t(k.serial));
  w.Key("role").Value(RoleName(k.role));
  w.Key("algorithm").Value(int64_t(k.algorithm));
  w.Key("id").Value(k.id);
  w.Key("public_key_hex");
  out.push_back('"');
  out += HexEncode(k.public_key);  // needs no escaping
  out.push_back('"');
  w.Key("standby").Value(k.standby);
  w.Key("collide").Value(k.collide);
  w.Key("created").Value(int64_t(k.created));
  w.Key("published").Value(int64_t(k.published));
  w.Key("removed").Value(int64_t(k.removed));
  w.Key("zone_active").Value(int64_t(k.zone_active));
  w.Key("zone_retired").Value(int64_t(k.zone_retired));
  w.Key("dnskey_active").Value(int64_t(k.dnskey_active));
  w.Key("dnskey_retired").Value(int64_t(k.dnskey_retired));
  w.Key("ds_submitted").Value(int64_t(k.ds_submitted));
  w.Key("ds_withdrawn").Value(int64_t(k.ds_withdrawn));
  w.Key("ds_seen").Value(int64_t(k.ds_seen));
  w.Close();
}

// `key_text`: each key's JSON as last written, reused while the key is unchanged (a save usually
// follows one key's transition; the scenario fuzz target saves about twenty times a run).
// Written into *buffer (its capacity reused from save to save).
const std::string& StateText(const KeyManager::State& s, std::vector<std::pair<ManagedKey, std::string>>* key_text,
                             std::string* buffer) {
  key_text->resize(s.keys.size());
  std::string& out = *buffer;
  out.clear();
  out.reserve(512 + 700 * s.keys.size());
  JsonWriter w(out);
  w.Open();
  w.Key("format").Value("rollcage-kasp-state-1");
  w.Key("next_serial").Value(int64_t(s.next_serial));
  w.Key("algorithm").Value(int64_t(s.algorithm));
  w.Key("first_created").Value(int64_t(s.first_created));
  w.Key("zsk_requested").Value(s.zsk_requested);
  w.Key("ksk_requested").Value(s.ksk_requested);
  w.Key("csk_requested").Value(s.csk_requested);
  w.Key("alg_target").Value(int64_t(s.alg_target));
  w.Key("alg_phase").Value(s.alg_phase);
  w.Key("alg_since").Value(int64_t(s.alg_since));
  w.Key("max_zone_ttl").Value(int64_t(s.max_zone_ttl));
  w.Key("max_zone_ttl_seen").Value(int64_t(s.max_zone_ttl_seen));
  w.Key("max_zone_ttl_dropping").Value(s.max_zone_ttl_dropping);
  w.Key("unconfirmed");
  out.push_back('[');
  for (size_t i = 0; i < s.unconfirmed.size(); ++i) {
    if (i) out.push_back(',');
    out += "[" + std::to_string(s.unconfirmed[i].first) + ",";
    AppendString(out, s.unconfirmed[i].second);
    out.push_back(']');
  }
  out += "],\n\"keys\":[";
  for (size_t i = 0; i < s.keys.size(); ++i) {
    out += i ? ",\n " : "\n ";
    auto& [key, text] = (*key_text)[i];
    if (text.empty() || !(key == s.keys[i])) {
      key = s.keys[i];
      text.clear();
      AppendKey(text, s.keys[i]);
    }
    out += text;
  }
  out += "\n]}\n";
  return out;
}

Result<ManagedKey> KeyFromJson(const json& j) {
  ManagedKey k;
  k.serial = j.at("serial").get<int>();
  std::string role = j.at("role").get<std::string>();
  if (role == "ksk") k.role = Role::kKsk;
  else if (role == "zsk") k.role = Role::kZsk;
  else if (role == "csk") k.role = Role::kCsk;
  else return BadInput("unknown role '" + role + "'");
  k.algorithm = j.at("algorithm").get<uint8_t>();
  k.id = j.at("id").get<std::string>();
  std::string hex = j.at("public_key_hex").get<std::string>();
  if (hex.size() % 2) return BadInput("odd-length public key");
  for (size_t i = 0; i < hex.size(); i += 2) {
    int v = std::stoi(hex.substr(i, 2), nullptr, 16);
    k.public_key.push_back(char(v));
  }
  k.standby = j.at("standby").get<bool>();
  k.collide = j.at("collide").get<bool>();
  k.created = j.at("created").get<UnixTime>();
  k.published = j.at("published").get<UnixTime>();
  k.removed = j.at("removed").get<UnixTime>();
  k.zone_active = j.at("zone_active").get<UnixTime>();
  k.zone_retired = j.at("zone_retired").get<UnixTime>();
  k.dnskey_active = j.at("dnskey_active").get<UnixTime>();
  k.dnskey_retired = j.at("dnskey_retired").get<UnixTime>();
  k.ds_submitted = j.at("ds_submitted").get<UnixTime>();
  k.ds_withdrawn = j.at("ds_withdrawn").get<UnixTime>();
  k.ds_seen = j.at("ds_seen").get<UnixTime>();
  return k;
}

bool InService(const ManagedKey& k) { return !k.removed && !k.standby; }

}  // namespace

const char* RoleName(Role r) {
  switch (r) {
    case Role::kKsk: return "ksk";
    case Role::kZsk: return "zsk";
    case Role::kCsk: return "csk";
  }
  return "zsk";
}

Result<KeyManager> KeyManager::Open(Policy policy, KeyFactory* factory, KeyManagerOptions options) {
  KeyManager m(std::move(policy), factory, std::move(options));
  m.state_.algorithm = m.policy_.algorithm;
  if (m.options_.state_path.empty()) return m;
  auto text = ReadFile(m.options_.state_path);
  if (!text.ok()) {
    bool missing = IsMemoryPath(m.options_.state_path) || access(m.options_.state_path.c_str(), F_OK) != 0;
    if (text.status().kind() == ErrorKind::kIo && missing) return m;  // a new signer
    return text.status();
  }
  json j = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return BadInput(m.options_.state_path + ": corrupt key state (not JSON)");
  try {
    if (j.at("format").get<std::string>() != "rollcage-kasp-state-1") {
      return BadInput(m.options_.state_path + ": unknown key state format");
    }
    auto& s = m.state_;
    s.next_serial = j.at("next_serial").get<int>();
    s.algorithm = j.at("algorithm").get<uint8_t>();
    s.first_created = j.at("first_created").get<UnixTime>();
    s.zsk_requested = j.at("zsk_requested").get<bool>();
    s.ksk_requested = j.at("ksk_requested").get<bool>();
    s.csk_requested = j.at("csk_requested").get<bool>();
    s.alg_target = j.at("alg_target").get<uint8_t>();
    s.alg_phase = j.at("alg_phase").get<std::string>();
    s.alg_since = j.at("alg_since").get<UnixTime>();
    s.max_zone_ttl = j.at("max_zone_ttl").get<uint32_t>();
    s.max_zone_ttl_seen = j.value("max_zone_ttl_seen", UnixTime(0));
    s.max_zone_ttl_dropping = j.value("max_zone_ttl_dropping", false);
    if (j.contains("unconfirmed")) s.unconfirmed = j.at("unconfirmed").get<std::vector<std::pair<int, std::string>>>();
    for (const auto& kj : j.at("keys")) {
      auto k = KeyFromJson(kj);
      if (!k.ok()) return BadInput(m.options_.state_path + ": corrupt key state: " + k.status().message());
      s.keys.push_back(std::move(k).value());
    }
  } catch (const std::exception& e) {
    return BadInput(m.options_.state_path + ": corrupt key state: " + e.what());
  }
  m.saved_ = m.state_;
  return m;
}

Status KeyManager::Save() {
  if (options_.state_path.empty()) return Status::Ok();
  // Unchanged state is not written again (the file is fsynced: a step that changed nothing would
  // pay for a disk flush), nor even serialised (the scenario fuzz target spent a third of its time
  // building this JSON; bench/fuzz.sh).
  if (saved_ && *saved_ == state_) return Status::Ok();
  Status st = WriteFileAtomic(options_.state_path, StateText(state_, &key_text_, &state_text_));
  if (st.ok()) saved_ = state_;
  return st;
}

Status KeyManager::Crash(const std::string& point) {
  if (options_.crash_at && options_.crash_at(point)) return InternalError("crash at " + point);
  return Status::Ok();
}

Result<size_t> KeyManager::NewKey(Role role, uint8_t algorithm, UnixTime now, bool standby, bool collide) {
  ManagedKey k;
  k.serial = state_.next_serial++;
  k.role = role;
  k.algorithm = algorithm;
  k.standby = standby;
  k.collide = collide;
  state_.keys.push_back(k);
  RC_RETURN_IF_ERROR(Save());  // the intent: a restart finishes this key, never makes another
  RC_RETURN_IF_ERROR(Crash("keygen-intent"));
  RC_RETURN_IF_ERROR(FinishPending(now));
  return state_.keys.size() - 1;
}

Status KeyManager::FinishPending(UnixTime now) {
  for (auto& k : state_.keys) {
    if (!k.Pending()) continue;
    std::optional<std::string> collide_with;
    if (k.collide) {
      // Collide with the in-service key of the same role and algorithm (else any key of the role).
      for (const auto& o : state_.keys) {
        if (&o != &k && !o.Pending() && o.role == k.role && o.algorithm == k.algorithm && InService(o)) {
          collide_with = o.public_key;
        }
      }
    }
    auto made = factory_->Create(k.serial, k.role, k.algorithm, collide_with);
    if (!made.ok()) return made.status().WithContext("creating key " + std::to_string(k.serial));
    RC_RETURN_IF_ERROR(Crash("keygen"));
    k.id = made->id;
    k.public_key = made->public_key;
    k.created = now;
    if (!state_.first_created) state_.first_created = now;
    RC_RETURN_IF_ERROR(Save());
  }
  return Status::Ok();
}

std::optional<size_t> KeyManager::Current(Role role, uint8_t algorithm) const {
  for (size_t i = 0; i < state_.keys.size(); ++i) {
    const auto& k = state_.keys[i];
    if (k.role == role && k.algorithm == algorithm && InService(k)) return i;
  }
  return std::nullopt;
}

std::optional<size_t> KeyManager::Successor(Role role, uint8_t algorithm) const {
  auto cur = Current(role, algorithm);
  if (!cur) return std::nullopt;
  for (size_t i = state_.keys.size(); i-- > *cur + 1;) {
    const auto& k = state_.keys[i];
    if (k.role == role && k.algorithm == algorithm && InService(k)) return i;
  }
  return std::nullopt;
}

std::optional<size_t> KeyManager::Standby(Role role, uint8_t algorithm) const {
  for (size_t i = 0; i < state_.keys.size(); ++i) {
    const auto& k = state_.keys[i];
    if (k.role == role && k.algorithm == algorithm && k.standby && !k.removed && !k.Pending()) return i;
  }
  return std::nullopt;
}

void KeyManager::ObserveParent(UnixTime now, const std::vector<std::string>& parent_ds) {
  if (parent_ds.empty()) return;  // nothing seen (and an empty wish is never "seen" either)
  std::set<std::string> want;
  for (const auto& d : DesiredDs()) want.insert(d);
  std::set<std::string> have(parent_ds.begin(), parent_ds.end());
  if (want.empty() || want != have) return;
  for (auto& k : state_.keys) {
    if (k.WantsDs() && !k.ds_seen) k.ds_seen = now;
  }
}

std::vector<std::string> KeyManager::DesiredDs() const {
  std::vector<std::string> out;
  for (const auto& k : state_.keys) {
    if (k.WantsDs() && !k.Pending()) out.push_back(factory_->DsRdata(k.algorithm, k.Flags(), k.public_key));
  }
  return out;
}

namespace {

// The timestamps a transition sets, by name (for the provisional-until-published bookkeeping).
constexpr std::pair<const char*, UnixTime ManagedKey::*> kTimedFields[] = {
    {"published", &ManagedKey::published},         {"removed", &ManagedKey::removed},
    {"zone_active", &ManagedKey::zone_active},     {"zone_retired", &ManagedKey::zone_retired},
    {"dnskey_active", &ManagedKey::dnskey_active}, {"dnskey_retired", &ManagedKey::dnskey_retired}};

// Which of a key's timed fields are set, one bit each (kTimedFields order).
unsigned TimedSet(const ManagedKey& k) {
  unsigned bits = 0;
  for (size_t i = 0; i < std::size(kTimedFields); ++i) {
    if (k.*kTimedFields[i].second) bits |= 1u << i;
  }
  return bits;
}

}  // namespace

Status KeyManager::ConfirmPublished(UnixTime now) {
  if (state_.unconfirmed.empty()) return Status::Ok();
  for (const auto& [serial, field] : state_.unconfirmed) {
    for (auto& k : state_.keys) {
      if (k.serial != serial) continue;
      for (const auto& [name, member] : kTimedFields) {
        if (field == name && k.*member) k.*member = now;
      }
    }
  }
  state_.unconfirmed.clear();
  return Save();
}

Status KeyManager::Step(UnixTime now, const std::vector<std::string>& parent_ds, uint32_t max_zone_ttl) {
  // Which timed fields each key had set before the step (serial, bits): no copy of the keys.
  timed_before_.clear();
  for (const auto& k : state_.keys) timed_before_.emplace_back(k.serial, TimedSet(k));
  Status s = StepInner(now, parent_ds, max_zone_ttl);
  // Times set by this step are provisional until ConfirmPublished.
  bool added = false;
  for (const auto& k : state_.keys) {
    unsigned old = 0;
    for (const auto& [serial, bits] : timed_before_) {
      if (serial == k.serial) old = bits;
    }
    for (size_t i = 0; i < std::size(kTimedFields); ++i) {
      const auto& [name, member] = kTimedFields[i];
      if (k.*member && !(old & (1u << i))) {
        state_.unconfirmed.push_back({k.serial, name});
        added = true;
      }
    }
  }
  if (added) {
    Status saved = Save();
    if (s.ok()) s = saved;
  }
  return s;
}

Status KeyManager::StepInner(UnixTime now, const std::vector<std::string>& parent_ds, uint32_t max_zone_ttl) {
  uint32_t current = std::max(max_zone_ttl, policy_.dnskey_ttl);
  if (current >= state_.max_zone_ttl) {
    bool changed = current != state_.max_zone_ttl || state_.max_zone_ttl_dropping;
    state_.max_zone_ttl = current;
    state_.max_zone_ttl_seen = now;
    state_.max_zone_ttl_dropping = false;
    // Persist a new high-water mark at once: a crash must not forget that a large TTL was served.
    if (changed) RC_RETURN_IF_ERROR(Save());
  } else if (!state_.max_zone_ttl_dropping) {
    // RRsets with the largest TTL were served until now (lowered or deleted just now): they stay
    // in caches for that TTL from now on (found by the clean hunt: a deleted 1-day RRset).
    state_.max_zone_ttl_dropping = true;
    state_.max_zone_ttl_seen = now;
    RC_RETURN_IF_ERROR(Save());
  } else if (now >= state_.max_zone_ttl_seen + UnixTime(state_.max_zone_ttl)) {
    state_.max_zone_ttl = current;
    state_.max_zone_ttl_seen = now;
    state_.max_zone_ttl_dropping = false;
    RC_RETURN_IF_ERROR(Save());
  }
  RC_RETURN_IF_ERROR(FinishPending(now));
  // One transition at a time: wait until the last one was published.
  if (!state_.unconfirmed.empty()) {
    ObserveParent(now, parent_ds);
    return Status::Ok();
  }
  ObserveParent(now, parent_ds);
  // A removed key's DS is withdrawn once its DNSKEY has left every cache (double-DS, algorithm roll).
  for (auto& k : state_.keys) {
    if (k.WantsDs() && k.removed && now >= k.removed + policy_.Ipub()) {
      RC_RETURN_IF_ERROR(Crash("transition"));
      k.ds_withdrawn = now;
      RC_RETURN_IF_ERROR(Save());
    }
  }
  bool rolling_algorithm = !state_.alg_phase.empty() && state_.alg_phase != "done";
  if (!rolling_algorithm && state_.alg_phase != "done" && policy_.next_algorithm &&
      policy_.next_algorithm != state_.algorithm && state_.first_created &&
      now >= state_.first_created + policy_.algorithm_rollover_at) {
    state_.alg_target = policy_.next_algorithm;
  }
  if (state_.alg_target && state_.alg_target != state_.algorithm) {
    return StepAlgorithm(now);
  }
  if (policy_.csk) return StepCsk(now);
  RC_RETURN_IF_ERROR(StepKsk(now));
  return StepZsk(now);
}

Status KeyManager::StepZsk(UnixTime now) {
  const uint8_t alg = state_.algorithm;
  auto cur = Current(Role::kZsk, alg);
  if (!cur) {
    auto idx = NewKey(Role::kZsk, alg, now, false, false);
    if (!idx.ok()) return idx.status();
    cur = *idx;
  }
  auto succ = Successor(Role::kZsk, alg);
  ManagedKey* c = &state_.keys[*cur];
  if (!c->published && !succ) {  // the first ZSK
    RC_RETURN_IF_ERROR(Crash("transition"));
    c->published = c->zone_active = now;
    RC_RETURN_IF_ERROR(Save());
    return Crash("after-transition");
  }
  if (c->zone_retired) {
    if (now >= c->zone_retired + policy_.Iret(state_.max_zone_ttl)) {
      RC_RETURN_IF_ERROR(Crash("transition"));
      c->removed = now;
      RC_RETURN_IF_ERROR(Save());
      return Crash("after-transition");
    }
    return Status::Ok();
  }
  if (!succ) {
    bool due = state_.zsk_requested ||
               (policy_.zsk_lifetime > 0 && now >= c->zone_active + policy_.zsk_lifetime - policy_.Ipub());
    if (!due) return Status::Ok();
    size_t s;
    if (auto sb = Standby(Role::kZsk, alg)) {
      s = *sb;
      state_.keys[s].standby = false;
    } else {
      auto idx = NewKey(Role::kZsk, alg, now, false, false);
      if (!idx.ok()) return idx.status();
      s = *idx;
    }
    c = &state_.keys[*cur];
    RC_RETURN_IF_ERROR(Crash("transition"));
    state_.keys[s].published = now;  // pre-publication (RFC 7583 §3.2.1)
    if (options_.mutants.zsk_early_use) {
      // Planted bug: no pre-publication — the new ZSK signs from the moment it is published.
      state_.keys[s].zone_active = now;
      c->zone_retired = now;
      state_.zsk_requested = false;
    }
    RC_RETURN_IF_ERROR(Save());
    return Crash("after-transition");
  }
  ManagedKey* s = &state_.keys[*succ];
  if (!s->published) {
    RC_RETURN_IF_ERROR(Crash("transition"));
    s->published = now;
    RC_RETURN_IF_ERROR(Save());
    return Crash("after-transition");
  }
  bool switch_due = state_.zsk_requested ||
                    (policy_.zsk_lifetime > 0 && now >= c->zone_active + policy_.zsk_lifetime);
  if (switch_due && now >= s->published + policy_.Ipub()) {
    RC_RETURN_IF_ERROR(Crash("transition"));
    s->zone_active = now;
    c->zone_retired = now;
    if (options_.mutants.zsk_early_removal) c->removed = now;  // planted bug: no Iret
    state_.zsk_requested = false;
    RC_RETURN_IF_ERROR(Save());
    return Crash("after-transition");
  }
  return Status::Ok();
}

Status KeyManager::StepKsk(UnixTime now) {
  const uint8_t alg = state_.algorithm;
  auto cur = Current(Role::kKsk, alg);
  if (!cur) {
    auto idx = NewKey(Role::kKsk, alg, now, false, false);
    if (!idx.ok()) return idx.status();
    cur = *idx;
  }
  auto succ = Successor(Role::kKsk, alg);
  ManagedKey* c = &state_.keys[*cur];
  bool double_ds = policy_.ksk_method == "double-ds";
  if (!c->published && !succ) {  // the first KSK
    RC_RETURN_IF_ERROR(Crash("transition"));
    c->published = c->dnskey_active = now;
    c->ds_submitted = now;
    RC_RETURN_IF_ERROR(Save());
    return Crash("after-transition");
  }
  if (!succ) {
    bool due = state_.ksk_requested ||
               (policy_.ksk_lifetime > 0 && now >= c->dnskey_active + policy_.ksk_lifetime - policy_.Ipub());
    if (!due) return Status::Ok();
    size_t s;
    if (auto sb = Standby(Role::kKsk, alg)) {
      s = *sb;
      state_.keys[s].standby = false;
    } else {
      auto idx = NewKey(Role::kKsk, alg, now, false, false);
      if (!idx.ok()) return idx.status();
      s = *idx;
    }
    RC_RETURN_IF_ERROR(Crash("transition"));
    if (double_ds) {
      state_.keys[s].ds_submitted = now;  // DS set {old, new} first (RFC 7583 §3.3.2)
    } else {
      state_.keys[s].published = state_.keys[s].dnskey_active = now;  // both KSKs sign (§3.3.1)
    }
    RC_RETURN_IF_ERROR(Save());
    return Crash("after-transition");
  }
  ManagedKey* s = &state_.keys[*succ];
  if (!double_ds) {
    if (!s->published) {
      RC_RETURN_IF_ERROR(Crash("transition"));
      s->published = s->dnskey_active = now;
      RC_RETURN_IF_ERROR(Save());
      return Crash("after-transition");
    }
    if (!s->ds_submitted) {
      if (now < s->published + policy_.Ipub()) return Status::Ok();
      RC_RETURN_IF_ERROR(Crash("transition"));
      s->ds_submitted = now;
      c->ds_withdrawn = now;
      RC_RETURN_IF_ERROR(Save());
      return Crash("after-transition");
    }
    bool settled = s->ds_seen && now >= s->ds_seen + policy_.DsSettle();
    // Planted bug: trust the registrar to act within the parent's propagation delay; never look.
    if (options_.mutants.ksk_early_removal) settled = now >= s->ds_submitted + policy_.parent_propagation_delay;
    if (settled) {
      RC_RETURN_IF_ERROR(Crash("transition"));
      c->dnskey_retired = now;
      c->removed = now;
      state_.ksk_requested = false;
      RC_RETURN_IF_ERROR(Save());
      return Crash("after-transition");
    }
    return Status::Ok();
  }
  // Double-DS.
  if (!s->ds_submitted) {
    RC_RETURN_IF_ERROR(Crash("transition"));
    s->ds_submitted = now;
    RC_RETURN_IF_ERROR(Save());
    return Crash("after-transition");
  }
  if (!s->published && s->ds_seen && now >= s->ds_seen + policy_.DsSettle()) {
    RC_RETURN_IF_ERROR(Crash("transition"));
    s->published = s->dnskey_active = now;
    c->dnskey_retired = now;
    c->removed = now;  // its DS is withdrawn Ipub later (Step)
    state_.ksk_requested = false;
    RC_RETURN_IF_ERROR(Save());
    return Crash("after-transition");
  }
  return Status::Ok();
}

Status KeyManager::StepCsk(UnixTime now) {
  const uint8_t alg = state_.algorithm;
  auto cur = Current(Role::kCsk, alg);
  if (!cur) {
    auto idx = NewKey(Role::kCsk, alg, now, false, false);
    if (!idx.ok()) return idx.status();
    cur = *idx;
  }
  auto succ = Successor(Role::kCsk, alg);
  ManagedKey* c = &state_.keys[*cur];
  if (!c->published && !succ) {
    RC_RETURN_IF_ERROR(Crash("transition"));
    c->published = c->zone_active = c->dnskey_active = now;
    c->ds_submitted = now;
    RC_RETURN_IF_ERROR(Save());
    return Crash("after-transition");
  }
  if (!succ) {
    bool due = state_.csk_requested ||
               (policy_.csk_lifetime > 0 && now >= c->zone_active + policy_.csk_lifetime - policy_.Ipub());
    if (!due) return Status::Ok();
    size_t s;
    if (auto sb = Standby(Role::kCsk, alg)) {
      s = *sb;
      state_.keys[s].standby = false;
    } else {
      auto idx = NewKey(Role::kCsk, alg, now, false, false);
      if (!idx.ok()) return idx.status();
      s = *idx;
    }
    RC_RETURN_IF_ERROR(Crash("transition"));
    // Published and signing the DNSKEY RRset at once: every cached DNSKEY RRset that holds the new
    // CSK is signed by it, so the DS may point at it once they all hold it (Ipub).
    state_.keys[s].published = state_.keys[s].dnskey_active = now;
    RC_RETURN_IF_ERROR(Save());
    return Crash("after-transition");
  }
  ManagedKey* s = &state_.keys[*succ];
  if (!s->published) {
    RC_RETURN_IF_ERROR(Crash("transition"));
    s->published = s->dnskey_active = now;
    RC_RETURN_IF_ERROR(Save());
    return Crash("after-transition");
  }
  if (!s->zone_active) {
    bool switch_due = state_.csk_requested ||
                      (policy_.csk_lifetime > 0 && now >= c->zone_active + policy_.csk_lifetime);
    if (!switch_due || now < s->published + policy_.Ipub()) return Status::Ok();
    RC_RETURN_IF_ERROR(Crash("transition"));
    s->zone_active = now;
    s->ds_submitted = now;
    c->zone_retired = now;  // keeps signing the DNSKEY RRset until the DS swap settled
    c->ds_withdrawn = now;
    RC_RETURN_IF_ERROR(Save());
    return Crash("after-transition");
  }
  if (s->ds_seen && now >= s->ds_seen + policy_.DsSettle() &&
      now >= c->zone_retired + policy_.Iret(state_.max_zone_ttl)) {
    RC_RETURN_IF_ERROR(Crash("transition"));
    c->dnskey_retired = now;
    c->removed = now;
    state_.csk_requested = false;
    RC_RETURN_IF_ERROR(Save());
    return Crash("after-transition");
  }
  return Status::Ok();
}

// The conservative algorithm rollover of RFC 6781 §4.1.4: new-algorithm signatures first, then the
// new DNSKEYs, then the DS, then the old DNSKEYs go, then the old signatures.
Status KeyManager::StepAlgorithm(UnixTime now) {
  const uint8_t from = state_.algorithm, to = state_.alg_target;
  auto transition = [&](const std::string& phase) -> Status {
    state_.alg_phase = phase;
    state_.alg_since = now;
    RC_RETURN_IF_ERROR(Save());
    return Crash("after-transition");
  };
  if (state_.alg_phase.empty() || state_.alg_phase == "done") {
    // New keys that sign but are not yet published.
    std::vector<Role> roles = policy_.csk ? std::vector<Role>{Role::kCsk} : std::vector<Role>{Role::kKsk, Role::kZsk};
    for (Role r : roles) {
      if (Current(r, to)) continue;
      auto idx = NewKey(r, to, now, false, false);
      if (!idx.ok()) return idx.status();
    }
    RC_RETURN_IF_ERROR(Crash("transition"));
    for (Role r : roles) {
      auto& k = state_.keys[*Current(r, to)];
      if (r != Role::kKsk) k.zone_active = now;
      if (r != Role::kZsk) k.dnskey_active = now;
    }
    return transition("sign");
  }
  if (state_.alg_phase == "sign") {
    if (now < state_.alg_since + policy_.Iret(state_.max_zone_ttl)) return Status::Ok();
    RC_RETURN_IF_ERROR(Crash("transition"));
    for (auto& k : state_.keys) {
      if (k.algorithm == to && InService(k) && !k.published) k.published = now;
    }
    return transition("publish");
  }
  if (state_.alg_phase == "publish") {
    if (now < state_.alg_since + policy_.Ipub()) return Status::Ok();
    RC_RETURN_IF_ERROR(Crash("transition"));
    for (auto& k : state_.keys) {
      if (!InService(k) || k.role == Role::kZsk) continue;
      if (k.algorithm == to) k.ds_submitted = now;
      else if (k.WantsDs()) k.ds_withdrawn = now;
    }
    return transition("ds");
  }
  if (state_.alg_phase == "ds") {
    bool seen = false;
    UnixTime seen_at = 0;
    for (const auto& k : state_.keys) {
      if (k.algorithm == to && k.WantsDs() && k.ds_seen) {
        seen = true;
        seen_at = std::max(seen_at, k.ds_seen);
      }
    }
    if (!seen || now < seen_at + policy_.DsSettle()) return Status::Ok();
    RC_RETURN_IF_ERROR(Crash("transition"));
    // Old keys leave the DNSKEY RRset but keep signing until the new DNSKEY RRset is everywhere.
    for (auto& k : state_.keys) {
      if (k.algorithm == from && InService(k)) k.published = 0;
    }
    return transition("remove");
  }
  if (state_.alg_phase == "remove") {
    if (now < state_.alg_since + policy_.Ipub()) return Status::Ok();
    RC_RETURN_IF_ERROR(Crash("transition"));
    for (auto& k : state_.keys) {
      if (k.algorithm == from && !k.removed && !k.standby) {
        if (k.zone_active && !k.zone_retired) k.zone_retired = now;
        if (k.dnskey_active && !k.dnskey_retired) k.dnskey_retired = now;
        k.removed = now;
      }
    }
    state_.algorithm = to;
    state_.alg_target = 0;
    return transition("done");
  }
  return Status::Ok();
}

Status KeyManager::RequestRollover(Role role, UnixTime now) {
  (void)now;
  if (role == Role::kZsk) state_.zsk_requested = true;
  if (role == Role::kKsk) state_.ksk_requested = true;
  if (role == Role::kCsk) state_.csk_requested = true;
  return Save();
}

Status KeyManager::RequestAlgorithmRollover(uint8_t algorithm, UnixTime now) {
  (void)now;
  if (algorithm == state_.algorithm) return Status::Ok();
  if (!state_.alg_phase.empty() && state_.alg_phase != "done") return Status::Ok();  // one at a time
  state_.alg_target = algorithm;
  state_.alg_phase.clear();
  return Save();
}

Status KeyManager::AddStandby(Role role, bool collide, UnixTime now) {
  auto idx = NewKey(role, state_.algorithm, now, true, collide);
  return idx.ok() ? Status::Ok() : idx.status();
}

UnixTime KeyManager::NextEvent(UnixTime now) const {
  const Policy& p = policy_;
  UnixTime best = now + 86400;
  auto consider = [&](UnixTime t) {
    if (t > now && t < best) best = t;
  };
  bool waiting_for_parent = false;
  for (const auto& k : state_.keys) {
    if (k.removed && !(k.WantsDs())) continue;
    int64_t life = k.role == Role::kZsk ? p.zsk_lifetime : (k.role == Role::kKsk ? p.ksk_lifetime : p.csk_lifetime);
    if (k.published) consider(k.published + p.Ipub());
    if (life > 0 && k.zone_active) {
      consider(k.zone_active + life - p.Ipub());
      consider(k.zone_active + life);
    }
    if (life > 0 && k.dnskey_active) {
      consider(k.dnskey_active + life - p.Ipub());
      consider(k.dnskey_active + life);
    }
    if (k.zone_retired) consider(k.zone_retired + p.Iret(state_.max_zone_ttl));
    if (k.ds_seen) consider(k.ds_seen + p.DsSettle());
    if (k.removed) consider(k.removed + p.Ipub());
    if (k.WantsDs() && !k.ds_seen) waiting_for_parent = true;
  }
  if (state_.alg_since) {
    consider(state_.alg_since + p.Iret(state_.max_zone_ttl));
    consider(state_.alg_since + p.Ipub());
  }
  if (p.next_algorithm && state_.first_created) consider(state_.first_created + p.algorithm_rollover_at);
  if (waiting_for_parent || (state_.alg_phase == "ds")) consider(now + p.parent_poll);
  return best;
}

std::string KeyManager::Describe() const { return DescribeKeys(state_.keys); }

void KeyManager::Summarize(const std::vector<ManagedKey>& keys, std::vector<KeySummary>* out) {
  out->clear();
  for (const auto& k : keys) {
    KeySummary s;
    s.serial = k.serial;
    s.role = k.role;
    s.algorithm = k.algorithm;
    s.id_len = uint8_t(std::min(k.id.size(), sizeof s.id));
    std::memcpy(s.id, k.id.data(), s.id_len);
    s.standby = k.standby;
    s.published = k.IsPublished();
    s.signs_zone = k.SignsZone();
    s.signs_dnskey = k.SignsDnskey();
    s.ds = k.WantsDs();
    s.removed = k.removed != 0;
    out->push_back(s);
  }
}

std::string KeyManager::DescribeKeys(const std::vector<KeySummary>& keys) {
  std::string out;  // appended piece by piece (no temporaries: this runs whenever a key changes)
  out.reserve(keys.size() * 96);
  for (const auto& k : keys) {
    out += "key ";
    out += std::to_string(k.serial);
    out += ' ';
    out += RoleName(k.role);
    out += " alg ";
    out += std::to_string(k.algorithm);
    out += " id ";
    if (k.id_len == 0) {
      out += "(pending)";
    } else {
      out.append(k.id, k.id_len);
    }
    if (k.standby) out += " standby";
    if (k.published) out += " published";
    if (k.signs_zone) out += " signs-zone";
    if (k.signs_dnskey) out += " signs-dnskey";
    if (k.ds) out += " ds";
    if (k.removed) out += " removed";
    out += '\n';
  }
  return out;
}

std::string KeyManager::DescribeKeys(const std::vector<ManagedKey>& keys) {
  std::vector<KeySummary> s;
  Summarize(keys, &s);
  return DescribeKeys(s);
}

}  // namespace rollcage::signer::kasp
