#include "signer-under-test/openssl_key_store.h"

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <optional>
#include <vector>
#include <thread>
#include <unordered_map>

#include "base/encoding.h"
#include "base/mod_inverse.h"
#include "signer-under-test/internal/openssl_util.h"

namespace rollcage::signer {

using internal::BnCtxPtr;
using internal::BnPtr;
using internal::EcPointPtr;
using internal::MdCtxPtr;
using internal::OpenSslError;
using internal::ParamBldPtr;
using internal::ParamPtr;
using internal::PkeyCtxPtr;
using internal::PkeyPtr;

struct OpenSslKeyStore::Key {
  KeyInfo info;
  PkeyPtr pkey;
  BnPtr ec_private;  // ECDSA: the private scalar d, for RFC 6979 signing
};

namespace {

constexpr size_t kP256Bytes = 32;

// ---- Public keys in DNSKEY format -------------------------------------------------------------

Status GetBn(EVP_PKEY* pkey, const char* name, BnPtr* out) {
  BIGNUM* bn = nullptr;
  if (!EVP_PKEY_get_bn_param(pkey, name, &bn)) return OpenSslError(std::string("reading key parameter ") + name);
  out->reset(bn);
  return Status::Ok();
}

Result<Algorithm> AlgorithmOfPkey(EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "RSA")) return Algorithm::kRsaSha256;
  if (EVP_PKEY_is_a(pkey, "ED25519")) return Algorithm::kEd25519;
  if (EVP_PKEY_is_a(pkey, "EC")) {
    char group[64] = {0};
    size_t len = 0;
    if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len)) {
      return OpenSslError("reading the EC key's curve");
    }
    std::string g(group, len);
    if (g == "prime256v1" || g == "P-256" || g == "secp256r1") return Algorithm::kEcdsaP256Sha256;
    return KeyError("EC key on curve " + g + " is not usable for DNSSEC algorithm 13 (needs P-256)");
  }
  return KeyError("private key type is not RSA, EC P-256 or Ed25519");
}

// RFC 3110 §2: exponent length (1 octet, or 0 and 2 octets), exponent, modulus.
std::string RsaDnskeyPublic(std::string_view e, std::string_view n) {
  std::string out;
  if (e.size() <= 255) {
    out.push_back(char(e.size()));
  } else {
    out.push_back('\0');
    AppendU16(out, uint16_t(e.size()));
  }
  out.append(e);
  out.append(n);
  return out;
}

Result<std::string> DnskeyPublicOfPkey(EVP_PKEY* pkey, Algorithm alg) {
  switch (alg) {
    case Algorithm::kRsaSha256: {
      BnPtr n, e;
      RC_RETURN_IF_ERROR(GetBn(pkey, OSSL_PKEY_PARAM_RSA_N, &n));
      RC_RETURN_IF_ERROR(GetBn(pkey, OSSL_PKEY_PARAM_RSA_E, &e));
      return RsaDnskeyPublic(internal::BnToBytes(e.get()), internal::BnToBytes(n.get()));
    }
    case Algorithm::kEcdsaP256Sha256: {
      // RFC 6605 §4: Q as x || y, 32 octets each.
      BnPtr x, y;
      RC_RETURN_IF_ERROR(GetBn(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x));
      RC_RETURN_IF_ERROR(GetBn(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y));
      return internal::BnToFixed(x.get(), kP256Bytes) + internal::BnToFixed(y.get(), kP256Bytes);
    }
    case Algorithm::kEd25519: {
      // RFC 8080 §3: the 32-octet public key of RFC 8032.
      std::string out(32, '\0');
      size_t len = out.size();
      if (!EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(out.data()), &len) || len != 32) {
        return OpenSslError("reading the Ed25519 public key");
      }
      return out;
    }
  }
  return InternalError("unknown algorithm");
}

// ---- Building keys from their parts ------------------------------------------------------------

Result<PkeyPtr> PkeyFromParams(const char* type, OSSL_PARAM_BLD* bld) {
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_KEYPAIR, params.get()) <= 0) {
    return OpenSslError(std::string("building ") + type + " key");
  }
  return PkeyPtr(pkey);
}

Result<PkeyPtr> EcKeyFromScalar(const BIGNUM* d) {
  const EC_GROUP* group = internal::P256Group();
  BnCtxPtr ctx(BN_CTX_new());
  EcPointPtr q(EC_POINT_new(group));
  if (!q || !EC_POINT_mul(group, q.get(), d, nullptr, nullptr, ctx.get())) {
    return OpenSslError("computing the P-256 public key");
  }
  unsigned char pub[65];
  size_t pub_len = EC_POINT_point2oct(group, q.get(), POINT_CONVERSION_UNCOMPRESSED, pub, sizeof pub, ctx.get());
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (pub_len != 65 || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pub, pub_len)) {
    return OpenSslError("building the P-256 key parameters");
  }
  return PkeyFromParams("EC", bld.get());
}

// Expands the derivation material into n pseudo-random octets (SHA-512 in counter mode).
std::string Expand(std::string_view material, std::string_view purpose, size_t n) {
  std::string out;
  for (uint32_t counter = 0; out.size() < n; ++counter) {
    std::string block(material);
    block.append(purpose);
    AppendU32(block, counter);
    out += internal::Sha512(block);
  }
  out.resize(n);
  return out;
}

// The first prime >= a start taken from the material, with the top two bits set (so that p*q has
// exactly 2*bits bits) and gcd(p-1, e) = 1. Deterministic: the same material gives the same prime.
Result<BnPtr> DerivePrime(std::string_view material, std::string_view purpose, int bits, const BIGNUM* e,
                          BN_CTX* ctx) {
  std::string start = Expand(material, purpose, size_t(bits / 8));
  start[0] = char(static_cast<unsigned char>(start[0]) | 0xC0);
  start.back() = char(static_cast<unsigned char>(start.back()) | 1);
  BnPtr p = internal::BnFromBytes(start);
  BnPtr pm1(BN_new()), g(BN_new());
  for (int tries = 0; tries < 100000; ++tries) {
    // Cheap sieve by small primes before the Miller-Rabin test.
    bool composite = false;
    static constexpr BN_ULONG kSmall[] = {3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67};
    for (BN_ULONG sp : kSmall) {
      if (BN_mod_word(p.get(), sp) == 0) {
        composite = true;
        break;
      }
    }
    if (!composite) {
      int r = BN_check_prime(p.get(), ctx, nullptr);
      if (r < 0) return OpenSslError("testing an RSA prime");
      if (r == 1) {
        BN_copy(pm1.get(), p.get());
        BN_sub_word(pm1.get(), 1);
        BN_gcd(g.get(), pm1.get(), e, ctx);
        if (BN_is_one(g.get())) return p;
      }
    }
    BN_add_word(p.get(), 2);
  }
  return InternalError("no RSA prime found");
}

Result<PkeyPtr> RsaKeyFromMaterial(std::string_view material, int bits) {
  if (bits < 1024 || bits > 4096 || bits % 16 != 0) {
    return UsageError("RSA key size " + std::to_string(bits) + " is not supported (1024..4096, multiple of 16)");
  }
  BnCtxPtr ctx(BN_CTX_new());
  BnPtr e(BN_new());
  BN_set_word(e.get(), 65537);
  RC_ASSIGN_OR_RETURN(BnPtr p, DerivePrime(material, "rsa-p", bits / 2, e.get(), ctx.get()));
  RC_ASSIGN_OR_RETURN(BnPtr q, DerivePrime(material, "rsa-q", bits / 2, e.get(), ctx.get()));
  if (BN_cmp(p.get(), q.get()) == 0) return InternalError("derived RSA primes are equal");
  if (BN_cmp(p.get(), q.get()) < 0) std::swap(p, q);  // p > q, the usual CRT convention
  BnPtr n(BN_new()), pm1(BN_new()), qm1(BN_new()), phi(BN_new()), d(BN_new()), dp(BN_new()), dq(BN_new()),
      qinv(BN_new());
  BN_mul(n.get(), p.get(), q.get(), ctx.get());
  BN_copy(pm1.get(), p.get());
  BN_sub_word(pm1.get(), 1);
  BN_copy(qm1.get(), q.get());
  BN_sub_word(qm1.get(), 1);
  BN_mul(phi.get(), pm1.get(), qm1.get(), ctx.get());
  if (!BN_mod_inverse(d.get(), e.get(), phi.get(), ctx.get()) || !BN_mod(dp.get(), d.get(), pm1.get(), ctx.get()) ||
      !BN_mod(dq.get(), d.get(), qm1.get(), ctx.get()) || !BN_mod_inverse(qinv.get(), q.get(), p.get(), ctx.get())) {
    return OpenSslError("computing the RSA private exponents");
  }
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_D, d.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, p.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, q.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, dp.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, dq.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qinv.get())) {
    return OpenSslError("building the RSA key parameters");
  }
  return PkeyFromParams("RSA", bld.get());
}

// Derived RSA keys by material: the prime search takes tens to hundreds of milliseconds.
std::mutex rsa_cache_mu;
std::map<std::string, std::string>& RsaCache() {
  static auto* cache = new std::map<std::string, std::string>();
  return *cache;
}

Result<PkeyPtr> PkeyFromMaterial(std::string_view material, const KeySpec& spec, bool cache) {
  switch (spec.algorithm) {
    case Algorithm::kEcdsaP256Sha256: {
      // d = (48 pseudo-random octets mod (n - 1)) + 1, in [1, n-1] with negligible bias.
      BnCtxPtr ctx(BN_CTX_new());
      BnPtr order_m1(BN_dup(EC_GROUP_get0_order(internal::P256Group())));
      BN_sub_word(order_m1.get(), 1);
      BnPtr raw = internal::BnFromBytes(Expand(material, "ecdsa-p256", 48));
      BnPtr d(BN_new());
      BN_nnmod(d.get(), raw.get(), order_m1.get(), ctx.get());
      BN_add_word(d.get(), 1);
      return EcKeyFromScalar(d.get());
    }
    case Algorithm::kEd25519: {
      std::string priv = Expand(material, "ed25519", 32);
      EVP_PKEY* pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                                    reinterpret_cast<const unsigned char*>(priv.data()), 32);
      if (!pkey) return OpenSslError("building the Ed25519 key");
      return PkeyPtr(pkey);
    }
    case Algorithm::kRsaSha256: {
      std::string cache_key(material);
      if (!cache) return RsaKeyFromMaterial(material, spec.rsa_bits);
      {
        std::lock_guard<std::mutex> lock(rsa_cache_mu);
        auto it = RsaCache().find(cache_key);
        if (it != RsaCache().end()) return internal::PkeyFromPkcs8Der(it->second);
      }
      RC_ASSIGN_OR_RETURN(PkeyPtr pkey, RsaKeyFromMaterial(material, spec.rsa_bits));
      RC_ASSIGN_OR_RETURN(std::string der, internal::PkeyToPkcs8Der(pkey.get()));
      std::lock_guard<std::mutex> lock(rsa_cache_mu);
      RsaCache()[cache_key] = std::move(der);
      return pkey;
    }
  }
  return InternalError("unknown algorithm");
}

std::string SeedMaterial(uint64_t seed, const KeySpec& spec) {
  std::string m = "rollcage key derivation v1";
  m.push_back('\0');
  for (int i = 7; i >= 0; --i) m.push_back(char((seed >> (8 * i)) & 0xff));
  m.push_back(char(AlgorithmNumber(spec.algorithm)));
  AppendU16(m, uint16_t(spec.algorithm == Algorithm::kRsaSha256 ? spec.rsa_bits : 0));
  m += spec.label;
  return internal::Sha512(m);
}

Result<std::string> RandomMaterial() {
  std::string m(64, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(m.data()), int(m.size())) != 1) {
    return OpenSslError("drawing random key material");
  }
  return m;
}

Result<std::shared_ptr<OpenSslKeyStore::Key>> KeyFromPkey(PkeyPtr pkey, const std::string& label) {
  RC_ASSIGN_OR_RETURN(Algorithm alg, AlgorithmOfPkey(pkey.get()));
  auto key = std::make_shared<OpenSslKeyStore::Key>();
  RC_ASSIGN_OR_RETURN(key->info.public_key, DnskeyPublicOfPkey(pkey.get(), alg));
  key->info.algorithm = alg;
  key->info.label = label;
  key->info.id = KeyIdFor(alg, key->info.public_key);
  if (alg == Algorithm::kEcdsaP256Sha256) {
    RC_RETURN_IF_ERROR(GetBn(pkey.get(), OSSL_PKEY_PARAM_PRIV_KEY, &key->ec_private));
  }
  key->pkey = std::move(pkey);
  return key;
}

// ---- Signing ---------------------------------------------------------------------------------

using internal::HmacSha256Into;

// The P-256 group order, for k^-1 (base/mod_inverse.h: a fifth of BN_mod_inverse's time).
const OddModulus& Order() {
  static const OddModulus* order = [] {
    unsigned char n[kP256Bytes];
    BN_bn2binpad(EC_GROUP_get0_order(internal::P256Group()), n, kP256Bytes);
    return new OddModulus(std::string_view(reinterpret_cast<const char*>(n), kP256Bytes));
  }();
  return *order;
}

// ECDSA P-256 with SHA-256 and the deterministic nonce of RFC 6979 §3.2 (qlen = hlen = 256, so
// bits2int is the identity). Returns r || s, 32 octets each (RFC 6605 §4).
// h1: the SHA-256 digest of the data to sign.
Result<std::string> EcdsaSignRfc6979(const BIGNUM* d, const std::string& h1) {
  const EC_GROUP* group = internal::P256Group();
  // Per-thread scratch numbers: a signature allocates nothing of its own but the result. k^-1 comes
  // from a variable-time inverse (Order()); this signer's keys are test keys, timing is no concern.
  struct Scratch {
    BnCtxPtr ctx{BN_CTX_new()};
    EcPointPtr point{EC_POINT_new(internal::P256Group())};
    BnPtr e{BN_new()}, h_mod{BN_new()}, kk{BN_new()}, r{BN_new()}, s{BN_new()}, px{BN_new()}, kinv{BN_new()},
        tmp{BN_new()};
  };
  thread_local Scratch sc;
  const BIGNUM* n = EC_GROUP_get0_order(group);
  BN_CTX* ctx = sc.ctx.get();
  auto view = [](const unsigned char* p, size_t len) { return std::string_view(reinterpret_cast<const char*>(p), len); };
  constexpr unsigned char kZero = 0, kOne = 1;
  unsigned char x[kP256Bytes], h_octets[kP256Bytes], v[32], k[32];
  if (!BN_bin2bn(reinterpret_cast<const unsigned char*>(h1.data()), int(h1.size()), sc.e.get()) ||
      !BN_nnmod(sc.h_mod.get(), sc.e.get(), n, ctx) || BN_bn2binpad(d, x, kP256Bytes) < 0 ||
      BN_bn2binpad(sc.h_mod.get(), h_octets, kP256Bytes) < 0) {
    return OpenSslError("ECDSA signing");
  }
  std::memset(v, 1, sizeof v);
  std::memset(k, 0, sizeof k);
  // (HmacSha256Into reads its key and data before it writes its output, so k and v update in place.)
  HmacSha256Into(view(k, 32), {view(v, 32), view(&kZero, 1), view(x, kP256Bytes), view(h_octets, kP256Bytes)}, k);
  HmacSha256Into(view(k, 32), {view(v, 32)}, v);
  HmacSha256Into(view(k, 32), {view(v, 32), view(&kOne, 1), view(x, kP256Bytes), view(h_octets, kP256Bytes)}, k);
  HmacSha256Into(view(k, 32), {view(v, 32)}, v);
  BIGNUM *kk = sc.kk.get(), *r = sc.r.get(), *s = sc.s.get(), *px = sc.px.get(), *kinv = sc.kinv.get(),
         *tmp = sc.tmp.get();
  for (int attempt = 0; attempt < 64; ++attempt) {
    HmacSha256Into(view(k, 32), {view(v, 32)}, v);
    if (!BN_bin2bn(v, sizeof v, kk)) return OpenSslError("ECDSA signing");
    if (!BN_is_zero(kk) && BN_cmp(kk, n) < 0) {
      if (!EC_POINT_mul(group, sc.point.get(), kk, nullptr, nullptr, ctx) ||
          !EC_POINT_get_affine_coordinates(group, sc.point.get(), px, nullptr, ctx) || !BN_nnmod(r, px, n, ctx)) {
        return OpenSslError("ECDSA signing");
      }
      if (!BN_is_zero(r)) {
        // s = k^-1 (e + d r) mod n
        unsigned char kinv_octets[kP256Bytes];
        if (!Order().Inverse(view(v, 32), kinv_octets) || !BN_bin2bn(kinv_octets, kP256Bytes, kinv) ||
            !BN_mod_mul(tmp, d, r, n, ctx) ||
            !BN_mod_add(tmp, tmp, sc.e.get(), n, ctx) || !BN_mod_mul(s, kinv, tmp, n, ctx)) {
          return OpenSslError("ECDSA signing");
        }
        if (!BN_is_zero(s)) {
          std::string out(2 * kP256Bytes, '\0');
          auto* o = reinterpret_cast<unsigned char*>(out.data());
          BN_bn2binpad(r, o, kP256Bytes);
          BN_bn2binpad(s, o + kP256Bytes, kP256Bytes);
          return out;
        }
      }
    }
    HmacSha256Into(view(k, 32), {view(v, 32), view(&kZero, 1)}, k);
    HmacSha256Into(view(k, 32), {view(v, 32)}, v);
  }
  return InternalError("RFC 6979 nonce generation did not terminate");
}

// Ed25519 signing contexts, one per key and thread: EVP_DigestSignInit fetches the signature
// implementation every time (about half the cost of an Ed25519 signature), and the one-shot
// EVP_DigestSign may be called on an initialised context again. Keyed by the EVP_PKEY, which the
// context holds a reference to (so the address is not reused while the entry lives); bounded.
struct EddsaSignContexts {
  static constexpr size_t kMax = 64;
  std::unordered_map<const EVP_PKEY*, EVP_MD_CTX*> map;
  ~EddsaSignContexts() { Clear(); }
  void Clear() {
    for (auto& [k, c] : map) EVP_MD_CTX_free(c);
    map.clear();
  }
};
thread_local EddsaSignContexts tl_eddsa_sign;

Result<std::string> EvpSign(EVP_PKEY* pkey, const EVP_MD* md, std::string_view data) {
  MdCtxPtr owned;
  EVP_MD_CTX* ctx = nullptr;
  if (!md) {  // EdDSA: a remembered context
    if (auto it = tl_eddsa_sign.map.find(pkey); it != tl_eddsa_sign.map.end()) ctx = it->second;
  }
  if (!ctx) {
    owned.reset(EVP_MD_CTX_new());
    if (!owned || EVP_DigestSignInit(owned.get(), nullptr, md, nullptr, pkey) != 1) return OpenSslError("signing");
    ctx = owned.get();
    if (!md) {
      if (tl_eddsa_sign.map.size() >= EddsaSignContexts::kMax) tl_eddsa_sign.Clear();
      tl_eddsa_sign.map.emplace(pkey, owned.release());
    }
  }
  size_t len = 0;
  if (EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    return OpenSslError("signing");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    return OpenSslError("signing");
  }
  sig.resize(len);
  return sig;
}

// Converts a DER ECDSA-Sig-Value to r || s (RFC 6605 §4).
Result<std::string> EcdsaDerToRaw(std::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, long(der.size()));
  if (!sig) return OpenSslError("decoding an ECDSA signature");
  std::string out = internal::BnToFixed(ECDSA_SIG_get0_r(sig), kP256Bytes) +
                    internal::BnToFixed(ECDSA_SIG_get0_s(sig), kP256Bytes);
  ECDSA_SIG_free(sig);
  return out;
}

}  // namespace

// Process-wide memo tables for pure functions of their key (derived keys, parsed PKCS#8): a scenario
// fuzzer makes the same keys thousands of times per second, and OpenSSL 3's decoder lookup in
// EVP_PKCS82PKEY costs more than an ECDSA signature. Bounded: emptied when full.
namespace {
template <class V>
class Memo {
 public:
  explicit Memo(size_t capacity = 4096) : capacity_(capacity) {}
  std::optional<V> Find(const std::string& k) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(k);
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  void Put(const std::string& k, V v) {
    std::lock_guard<std::mutex> lock(mu_);
    if (map_.size() >= capacity_) map_.clear();
    map_[k] = std::move(v);
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::unordered_map<std::string, V> map_;  // hashed: a scenario fuzzer looks up every signature
};

Memo<std::string>& DerivedKeys() {
  static auto* memo = new Memo<std::string>();
  return *memo;
}

// Parsed keys by PKCS#8 DER, without a label (keys are immutable once made). DeriveKeyPkcs8 puts
// the key it made here too, so importing a derived key never runs OpenSSL's decoder (a third of
// the scenario fuzz target's allocations when every input brings new keys).
Memo<std::shared_ptr<const OpenSslKeyStore::Key>>& ParsedKeys() {
  static auto* memo = new Memo<std::shared_ptr<const OpenSslKeyStore::Key>>();
  return *memo;
}

// Deterministic signatures (RSA, Ed25519, RFC 6979 ECDSA) by public key and digest: a four-way
// set-associative table of fixed slots, allocated once. Remembering a signature allocates nothing, so a fuzz run
// that signs something new still frees what it allocates (libFuzzer runs again every input that
// does not, looking for a leak: a quarter of the scenario target's time when this was a hash map).
class SignatureMemo {
 public:
  // 2^16 slots of 290 octets (19 MiB): a scenario fuzzer's corpus signs tens of thousands of
  // distinct RRsets. Larger signatures (RSA above 2048 bits) are not remembered.
  static constexpr size_t kSlots = 1 << 16;
  static constexpr size_t kMaxSignature = 256;
  SignatureMemo() : slots_(kSlots) {}
  // key: 32 octets (SHA-256 of the public key and the digest signed).
  std::optional<std::string> Find(const unsigned char key[32]) {
    std::lock_guard<std::mutex> lock(mu_);
    size_t b = Bucket(key);
    for (size_t w = 0; w < kWays; ++w) {
      const Slot& s = slots_[b + w];
      if (s.len != 0 && std::memcmp(s.key, key, 32) == 0) return std::string(s.sig, s.len);
    }
    return std::nullopt;
  }
  void Put(const unsigned char key[32], std::string_view sig) {
    if (sig.empty() || sig.size() > kMaxSignature) return;
    std::lock_guard<std::mutex> lock(mu_);
    size_t b = Bucket(key);
    Slot* s = nullptr;
    for (size_t w = 0; w < kWays && !s; ++w) {
      if (slots_[b + w].len == 0) s = &slots_[b + w];
    }
    if (!s) s = &slots_[b + (next_victim_++ % kWays)];  // a full bucket: one of its four goes
    std::memcpy(s->key, key, 32);
    std::memcpy(s->sig, sig.data(), sig.size());
    s->len = uint16_t(sig.size());
  }

 private:
  static constexpr size_t kWays = 4;  // four slots per bucket: few evictions while half full
  struct Slot {
    unsigned char key[32];
    uint16_t len = 0;  // 0: empty
    char sig[kMaxSignature];
  };
  static size_t Bucket(const unsigned char key[32]) {
    size_t h;
    std::memcpy(&h, key, sizeof h);  // the key is a digest: any octets are uniform
    return (h % (kSlots / kWays)) * kWays;
  }
  size_t next_victim_ = 0;
  std::mutex mu_;
  std::vector<Slot> slots_;
};

SignatureMemo& Signatures() {
  static auto* memo = new SignatureMemo();
  return *memo;
}

// The PKCS#8 DER of a key just made, remembered in ParsedKeys so that importing it costs nothing.
Result<std::string> Pkcs8Remembered(PkeyPtr pkey) {
  RC_ASSIGN_OR_RETURN(std::string der, internal::PkeyToPkcs8Der(pkey.get()));
  RC_ASSIGN_OR_RETURN(std::shared_ptr<OpenSslKeyStore::Key> parsed, KeyFromPkey(std::move(pkey), ""));
  ParsedKeys().Put(der, std::move(parsed));
  return der;
}

// A parsed key under another label (shares nothing mutable with the original).
Result<std::shared_ptr<OpenSslKeyStore::Key>> Relabelled(const OpenSslKeyStore::Key& k, const std::string& label) {
  auto out = std::make_shared<OpenSslKeyStore::Key>();
  out->info = k.info;
  out->info.label = label;
  if (!EVP_PKEY_up_ref(k.pkey.get())) return OpenSslError("sharing a parsed key");
  out->pkey.reset(k.pkey.get());
  if (k.ec_private) {
    out->ec_private.reset(BN_dup(k.ec_private.get()));
    if (!out->ec_private) return OpenSslError("copying a private scalar");
  }
  return out;
}
}  // namespace

Result<std::string> DeriveKeyPkcs8(uint64_t seed, const KeySpec& spec) {
  std::string material = SeedMaterial(seed, spec);
  if (auto der = DerivedKeys().Find(material)) return *der;
  RC_ASSIGN_OR_RETURN(PkeyPtr pkey, PkeyFromMaterial(material, spec, true));
  RC_ASSIGN_OR_RETURN(std::string der, Pkcs8Remembered(std::move(pkey)));
  DerivedKeys().Put(material, der);
  return der;
}

Result<std::string> RandomKeyPkcs8(const KeySpec& spec) {
  RC_ASSIGN_OR_RETURN(std::string material, RandomMaterial());
  RC_ASSIGN_OR_RETURN(PkeyPtr pkey, PkeyFromMaterial(material, spec, false));
  return internal::PkeyToPkcs8Der(pkey.get());
}

Result<std::string> Pkcs8FromRawPrivate(Algorithm algorithm, std::string_view raw) {
  if (raw.size() != 32) return KeyError("raw private key must be 32 octets, got " + std::to_string(raw.size()));
  switch (algorithm) {
    case Algorithm::kEcdsaP256Sha256: {
      BnPtr d = internal::BnFromBytes(raw);
      if (BN_is_zero(d.get()) || BN_cmp(d.get(), EC_GROUP_get0_order(internal::P256Group())) >= 0) {
        return KeyError("P-256 private scalar out of range");
      }
      RC_ASSIGN_OR_RETURN(PkeyPtr pkey, EcKeyFromScalar(d.get()));
      return Pkcs8Remembered(std::move(pkey));
    }
    case Algorithm::kEd25519: {
      EVP_PKEY* pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                                    reinterpret_cast<const unsigned char*>(raw.data()), 32);
      if (!pkey) return OpenSslError("building the Ed25519 key");
      PkeyPtr owned(pkey);
      return internal::PkeyToPkcs8Der(owned.get());
    }
    case Algorithm::kRsaSha256:
      break;
  }
  return UsageError("raw private keys are only supported for ECDSAP256SHA256 and ED25519");
}

Result<KeyInfo> PublicKeyOfPkcs8(std::string_view pkcs8_der) {
  if (auto parsed = ParsedKeys().Find(std::string(pkcs8_der))) return (*parsed)->info;
  RC_ASSIGN_OR_RETURN(PkeyPtr pkey, internal::PkeyFromPkcs8Der(pkcs8_der));
  RC_ASSIGN_OR_RETURN(auto key, KeyFromPkey(std::move(pkey), ""));
  return key->info;
}

OpenSslKeyStore::OpenSslKeyStore(OpenSslKeyStoreOptions options) : options_(options) {}
OpenSslKeyStore::~OpenSslKeyStore() = default;

std::string OpenSslKeyStore::Describe() const {
  return options_.seed ? "in-process OpenSSL keys (seed " + std::to_string(*options_.seed) + ")"
                       : std::string("in-process OpenSSL keys (random)");
}

Result<KeyInfo> OpenSslKeyStore::Generate(const KeySpec& spec) {
  std::string material;
  if (options_.seed) {
    material = SeedMaterial(*options_.seed, spec);
  } else {
    RC_ASSIGN_OR_RETURN(material, RandomMaterial());
  }
  RC_ASSIGN_OR_RETURN(PkeyPtr pkey, PkeyFromMaterial(material, spec, options_.seed.has_value()));
  RC_ASSIGN_OR_RETURN(std::shared_ptr<Key> key, KeyFromPkey(std::move(pkey), spec.label));
  if (!spec.id_override.empty()) key->info.id = spec.id_override;
  std::unique_lock lock(mu_);
  auto [it, inserted] = keys_.emplace(key->info.id, key);
  return it->second->info;
}

Result<KeyInfo> OpenSslKeyStore::Import(const KeySpec& spec, std::string_view pkcs8_der) {
  std::string der(pkcs8_der);
  std::shared_ptr<const Key> key;
  if (auto parsed = ParsedKeys().Find(der)) {
    RC_ASSIGN_OR_RETURN(key, Relabelled(**parsed, spec.label));
  } else {
    RC_ASSIGN_OR_RETURN(PkeyPtr pkey, internal::PkeyFromPkcs8Der(pkcs8_der));
    RC_ASSIGN_OR_RETURN(std::shared_ptr<Key> made, KeyFromPkey(std::move(pkey), ""));
    ParsedKeys().Put(der, made);
    RC_ASSIGN_OR_RETURN(key, Relabelled(*made, spec.label));
  }
  if (key->info.algorithm != spec.algorithm) {
    return KeyError(std::string("imported private key is for ") + AlgorithmName(key->info.algorithm) + ", not " +
                    AlgorithmName(spec.algorithm));
  }
  std::unique_lock lock(mu_);
  auto [it, inserted] = keys_.emplace(key->info.id, key);
  return it->second->info;
}

Result<std::vector<KeyInfo>> OpenSslKeyStore::List() {
  std::shared_lock lock(mu_);
  std::vector<KeyInfo> out;
  for (const auto& [id, key] : keys_) out.push_back(key->info);
  return out;
}

Result<std::shared_ptr<const OpenSslKeyStore::Key>> OpenSslKeyStore::Find(const std::string& id) const {
  std::shared_lock lock(mu_);
  auto it = keys_.find(id);
  if (it == keys_.end()) return KeyError("no key with id " + id + " in " + Describe());
  return it->second;
}

Result<KeyInfo> OpenSslKeyStore::Get(const std::string& id) {
  RC_ASSIGN_OR_RETURN(auto key, Find(id));
  return key->info;
}

bool OpenSslKeyStore::Has(const std::string& id) {
  std::shared_lock lock(mu_);
  return keys_.count(id) > 0;
}

Result<std::string> OpenSslKeyStore::Sign(const std::string& id, std::string_view data) {
  RC_ASSIGN_OR_RETURN(auto key, Find(id));
  bool ecdsa = key->info.algorithm == Algorithm::kEcdsaP256Sha256;
  if (ecdsa && !options_.deterministic_ecdsa) {
    RC_ASSIGN_OR_RETURN(std::string der, EvpSign(key->pkey.get(), internal::Sha256Md(), data));
    return EcdsaDerToRaw(der);
  }
  // A deterministic signature (RSA PKCS#1 v1.5, Ed25519, RFC 6979 ECDSA) is a pure function of the
  // key and the data: memoized by public key and digest (a scenario fuzzer signs the same RRsets
  // with the same keys run after run).
  std::string h1 = internal::Sha256(data);
  unsigned char memo_key[32];
  internal::Sha256Into({key->info.public_key, h1}, memo_key);
  if (auto sig = Signatures().Find(memo_key)) return *sig;
  std::string sig;
  switch (key->info.algorithm) {
    case Algorithm::kRsaSha256: {
      RC_ASSIGN_OR_RETURN(sig, EvpSign(key->pkey.get(), internal::Sha256Md(), data));
      break;
    }
    case Algorithm::kEd25519: {
      RC_ASSIGN_OR_RETURN(sig, EvpSign(key->pkey.get(), nullptr, data));
      break;
    }
    case Algorithm::kEcdsaP256Sha256: {
      RC_ASSIGN_OR_RETURN(sig, EcdsaSignRfc6979(key->ec_private.get(), h1));
      break;
    }
    default:
      return InternalError("unknown algorithm");
  }
  Signatures().Put(memo_key, sig);
  return sig;
}

Status OpenSslKeyStore::Delete(const std::string& id) {
  std::unique_lock lock(mu_);
  if (keys_.erase(id) == 0) return KeyError("no key with id " + id + " in " + Describe());
  return Status::Ok();
}

int OpenSslKeyStore::MaxSigningThreads() const {
  if (options_.max_threads > 0) return options_.max_threads;
  int n = int(std::thread::hardware_concurrency());
  return std::clamp(n, 1, 8);
}

Result<std::string> OpenSslKeyStore::ExportPkcs8(const std::string& id) const {
  RC_ASSIGN_OR_RETURN(auto key, Find(id));
  return internal::PkeyToPkcs8Der(key->pkey.get());
}

}  // namespace rollcage::signer
