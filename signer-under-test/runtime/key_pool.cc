#include "signer-under-test/runtime/key_pool.h"

#include <algorithm>
#include <optional>
#include <set>

namespace rollcage::signer {

std::string KeyPool::Describe() const {
  std::string out = "pool of " + std::to_string(hsms_.size()) + " key store(s):";
  for (size_t i = 0; i < hsms_.size(); ++i) out += " [" + std::to_string(i + 1) + "] " + hsms_[i]->Describe();
  return out;
}

Result<KeyInfo> KeyPool::Generate(const KeySpec&) {
  return UsageError("a key pool only imports keys (make the key material once, then import it everywhere)");
}

Result<KeyInfo> KeyPool::Import(const KeySpec& spec, std::string_view pkcs8_der) {
  std::optional<KeyInfo> first;
  for (size_t i = 0; i < hsms_.size(); ++i) {
    auto r = hsms_[i]->Import(spec, pkcs8_der);
    if (!r.ok()) return r.status().WithContext("HSM " + std::to_string(i + 1));
    if (!first) first = *r;
  }
  if (!first) return UsageError("a key pool without key stores");
  return *first;
}

Result<KeyInfo> KeyPool::ImportInto(size_t hsm, const KeySpec& spec, std::string_view pkcs8_der) {
  if (hsm >= hsms_.size()) return UsageError("no HSM " + std::to_string(hsm + 1) + " in the pool");
  auto r = hsms_[hsm]->Import(spec, pkcs8_der);
  if (!r.ok()) return r.status().WithContext("HSM " + std::to_string(hsm + 1));
  return r;
}

Result<std::vector<KeyInfo>> KeyPool::List() {
  if (hsms_.empty()) return std::vector<KeyInfo>{};
  return hsms_[0]->List();
}

Result<KeyInfo> KeyPool::Get(const std::string& id) {
  if (hsms_.empty()) return KeyError("no key " + id + " (empty pool)");
  return hsms_[0]->Get(id);
}

bool KeyPool::Has(const std::string& id) {
  return std::any_of(hsms_.begin(), hsms_.end(), [&id](const auto& h) { return h->Has(id); });
}

Result<std::string> KeyPool::Sign(const std::string& id, std::string_view data) {
  if (hsms_.empty()) return KeyError("no key store to sign with");
  size_t start = next_.fetch_add(1, std::memory_order_relaxed) % hsms_.size();
  Status first_error;
  for (size_t k = 0; k < hsms_.size(); ++k) {
    size_t i = (start + k) % hsms_.size();
    auto r = hsms_[i]->Sign(id, data);
    if (r.ok()) return r;
    if (first_error.ok()) first_error = r.status().WithContext("HSM " + std::to_string(i + 1));
  }
  return first_error;
}

Result<std::string> KeyPool::SignWith(size_t hsm, const std::string& id, std::string_view data) {
  if (hsm >= hsms_.size()) return UsageError("no HSM " + std::to_string(hsm + 1) + " in the pool");
  return hsms_[hsm]->Sign(id, data);
}

Status KeyPool::Delete(const std::string& id) {
  bool any = false;
  for (auto& h : hsms_) {
    if (h->Delete(id).ok()) any = true;
  }
  return any ? Status::Ok() : KeyError("no key " + id + " in the pool");
}

int KeyPool::MaxSigningThreads() const {
  int n = 1;
  for (const auto& h : hsms_) n = std::max(n, h->MaxSigningThreads());
  return n;
}

bool KeyPool::Trusted() const {
  return std::all_of(hsms_.begin(), hsms_.end(), [](const auto& h) { return h->Trusted(); });
}

Status KeyPool::Reset() {
  for (size_t i = 0; i < hsms_.size(); ++i) {
    auto keys = hsms_[i]->List();
    if (!keys.ok()) return keys.status().WithContext("HSM " + std::to_string(i + 1));
    std::set<std::string> ids;
    for (const auto& k : *keys) ids.insert(k.id);
    for (const auto& id : ids) {
      Status s = hsms_[i]->Delete(id);
      // Several objects may share one CKA_ID (planted bugs make such pools); the first Delete takes
      // them all, so "no such key" afterwards is fine. A failing token is not.
      if (!s.ok() && s.kind() != ErrorKind::kKey) return s.WithContext("HSM " + std::to_string(i + 1));
    }
  }
  return Status::Ok();
}

}  // namespace rollcage::signer
