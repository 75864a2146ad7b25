#include "signer-under-test/pkcs11_key_store.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "base/ckr.h"
#include "base/file.h"
#include "signer-under-test/internal/openssl_util.h"
#include "signer-under-test/internal/pkcs11_module.h"
#include "signer-under-test/openssl_key_store.h"

namespace rollcage::signer {

using internal::CheckRv;

namespace {

// DER encodings of the curve parameters (CKA_EC_PARAMS).
const std::string kP256Params("\x06\x08\x2a\x86\x48\xce\x3d\x03\x01\x07", 10);         // OID prime256v1
const std::string kEd25519Params("\x06\x03\x2b\x65\x70", 5);                           // OID id-Ed25519
const std::string kEd25519PrintableParams("\x13\x0c" "edwards25519", 14);              // PKCS#11 3.0 alt.

std::string HexLower(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

Result<std::string> IdBytes(const std::string& id_hex) {
  std::string out;
  if (id_hex.size() % 2 != 0 || id_hex.empty()) return KeyError("bad key id '" + id_hex + "' (hex CKA_ID)");
  for (size_t i = 0; i < id_hex.size(); i += 2) {
    char* end = nullptr;
    std::string byte = id_hex.substr(i, 2);
    long v = std::strtol(byte.c_str(), &end, 16);
    if (*end != 0) return KeyError("bad key id '" + id_hex + "' (hex CKA_ID)");
    out.push_back(char(v));
  }
  return out;
}

std::string Trim(const unsigned char* p, size_t n) {
  std::string s(reinterpret_cast<const char*>(p), n);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

// DER OCTET STRING around content (CKA_EC_POINT).
std::string DerOctetString(std::string_view content) {
  std::string out = "\x04";
  if (content.size() < 128) {
    out.push_back(char(content.size()));
  } else {
    out.push_back('\x81');
    out.push_back(char(content.size()));
  }
  out.append(content);
  return out;
}

// Unwraps a DER OCTET STRING if the value is one of the expected length; else returns it unchanged
// (some modules return the raw point).
std::string UnwrapOctetString(const std::string& v, size_t raw_len) {
  if (v.size() == raw_len + 2 && v[0] == 0x04 && static_cast<unsigned char>(v[1]) == raw_len) return v.substr(2);
  if (v.size() == raw_len + 3 && v[0] == 0x04 && static_cast<unsigned char>(v[1]) == 0x81 &&
      static_cast<unsigned char>(v[2]) == raw_len) {
    return v.substr(3);
  }
  return v;
}

struct Attr {
  CK_ATTRIBUTE_TYPE type;
  std::string value;
};

// Holds attribute values alive while a CK_ATTRIBUTE array points at them.
class Template {
 public:
  Template& Add(CK_ATTRIBUTE_TYPE type, std::string value) {
    values_.push_back(std::make_unique<std::string>(std::move(value)));
    attrs_.push_back({type, values_.back()->data(), CK_ULONG(values_.back()->size())});
    return *this;
  }
  Template& Bool(CK_ATTRIBUTE_TYPE type, bool v) { return Add(type, std::string(1, v ? CK_TRUE : CK_FALSE)); }
  Template& Ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG v) {
    return Add(type, std::string(reinterpret_cast<const char*>(&v), sizeof v));
  }
  CK_ATTRIBUTE* data() { return attrs_.data(); }
  CK_ULONG size() const { return CK_ULONG(attrs_.size()); }

 private:
  std::vector<std::unique_ptr<std::string>> values_;
  std::vector<CK_ATTRIBUTE> attrs_;
};

}  // namespace

std::string DefaultPkcs11ModulePath() {
  const char* env = std::getenv(kPkcs11ModuleEnv);
  return env && *env ? std::string(env) : std::string(kDefaultPkcs11Module);
}

Result<std::string> PrepareSoftHsmDir(const std::string& dir) {
  std::error_code ec;
  std::string abs = std::filesystem::absolute(dir, ec).lexically_normal().string();
  if (ec) return IoError(dir + ": " + ec.message());
  while (abs.size() > 1 && abs.back() == '/') abs.pop_back();
  RC_RETURN_IF_ERROR(MakeDirs(abs + "/tokens"));
  std::string conf = abs + "/softhsm2.conf";
  if (!std::filesystem::exists(conf)) {
    RC_RETURN_IF_ERROR(WriteFileAtomic(conf,
                                       "# SoftHSMv2 configuration written by rollcage\n"
                                       "directories.tokendir = " + abs + "/tokens\n"
                                       "objectstore.backend = file\n"
                                       "log.level = ERROR\n"
                                       "slots.removable = false\n"));
  }
  return conf;
}

namespace {

Result<std::shared_ptr<internal::Pkcs11Module>> LoadModule(const Pkcs11Options& options, std::string* path) {
  *path = options.module_path.empty() ? DefaultPkcs11ModulePath() : options.module_path;
  std::string conf;
  if (!options.softhsm_dir.empty()) {
    RC_ASSIGN_OR_RETURN(conf, PrepareSoftHsmDir(options.softhsm_dir));
  }
  return internal::Pkcs11Module::Get(*path, conf);
}

Result<std::vector<TokenInfo>> Tokens(CK_FUNCTION_LIST_PTR f) {
  CK_ULONG n = 0;
  RC_RETURN_IF_ERROR(CheckRv("C_GetSlotList", f->C_GetSlotList(CK_TRUE, nullptr, &n)));
  std::vector<CK_SLOT_ID> slots(n);
  if (n > 0) RC_RETURN_IF_ERROR(CheckRv("C_GetSlotList", f->C_GetSlotList(CK_TRUE, slots.data(), &n)));
  slots.resize(n);
  std::vector<TokenInfo> out;
  for (CK_SLOT_ID slot : slots) {
    CK_TOKEN_INFO info;
    CK_RV rv = f->C_GetTokenInfo(slot, &info);
    if (rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_TOKEN_NOT_RECOGNIZED) continue;
    RC_RETURN_IF_ERROR(CheckRv("C_GetTokenInfo", rv));
    TokenInfo t;
    t.slot = slot;
    t.label = Trim(info.label, sizeof info.label);
    t.serial = Trim(info.serialNumber, sizeof info.serialNumber);
    t.initialized = info.flags & CKF_TOKEN_INITIALIZED;
    out.push_back(std::move(t));
  }
  return out;
}

std::string Padded(const std::string& label) {
  std::string s = label.substr(0, 32);
  s.resize(32, ' ');
  return s;
}

Status InitToken(CK_FUNCTION_LIST_PTR f, CK_SLOT_ID slot, const std::string& label, const std::string& so_pin,
                 const std::string& pin) {
  std::string padded = Padded(label);
  RC_RETURN_IF_ERROR(CheckRv("C_InitToken",
                             f->C_InitToken(slot, reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(so_pin.data())),
                                            so_pin.size(), reinterpret_cast<CK_UTF8CHAR_PTR>(padded.data()))));
  return Status::Ok();
}

Status InitUserPin(CK_FUNCTION_LIST_PTR f, CK_SLOT_ID slot, const std::string& so_pin, const std::string& pin) {
  CK_SESSION_HANDLE s;
  RC_RETURN_IF_ERROR(
      CheckRv("C_OpenSession", f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &s)));
  Status st = CheckRv("C_Login", f->C_Login(s, CKU_SO, reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(so_pin.data())),
                                            so_pin.size()));
  if (st.ok()) {
    st = CheckRv("C_InitPIN",
                 f->C_InitPIN(s, reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(pin.data())), pin.size()));
    f->C_Logout(s);
  }
  f->C_CloseSession(s);
  return st;
}

}  // namespace

Result<std::vector<TokenInfo>> Pkcs11KeyStore::ListTokens(const Pkcs11Options& options) {
  std::string path;
  RC_ASSIGN_OR_RETURN(auto module, LoadModule(options, &path));
  return Tokens(module->f());
}

Result<std::unique_ptr<Pkcs11KeyStore>> Pkcs11KeyStore::Open(const Pkcs11Options& options) {
  std::unique_ptr<Pkcs11KeyStore> store(new Pkcs11KeyStore());
  RC_ASSIGN_OR_RETURN(store->module_, LoadModule(options, &store->module_path_));
  CK_FUNCTION_LIST_PTR f = store->module_->f();
  if (options.pin.empty()) return KeyError("no PKCS#11 user PIN given (--pin or ROLLCAGE_PKCS11_PIN)");
  store->pin_ = options.pin;
  RC_ASSIGN_OR_RETURN(std::vector<TokenInfo> tokens, Tokens(f));
  const TokenInfo* chosen = nullptr;
  for (const auto& t : tokens) {
    if (options.slot ? t.slot == *options.slot : (t.initialized && t.label == options.token_label)) {
      chosen = &t;
      break;
    }
  }
  std::string so_pin = options.so_pin.empty() ? options.pin : options.so_pin;
  if (options.slot && !chosen) {
    return KeyError("PKCS#11 slot " + std::to_string(*options.slot) + " has no token in " + store->module_path_);
  }
  bool needs_init = !chosen || !chosen->initialized;
  if (needs_init) {
    if (!options.init_token) {
      std::string names;
      for (const auto& t : tokens) names += (names.empty() ? "" : ", ") + ("'" + t.label + "'");
      return KeyError("no initialised PKCS#11 token labelled '" + options.token_label + "' in " +
                      store->module_path_ + " (tokens: " + (names.empty() ? "none" : names) + ")");
    }
    if (!chosen) {
      for (const auto& t : tokens) {
        if (!t.initialized) {
          chosen = &t;
          break;
        }
      }
    }
    if (!chosen) {
      return KeyError("no PKCS#11 token labelled '" + options.token_label + "' and no free slot to initialise one in " +
                      store->module_path_);
    }
    RC_RETURN_IF_ERROR(InitToken(f, chosen->slot, options.token_label, so_pin, options.pin));
    // SoftHSM moves a freshly initialised token to a new slot id: look it up again by label.
    RC_ASSIGN_OR_RETURN(tokens, Tokens(f));
    chosen = nullptr;
    for (const auto& t : tokens) {
      if (t.initialized && t.label == options.token_label) chosen = &t;
    }
    if (!chosen) return KeyError("token '" + options.token_label + "' not found after C_InitToken");
    RC_RETURN_IF_ERROR(InitUserPin(f, chosen->slot, so_pin, options.pin));
  }
  store->slot_ = chosen->slot;
  store->token_label_ = chosen->label;
  store->max_threads_ = options.max_threads > 0 ? options.max_threads
                                                : std::clamp(int(std::thread::hardware_concurrency()), 1, 8);
  // Open the first session now so that a wrong PIN fails here, with C_Login named.
  RC_ASSIGN_OR_RETURN(CK_SESSION_HANDLE s, store->AcquireSession());
  store->ReleaseSession(s, false);
  return store;
}

Pkcs11KeyStore::~Pkcs11KeyStore() {
  if (!module_) return;
  for (CK_SESSION_HANDLE s : idle_sessions_) module_->f()->C_CloseSession(s);
}

std::string Pkcs11KeyStore::Describe() const {
  return "PKCS#11 token '" + token_label_ + "' (slot " + std::to_string(slot_) + ") via " + module_path_;
}

int Pkcs11KeyStore::MaxSigningThreads() const { return max_threads_; }

Status Pkcs11KeyStore::LoginOn(CK_SESSION_HANDLE s) {
  CK_FUNCTION_LIST_PTR f = module_->f();
  CK_SESSION_INFO info;
  RC_RETURN_IF_ERROR(CheckRv("C_GetSessionInfo", f->C_GetSessionInfo(s, &info)));
  if (info.state == CKS_RO_USER_FUNCTIONS || info.state == CKS_RW_USER_FUNCTIONS) return Status::Ok();
  CK_RV rv = f->C_Login(s, CKU_USER, reinterpret_cast<CK_UTF8CHAR_PTR>(pin_.data()), pin_.size());
  if (rv == CKR_USER_ALREADY_LOGGED_IN) return Status::Ok();
  return CheckRv("C_Login", rv).WithContext("token '" + token_label_ + "'");
}

Result<CK_SESSION_HANDLE> Pkcs11KeyStore::AcquireSession() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_sessions_.empty()) {
      CK_SESSION_HANDLE s = idle_sessions_.back();
      idle_sessions_.pop_back();
      return s;
    }
  }
  CK_FUNCTION_LIST_PTR f = module_->f();
  CK_SESSION_HANDLE s;
  RC_RETURN_IF_ERROR(CheckRv("C_OpenSession",
                             f->C_OpenSession(slot_, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &s))
                         .WithContext("token '" + token_label_ + "'"));
  Status st = LoginOn(s);
  if (!st.ok()) {
    f->C_CloseSession(s);
    return st;
  }
  return s;
}

void Pkcs11KeyStore::ReleaseSession(CK_SESSION_HANDLE s, bool broken) {
  if (broken) {
    module_->f()->C_CloseSession(s);  // its state is unknown after a failure: never reuse it
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  idle_sessions_.push_back(s);
}

// Returns a session to the pool when it goes out of scope; a failed operation marks it broken.
class Pkcs11KeyStore::SessionLease {
 public:
  SessionLease(Pkcs11KeyStore* store, CK_SESSION_HANDLE s) : store_(store), s_(s) {}
  ~SessionLease() { store_->ReleaseSession(s_, broken_); }
  CK_SESSION_HANDLE get() const { return s_; }
  // Passes st through, marking the session broken when it is an error.
  Status Check(Status st) {
    if (!st.ok()) broken_ = true;
    return st;
  }

 private:
  Pkcs11KeyStore* store_;
  CK_SESSION_HANDLE s_;
  bool broken_ = false;
};

namespace {

Result<std::vector<CK_OBJECT_HANDLE>> FindObjects(CK_FUNCTION_LIST_PTR f, CK_SESSION_HANDLE s, Template& t) {
  RC_RETURN_IF_ERROR(CheckRv("C_FindObjectsInit", f->C_FindObjectsInit(s, t.data(), t.size())));
  std::vector<CK_OBJECT_HANDLE> out;
  CK_OBJECT_HANDLE batch[64];
  while (true) {
    CK_ULONG n = 0;
    CK_RV rv = f->C_FindObjects(s, batch, 64, &n);
    if (rv != CKR_OK) {
      f->C_FindObjectsFinal(s);
      return CheckRv("C_FindObjects", rv);
    }
    if (n == 0) break;
    out.insert(out.end(), batch, batch + n);
  }
  RC_RETURN_IF_ERROR(CheckRv("C_FindObjectsFinal", f->C_FindObjectsFinal(s)));
  return out;
}

Result<std::string> GetAttr(CK_FUNCTION_LIST_PTR f, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type) {
  CK_ATTRIBUTE a{type, nullptr, 0};
  RC_RETURN_IF_ERROR(CheckRv("C_GetAttributeValue", f->C_GetAttributeValue(s, o, &a, 1)));
  if (a.ulValueLen == CK_UNAVAILABLE_INFORMATION) return KeyError("PKCS#11 C_GetAttributeValue: attribute unavailable");
  std::string v(a.ulValueLen, '\0');
  a.pValue = v.data();
  RC_RETURN_IF_ERROR(CheckRv("C_GetAttributeValue", f->C_GetAttributeValue(s, o, &a, 1)));
  v.resize(a.ulValueLen);
  return v;
}

Result<CK_ULONG> GetUlong(CK_FUNCTION_LIST_PTR f, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type) {
  RC_ASSIGN_OR_RETURN(std::string v, GetAttr(f, s, o, type));
  if (v.size() != sizeof(CK_ULONG)) return KeyError("PKCS#11 attribute has an unexpected size");
  CK_ULONG out;
  std::memcpy(&out, v.data(), sizeof out);
  return out;
}

std::string RsaDnskeyPublic(std::string_view e, std::string_view n) {
  while (!e.empty() && e[0] == 0) e.remove_prefix(1);
  while (!n.empty() && n[0] == 0) n.remove_prefix(1);
  std::string out;
  if (e.size() <= 255) {
    out.push_back(char(e.size()));
  } else {
    out.push_back('\0');
    out.push_back(char(e.size() >> 8));
    out.push_back(char(e.size() & 0xff));
  }
  out.append(e);
  out.append(n);
  return out;
}

// The DNSKEY public key field of the public key object (RFC 3110, 6605, 8080).
Result<KeyInfo> PublicOf(CK_FUNCTION_LIST_PTR f, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE pub, CK_KEY_TYPE type) {
  KeyInfo info;
  if (type == CKK_RSA) {
    RC_ASSIGN_OR_RETURN(std::string n, GetAttr(f, s, pub, CKA_MODULUS));
    RC_ASSIGN_OR_RETURN(std::string e, GetAttr(f, s, pub, CKA_PUBLIC_EXPONENT));
    info.algorithm = Algorithm::kRsaSha256;
    info.public_key = RsaDnskeyPublic(e, n);
    return info;
  }
  RC_ASSIGN_OR_RETURN(std::string params, GetAttr(f, s, pub, CKA_EC_PARAMS));
  RC_ASSIGN_OR_RETURN(std::string point, GetAttr(f, s, pub, CKA_EC_POINT));
  if (type == CKK_EC) {
    if (params != kP256Params) return KeyError("EC key is not on P-256");
    std::string raw = UnwrapOctetString(point, 65);
    if (raw.size() != 65 || raw[0] != 0x04) return KeyError("EC public point is not uncompressed P-256");
    info.algorithm = Algorithm::kEcdsaP256Sha256;
    info.public_key = raw.substr(1);
    return info;
  }
  if (type == CKK_EC_EDWARDS) {
    if (params != kEd25519Params && params != kEd25519PrintableParams) return KeyError("EdDSA key is not Ed25519");
    std::string raw = UnwrapOctetString(point, 32);
    if (raw.size() != 32) return KeyError("Ed25519 public key is not 32 octets");
    info.algorithm = Algorithm::kEd25519;
    info.public_key = raw;
    return info;
  }
  return KeyError("key type " + std::to_string(type) + " is not usable for DNSSEC");
}

}  // namespace

Result<CK_OBJECT_HANDLE> Pkcs11KeyStore::FindPrivateKey(CK_SESSION_HANDLE s, const std::string& id_bytes,
                                                        bool* token_failed) {
  Template t;
  t.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Add(CKA_ID, id_bytes);
  auto found = FindObjects(module_->f(), s, t);
  *token_failed = !found.ok();
  if (!found.ok()) return found.status();
  if (found->empty()) return KeyError("no private key with CKA_ID " + HexLower(id_bytes) + " on " + Describe());
  if (found->size() > 1) {
    return KeyError(std::to_string(found->size()) + " private keys share CKA_ID " + HexLower(id_bytes) + " on " +
                    Describe());
  }
  return (*found)[0];
}

Result<KeyInfo> Pkcs11KeyStore::ReadKey(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE priv) {
  CK_FUNCTION_LIST_PTR f = module_->f();
  RC_ASSIGN_OR_RETURN(std::string id, GetAttr(f, s, priv, CKA_ID));
  RC_ASSIGN_OR_RETURN(CK_ULONG type, GetUlong(f, s, priv, CKA_KEY_TYPE));
  std::string label;
  if (auto l = GetAttr(f, s, priv, CKA_LABEL); l.ok()) label = *l;
  Template t;
  t.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Add(CKA_ID, id);
  RC_ASSIGN_OR_RETURN(auto pubs, FindObjects(f, s, t));
  if (pubs.empty()) return KeyError("no public key object with CKA_ID " + HexLower(id) + " on " + Describe());
  RC_ASSIGN_OR_RETURN(KeyInfo info, PublicOf(f, s, pubs[0], type));
  info.id = HexLower(id);
  info.label = label;
  return info;
}

Result<std::vector<KeyInfo>> Pkcs11KeyStore::List() {
  RC_ASSIGN_OR_RETURN(CK_SESSION_HANDLE raw, AcquireSession());
  SessionLease lease(this, raw);
  Template t;
  t.Ulong(CKA_CLASS, CKO_PRIVATE_KEY);
  auto found = FindObjects(module_->f(), raw, t);
  RC_RETURN_IF_ERROR(lease.Check(found.status()));
  std::vector<KeyInfo> out;
  for (CK_OBJECT_HANDLE h : *found) {
    auto info = ReadKey(raw, h);
    if (!info.ok()) {
      // Keys rollcage cannot use (other curves, missing public half) are skipped; a failing token is not.
      if (info.status().message().find("PKCS#11 ") == 0) return lease.Check(info.status());
      continue;
    }
    out.push_back(*info);
  }
  std::sort(out.begin(), out.end(), [](const KeyInfo& a, const KeyInfo& b) { return a.id < b.id; });
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& k : out) infos_[k.id] = k;
  return out;
}

Result<KeyInfo> Pkcs11KeyStore::Get(const std::string& id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = infos_.find(id);
    if (it != infos_.end()) return it->second;
  }
  RC_ASSIGN_OR_RETURN(std::string id_bytes, IdBytes(id));
  RC_ASSIGN_OR_RETURN(CK_SESSION_HANDLE raw, AcquireSession());
  SessionLease lease(this, raw);
  bool token_failed = false;
  auto priv = FindPrivateKey(raw, id_bytes, &token_failed);
  if (token_failed) return lease.Check(priv.status());
  if (!priv.ok()) return priv.status();
  auto info = ReadKey(raw, *priv);
  RC_RETURN_IF_ERROR(lease.Check(info.status()));
  std::lock_guard<std::mutex> lock(mu_);
  infos_[id] = *info;
  private_handles_[id] = *priv;
  return *info;
}

Result<KeyInfo> Pkcs11KeyStore::Generate(const KeySpec& spec) {
  CK_FUNCTION_LIST_PTR f = module_->f();
  RC_ASSIGN_OR_RETURN(CK_SESSION_HANDLE raw, AcquireSession());
  SessionLease lease(this, raw);
  // A provisional CKA_ID; the final one is KeyIdFor(public key), set once the key exists.
  std::string temp_id = "rollcage-new-" + spec.label;
  Template pub, priv;
  pub.Bool(CKA_TOKEN, true).Bool(CKA_PRIVATE, false).Bool(CKA_VERIFY, true).Add(CKA_LABEL, spec.label).Add(CKA_ID, temp_id);
  priv.Bool(CKA_TOKEN, true).Bool(CKA_PRIVATE, true).Bool(CKA_SENSITIVE, true).Bool(CKA_EXTRACTABLE, false)
      .Bool(CKA_SIGN, true).Add(CKA_LABEL, spec.label).Add(CKA_ID, temp_id);
  CK_MECHANISM mech{0, nullptr, 0};
  switch (spec.algorithm) {
    case Algorithm::kRsaSha256:
      mech.mechanism = CKM_RSA_PKCS_KEY_PAIR_GEN;
      pub.Ulong(CKA_MODULUS_BITS, CK_ULONG(spec.rsa_bits)).Add(CKA_PUBLIC_EXPONENT, std::string("\x01\x00\x01", 3));
      break;
    case Algorithm::kEcdsaP256Sha256:
      mech.mechanism = CKM_EC_KEY_PAIR_GEN;
      pub.Add(CKA_EC_PARAMS, kP256Params);
      break;
    case Algorithm::kEd25519:
      mech.mechanism = CKM_EC_EDWARDS_KEY_PAIR_GEN;
      pub.Add(CKA_EC_PARAMS, kEd25519Params);
      break;
  }
  CK_OBJECT_HANDLE hpub = 0, hpriv = 0;
  RC_RETURN_IF_ERROR(lease.Check(CheckRv(
      "C_GenerateKeyPair", f->C_GenerateKeyPair(raw, &mech, pub.data(), pub.size(), priv.data(), priv.size(), &hpub, &hpriv))));
  CK_KEY_TYPE type = spec.algorithm == Algorithm::kRsaSha256 ? CKK_RSA
                     : spec.algorithm == Algorithm::kEd25519 ? CKK_EC_EDWARDS
                                                             : CKK_EC;
  auto info = PublicOf(f, raw, hpub, type);
  Status st = info.status();
  std::string id_bytes;
  if (st.ok()) {
    info->id = KeyIdFor(info->algorithm, info->public_key);
    info->label = spec.label;
    id_bytes = *IdBytes(info->id);
    Template set;
    set.Add(CKA_ID, id_bytes);
    st = CheckRv("C_SetAttributeValue", f->C_SetAttributeValue(raw, hpub, set.data(), set.size()));
    if (st.ok()) st = CheckRv("C_SetAttributeValue", f->C_SetAttributeValue(raw, hpriv, set.data(), set.size()));
  }
  if (!st.ok()) {
    f->C_DestroyObject(raw, hpub);
    f->C_DestroyObject(raw, hpriv);
    return lease.Check(st);
  }
  std::lock_guard<std::mutex> lock(mu_);
  infos_[info->id] = *info;
  private_handles_[info->id] = hpriv;
  return *info;
}

Result<KeyInfo> Pkcs11KeyStore::Import(const KeySpec& spec, std::string_view pkcs8_der) {
  RC_ASSIGN_OR_RETURN(KeyInfo info, PublicKeyOfPkcs8(pkcs8_der));
  if (info.algorithm != spec.algorithm) {
    return KeyError(std::string("imported private key is for ") + AlgorithmName(info.algorithm) + ", not " +
                    AlgorithmName(spec.algorithm));
  }
  info.label = spec.label;
  if (!spec.id_override.empty()) info.id = spec.id_override;
  if (auto existing = Get(info.id); existing.ok()) return *existing;
  RC_ASSIGN_OR_RETURN(internal::PkeyPtr pkey, internal::PkeyFromPkcs8Der(pkcs8_der));
  RC_ASSIGN_OR_RETURN(std::string id_bytes, IdBytes(info.id));
  Template pub, priv;
  pub.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Bool(CKA_TOKEN, true).Bool(CKA_PRIVATE, false).Bool(CKA_VERIFY, true)
      .Add(CKA_LABEL, spec.label).Add(CKA_ID, id_bytes);
  priv.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Bool(CKA_TOKEN, true).Bool(CKA_PRIVATE, true).Bool(CKA_SENSITIVE, true)
      .Bool(CKA_EXTRACTABLE, false).Bool(CKA_SIGN, true).Add(CKA_LABEL, spec.label).Add(CKA_ID, id_bytes);
  auto bn = [&](const char* name) -> Result<std::string> {
    BIGNUM* v = nullptr;
    if (!EVP_PKEY_get_bn_param(pkey.get(), name, &v)) return internal::OpenSslError(std::string("reading ") + name);
    internal::BnPtr owned(v);
    return internal::BnToBytes(v);
  };
  switch (info.algorithm) {
    case Algorithm::kRsaSha256: {
      pub.Ulong(CKA_KEY_TYPE, CKK_RSA);
      priv.Ulong(CKA_KEY_TYPE, CKK_RSA);
      const std::pair<CK_ATTRIBUTE_TYPE, const char*> kParts[] = {
          {CKA_MODULUS, OSSL_PKEY_PARAM_RSA_N},           {CKA_PUBLIC_EXPONENT, OSSL_PKEY_PARAM_RSA_E},
          {CKA_PRIVATE_EXPONENT, OSSL_PKEY_PARAM_RSA_D},  {CKA_PRIME_1, OSSL_PKEY_PARAM_RSA_FACTOR1},
          {CKA_PRIME_2, OSSL_PKEY_PARAM_RSA_FACTOR2},     {CKA_EXPONENT_1, OSSL_PKEY_PARAM_RSA_EXPONENT1},
          {CKA_EXPONENT_2, OSSL_PKEY_PARAM_RSA_EXPONENT2}, {CKA_COEFFICIENT, OSSL_PKEY_PARAM_RSA_COEFFICIENT1}};
      for (const auto& [attr, name] : kParts) {
        RC_ASSIGN_OR_RETURN(std::string v, bn(name));
        priv.Add(attr, v);
        if (attr == CKA_MODULUS || attr == CKA_PUBLIC_EXPONENT) pub.Add(attr, v);
      }
      break;
    }
    case Algorithm::kEcdsaP256Sha256: {
      RC_ASSIGN_OR_RETURN(std::string d, bn(OSSL_PKEY_PARAM_PRIV_KEY));
      d.insert(0, 32 - std::min<size_t>(32, d.size()), '\0');
      pub.Ulong(CKA_KEY_TYPE, CKK_EC).Add(CKA_EC_PARAMS, kP256Params)
          .Add(CKA_EC_POINT, DerOctetString("\x04" + info.public_key));
      priv.Ulong(CKA_KEY_TYPE, CKK_EC).Add(CKA_EC_PARAMS, kP256Params).Add(CKA_VALUE, d);
      break;
    }
    case Algorithm::kEd25519: {
      std::string seed(32, '\0');
      size_t len = seed.size();
      if (!EVP_PKEY_get_raw_private_key(pkey.get(), reinterpret_cast<unsigned char*>(seed.data()), &len) || len != 32) {
        return internal::OpenSslError("reading the Ed25519 private key");
      }
      pub.Ulong(CKA_KEY_TYPE, CKK_EC_EDWARDS).Add(CKA_EC_PARAMS, kEd25519Params)
          .Add(CKA_EC_POINT, DerOctetString(info.public_key));
      priv.Ulong(CKA_KEY_TYPE, CKK_EC_EDWARDS).Add(CKA_EC_PARAMS, kEd25519Params).Add(CKA_VALUE, seed);
      break;
    }
  }
  CK_FUNCTION_LIST_PTR f = module_->f();
  RC_ASSIGN_OR_RETURN(CK_SESSION_HANDLE raw, AcquireSession());
  SessionLease lease(this, raw);
  CK_OBJECT_HANDLE hpriv = 0, hpub = 0;
  RC_RETURN_IF_ERROR(lease.Check(CheckRv("C_CreateObject", f->C_CreateObject(raw, priv.data(), priv.size(), &hpriv))));
  Status st = CheckRv("C_CreateObject", f->C_CreateObject(raw, pub.data(), pub.size(), &hpub));
  if (!st.ok()) {
    f->C_DestroyObject(raw, hpriv);
    return lease.Check(st);
  }
  std::lock_guard<std::mutex> lock(mu_);
  infos_[info.id] = info;
  private_handles_[info.id] = hpriv;
  return info;
}

Result<std::string> Pkcs11KeyStore::Sign(const std::string& id, std::string_view data) {
  RC_ASSIGN_OR_RETURN(KeyInfo info, Get(id));
  CK_OBJECT_HANDLE key = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = private_handles_.find(id);
    if (it != private_handles_.end()) key = it->second;
  }
  RC_ASSIGN_OR_RETURN(CK_SESSION_HANDLE raw, AcquireSession());
  SessionLease lease(this, raw);
  RC_ASSIGN_OR_RETURN(std::string id_bytes, IdBytes(id));
  if (key == 0) {
    bool token_failed = false;
    auto found = FindPrivateKey(raw, id_bytes, &token_failed);
    if (token_failed) return lease.Check(found.status());
    if (!found.ok()) return found.status();
    key = *found;
    std::lock_guard<std::mutex> lock(mu_);
    private_handles_[id] = key;
  }
  CK_MECHANISM mech{0, nullptr, 0};
  std::string input;
  switch (info.algorithm) {
    case Algorithm::kRsaSha256:
      mech.mechanism = CKM_SHA256_RSA_PKCS;
      input.assign(data);
      break;
    case Algorithm::kEcdsaP256Sha256:
      // SoftHSM 2.6 has no CKM_ECDSA_SHA256: hash here and sign the digest with plain CKM_ECDSA,
      // whose output r || s is already the DNSSEC format (RFC 6605 §4).
      mech.mechanism = CKM_ECDSA;
      input = internal::Sha256(data);
      break;
    case Algorithm::kEd25519:
      mech.mechanism = CKM_EDDSA;
      input.assign(data);
      break;
  }
  CK_FUNCTION_LIST_PTR f = module_->f();
  Status st = CheckRv("C_SignInit", f->C_SignInit(raw, &mech, key));
  std::string sig(1024, '\0');
  CK_ULONG len = sig.size();
  if (st.ok()) {
    st = CheckRv("C_Sign", f->C_Sign(raw, reinterpret_cast<CK_BYTE_PTR>(input.data()), input.size(),
                                     reinterpret_cast<CK_BYTE_PTR>(sig.data()), &len));
  }
  if (!st.ok()) {
    // The handle may be stale (token removed, key deleted elsewhere): look it up afresh next time.
    std::lock_guard<std::mutex> lock(mu_);
    private_handles_.erase(id);
    return lease.Check(st.WithContext("signing with key " + id + " on token '" + token_label_ + "'"));
  }
  sig.resize(len);
  size_t expected = info.algorithm == Algorithm::kRsaSha256 ? 0 : 64;
  if (expected && sig.size() != expected) {
    return KeyError("PKCS#11 C_Sign returned " + std::to_string(sig.size()) + " octets, expected " +
                    std::to_string(expected));
  }
  return sig;
}

Status Pkcs11KeyStore::Delete(const std::string& id) {
  RC_ASSIGN_OR_RETURN(std::string id_bytes, IdBytes(id));
  CK_FUNCTION_LIST_PTR f = module_->f();
  RC_ASSIGN_OR_RETURN(CK_SESSION_HANDLE raw, AcquireSession());
  SessionLease lease(this, raw);
  Template t;
  t.Add(CKA_ID, id_bytes);
  auto found = FindObjects(f, raw, t);
  RC_RETURN_IF_ERROR(lease.Check(found.status()));
  if (found->empty()) return KeyError("no key with CKA_ID " + id + " on " + Describe());
  for (CK_OBJECT_HANDLE h : *found) {
    RC_RETURN_IF_ERROR(lease.Check(CheckRv("C_DestroyObject", f->C_DestroyObject(raw, h))));
  }
  std::lock_guard<std::mutex> lock(mu_);
  infos_.erase(id);
  private_handles_.erase(id);
  return Status::Ok();
}

}  // namespace rollcage::signer
