#include "oracle/public_key.h"

#include "base/mod_inverse.h"
#include "base/string_map.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <openssl/err.h>

#include <array>
#include <atomic>
#include <mutex>
#include <cstdio>
#include <cstring>
#include <unordered_map>

#include "oracle/crypto.h"
#include "oracle/internal/evp.h"

namespace rollcage::oracle {
namespace {

bool IsRsa(uint8_t a) {
  return a == alg::kRsaSha1 || a == alg::kRsaSha1Nsec3Sha1 || a == alg::kRsaSha256 ||
         a == alg::kRsaSha512;
}
bool IsEcdsa(uint8_t a) { return a == alg::kEcdsaP256Sha256 || a == alg::kEcdsaP384Sha384; }
bool IsEddsa(uint8_t a) { return a == alg::kEd25519 || a == alg::kEd448; }

const EVP_MD* MdFor(uint8_t a) {
  switch (a) {
    case alg::kRsaSha1: case alg::kRsaSha1Nsec3Sha1: return internal::Md(internal::Hash::kSha1);
    case alg::kRsaSha256: case alg::kEcdsaP256Sha256: return internal::Md(internal::Hash::kSha256);
    case alg::kEcdsaP384Sha384: return internal::Md(internal::Hash::kSha384);
    case alg::kRsaSha512: return internal::Md(internal::Hash::kSha512);
    default: return nullptr;
  }
}

struct CtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using CtxPtr = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;

Result<EVP_PKEY*> LoadRsa(std::string_view key, int* bits) {
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  size_t n = key.size();
  if (n < 1) return BadInput("RSA public key is empty");
  size_t elen = k[0], p = 1;
  if (elen == 0) {
    if (n < 3) return BadInput("RSA public key truncated in the exponent length");
    elen = size_t(k[1]) << 8 | k[2];
    p = 3;
  }
  if (elen == 0) return BadInput("RSA exponent length is zero");
  if (p + elen >= n) return BadInput("RSA public key truncated: no modulus after the exponent");
  if (elen > 16) return BadInput("RSA exponent longer than 128 bits");
  const unsigned char* mod = k + p + elen;
  size_t mlen = n - p - elen;
  BIGNUM* e = BN_bin2bn(k + p, int(elen), nullptr);
  BIGNUM* m = BN_bin2bn(mod, int(mlen), nullptr);
  int mbits = BN_num_bits(m);
  Result<EVP_PKEY*> out = BadInput("RSA public key rejected by OpenSSL");
  if (mbits < 512 || mbits > 4096) {
    out = BadInput("RSA modulus of " + std::to_string(mbits) + " bits is outside 512..4096 (RFC 3110, RFC 5702 §2)");
  } else if (BN_is_zero(e) || !BN_is_odd(m)) {
    out = BadInput("RSA exponent is zero or modulus is even");
  } else {
    OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, m);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e);
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
    CtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    EVP_PKEY* pkey = nullptr;
    if (params && ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
        EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params) == 1 && pkey) {
      *bits = mbits;
      out = pkey;
    }
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
  }
  BN_free(e);
  BN_free(m);
  return out;
}

Result<EC_POINT*> LoadEc(uint8_t a, std::string_view key) {
  size_t want = a == alg::kEcdsaP256Sha256 ? 64 : 96;
  if (key.size() != want) {
    return BadInput(AlgorithmName(a) + " public key must be " + std::to_string(want) + " octets, got " +
                    std::to_string(key.size()) + " (RFC 6605 §4)");
  }
  unsigned char point[1 + 96];
  point[0] = 0x04;  // uncompressed: x || y
  std::memcpy(point + 1, key.data(), key.size());
  const EC_GROUP* group = EcdsaGroup(a);
  EC_POINT* q = group ? EC_POINT_new(group) : nullptr;
  // oct2point checks that (x, y) is on the curve; the point at infinity has no such encoding.
  if (!q || EC_POINT_oct2point(group, q, point, 1 + key.size(), nullptr) != 1) {
    EC_POINT_free(q);
    ERR_clear_error();
    return BadInput(AlgorithmName(a) + " public key is not a point on the curve");
  }
  return q;
}

Result<EVP_PKEY*> LoadEd(uint8_t a, std::string_view key) {
  size_t want = a == alg::kEd25519 ? 32 : 57;
  if (key.size() != want) {
    return BadInput(AlgorithmName(a) + " public key must be " + std::to_string(want) + " octets, got " +
                    std::to_string(key.size()) + " (RFC 8080 §3)");
  }
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key_ex(nullptr, a == alg::kEd25519 ? "ED25519" : "ED448",
                                                  nullptr, reinterpret_cast<const unsigned char*>(key.data()),
                                                  key.size());
  if (!pkey) return BadInput(AlgorithmName(a) + " public key rejected by OpenSSL");
  return pkey;
}

// Appends a DER INTEGER holding the unsigned big-endian value v.
void AppendDerInteger(std::string& out, std::string_view v) {
  size_t i = 0;
  while (i + 1 < v.size() && v[i] == 0) ++i;
  std::string_view s = v.substr(i);
  bool pad = !s.empty() && (static_cast<unsigned char>(s[0]) & 0x80);
  size_t len = s.size() + (pad ? 1 : 0);
  out.push_back(0x02);
  out.push_back(char(len));  // ≤ 67 for P-384: short form suffices
  if (pad) out.push_back(0);
  out.append(s);
}

// Per-thread verify contexts for the EVP paths (RSA, EdDSA), one per key: OpenSSL 3 fetches the
// signature implementation on every verify init, which costs about as much as the verification; an
// initialised context verifies any number of signatures. Bounded: cleared when it grows past
// kMaxContexts keys. (ECDSA needs none: EcdsaVerify below.)
struct ThreadContexts {
  static constexpr size_t kMaxContexts = 64;
  std::unordered_map<uint64_t, EVP_PKEY_CTX*> map;   // RSA: EVP_PKEY_verify
  std::unordered_map<uint64_t, EVP_MD_CTX*> eddsa;   // EdDSA: EVP_DigestVerify
  ~ThreadContexts() { Clear(); }
  void Clear() {
    for (auto& [k, c] : map) EVP_PKEY_CTX_free(c);
    for (auto& [k, c] : eddsa) EVP_MD_CTX_free(c);
    map.clear();
    eddsa.clear();
  }
};
thread_local ThreadContexts tl_contexts;

// Per-thread scratch for ECDSA verification: a BN_CTX and the numbers and point of SEC 1 §4.1.4,
// made once, so a verification allocates only inside EC_POINT_mul.
struct EcScratch {
  BN_CTX* ctx = BN_CTX_new();
  BIGNUM *r = BN_new(), *s = BN_new(), *e = BN_new(), *w = BN_new(), *u1 = BN_new(), *u2 = BN_new(), *x = BN_new();
  EC_POINT* point[2] = {nullptr, nullptr};  // R, per curve (P-256, P-384)
  bool ok() const { return ctx && r && s && e && w && u1 && u2 && x; }
  ~EcScratch() {
    BN_CTX_free(ctx);
    for (BIGNUM* b : {r, s, e, w, u1, u2, x}) BN_free(b);
    for (EC_POINT* p : point) EC_POINT_free(p);
  }
};
thread_local EcScratch tl_ec;

// The group order of EcdsaGroup(a), for s^-1 (base/mod_inverse.h: a fifth of BN_mod_inverse's time).
const OddModulus& EcdsaOrder(uint8_t a) {
  auto make = [](uint8_t alg) {
    const BIGNUM* n = EC_GROUP_get0_order(EcdsaGroup(alg));
    unsigned char octets[OddModulus::kMaxOctets];
    int len = BN_bn2binpad(n, octets, BN_num_bytes(n));
    return new OddModulus(std::string_view(reinterpret_cast<const char*>(octets), size_t(len)));
  };
  static const OddModulus* p256 = make(alg::kEcdsaP256Sha256);
  static const OddModulus* p384 = make(alg::kEcdsaP384Sha384);
  return a == alg::kEcdsaP256Sha256 ? *p256 : *p384;
}

// SEC 1 §4.1.4 (FIPS 186-4 §6.4.2), with r||s as RFC 6605 §4 gives it. The same checks and
// arithmetic as OpenSSL's own ECDSA verification (ossl_ecdsa_simple_verify_sig).
PublicKey::Outcome EcdsaVerify(uint8_t a, const EC_POINT* q, std::string_view digest, std::string_view signature) {
  using Outcome = PublicKey::Outcome;
  const EC_GROUP* group = EcdsaGroup(a);
  EcScratch& t = tl_ec;
  if (!group || !q || !t.ok() || digest.empty()) return Outcome::kInvalid;
  const BIGNUM* n = EC_GROUP_get0_order(group);
  const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  int half = int(signature.size() / 2);
  if (!BN_bin2bn(sig, half, t.r) || !BN_bin2bn(sig + half, half, t.s)) return Outcome::kInvalid;
  // 1 <= r, s < n.
  if (BN_is_zero(t.r) || BN_is_zero(t.s) || BN_cmp(t.r, n) >= 0 || BN_cmp(t.s, n) >= 0) return Outcome::kInvalid;
  // e: the leftmost bits of the digest, as many as the order has.
  if (!BN_bin2bn(reinterpret_cast<const unsigned char*>(digest.data()), int(digest.size()), t.e)) {
    return Outcome::kInvalid;
  }
  int excess = int(digest.size()) * 8 - BN_num_bits(n);
  if (excess > 0 && !BN_rshift(t.e, t.e, excess)) return Outcome::kInvalid;
  EC_POINT*& R = t.point[a == alg::kEcdsaP256Sha256 ? 0 : 1];
  if (!R) R = EC_POINT_new(group);
  // w = s^-1, u1 = e·w, u2 = r·w (mod n); R = u1·G + u2·Q; valid when R is finite and x(R) = r (mod n).
  const OddModulus& order = EcdsaOrder(a);
  unsigned char w_octets[OddModulus::kMaxOctets];
  bool ok = R && order.Inverse(signature.substr(half), w_octets) && BN_bin2bn(w_octets, int(order.octets()), t.w) && BN_mod_mul(t.u1, t.e, t.w, n, t.ctx) &&
            BN_mod_mul(t.u2, t.r, t.w, n, t.ctx) && EC_POINT_mul(group, R, t.u1, q, t.u2, t.ctx) == 1 &&
            !EC_POINT_is_at_infinity(group, R) &&
            EC_POINT_get_affine_coordinates(group, R, t.x, nullptr, t.ctx) == 1 && BN_nnmod(t.x, t.x, n, t.ctx);
  if (!ok) {
    ERR_clear_error();
    return Outcome::kInvalid;
  }
  return BN_cmp(t.x, t.r) == 0 ? Outcome::kValid : Outcome::kInvalid;
}

std::atomic<uint64_t> next_serial{1};

}  // namespace

std::string EcdsaRawToDer(std::string_view raw) {
  if (raw.empty() || raw.size() % 2 != 0 || raw.size() > 200) return {};
  size_t h = raw.size() / 2;
  std::string out;
  out.reserve(raw.size() + 8);  // one allocation: SEQUENCE header, two INTEGERs
  out.push_back(0x30);
  out.push_back(0);  // the length, set below (short form: under 128 octets for P-256 and P-384)
  AppendDerInteger(out, raw.substr(0, h));
  AppendDerInteger(out, raw.substr(h));
  out[1] = char(out.size() - 2);
  return out;
}

// Parse is a pure function of (algorithm, key), and loading an RSA or EdDSA key into OpenSSL 3
// (EVP_PKEY_fromdata) costs more than verifying with it: results are memoized process-wide, bounded.
Result<std::shared_ptr<const PublicKey>> PublicKey::Parse(uint8_t a, std::string_view key) {
  // Per algorithm, by key octets (looked up without copying the key).
  using Memo = StringMap<Result<std::shared_ptr<const PublicKey>>>;
  static std::mutex mu;
  static auto* memo = new std::array<Memo, 256>();
  static size_t entries = 0;
  {
    std::lock_guard<std::mutex> lock(mu);
    const Memo& m = (*memo)[a];
    if (auto it = m.find(key); it != m.end()) return it->second;
  }
  auto parsed = ParseUncached(a, key);
  std::lock_guard<std::mutex> lock(mu);
  if (entries >= 4096) {
    for (auto& m : *memo) m.clear();
    entries = 0;
  }
  if ((*memo)[a].insert_or_assign(std::string(key), parsed).second) ++entries;
  return parsed;
}

Result<std::shared_ptr<const PublicKey>> PublicKey::ParseUncached(uint8_t a, std::string_view key) {
  if (!AlgorithmSupported(a)) {
    return Status(ErrorKind::kEnvironment, "unsupported algorithm " + AlgorithmName(a));
  }
  if (IsEcdsa(a)) {
    RC_ASSIGN_OR_RETURN(EC_POINT * q, LoadEc(a, key));
    int bits = a == alg::kEcdsaP256Sha256 ? 256 : 384;
    return std::shared_ptr<const PublicKey>(new PublicKey(a, nullptr, q, bits, size_t(bits / 4)));
  }
  Result<EVP_PKEY*> pkey = BadInput("");
  int bits = 0;
  size_t sig_size = 0;
  if (IsRsa(a)) {
    pkey = LoadRsa(key, &bits);
    sig_size = size_t(bits + 7) / 8;
  } else {
    pkey = LoadEd(a, key);
    bits = a == alg::kEd25519 ? 256 : 456;
    sig_size = a == alg::kEd25519 ? 64 : 114;
  }
  if (!pkey.ok()) return pkey.status();
  return std::shared_ptr<const PublicKey>(new PublicKey(a, *pkey, nullptr, bits, sig_size));
}

PublicKey::PublicKey(uint8_t algorithm, EVP_PKEY* pkey, EC_POINT* ec_point, int bits, size_t sig_size)
    : algorithm_(algorithm),
      serial_(next_serial.fetch_add(1)),
      pkey_(pkey),
      ec_point_(ec_point),
      bits_(bits),
      sig_size_(sig_size) {}

PublicKey::~PublicKey() {
  EVP_PKEY_free(pkey_);
  EC_POINT_free(ec_point_);
}

std::string PublicKey::Digest(uint8_t a, std::string_view data) {
  const EVP_MD* md = MdFor(a);
  if (!md) return {};
  return internal::Digest(md, data, {});
}

PublicKey::Outcome PublicKey::Verify(std::string_view data, std::string_view signature) const {
  if (IsEddsa(algorithm_)) {
    if (signature.size() != sig_size_) return Outcome::kMalformedSignature;
    // One initialised context per key and thread (ThreadContexts): EdDSA's one-shot EVP_DigestVerify
    // may be called on it again and again.
    EVP_MD_CTX* ctx = nullptr;
    if (auto it = tl_contexts.eddsa.find(serial_); it != tl_contexts.eddsa.end()) {
      ctx = it->second;
    } else {
      ctx = EVP_MD_CTX_new();
      if (!ctx) return Outcome::kInvalid;
      if (EVP_DigestVerifyInit_ex(ctx, nullptr, nullptr, nullptr, nullptr, pkey_, nullptr) != 1) {
        EVP_MD_CTX_free(ctx);
        ERR_clear_error();
        return Outcome::kInvalid;
      }
      if (tl_contexts.eddsa.size() >= ThreadContexts::kMaxContexts) tl_contexts.Clear();
      tl_contexts.eddsa.emplace(serial_, ctx);
    }
    int rc = EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                              reinterpret_cast<const unsigned char*>(data.data()), data.size());
    if (rc != 1) ERR_clear_error();
    return rc == 1 ? Outcome::kValid : Outcome::kInvalid;
  }
  return VerifyDigest(Digest(algorithm_, data), signature);
}

PublicKey::Outcome PublicKey::VerifyDigest(std::string_view digest, std::string_view signature) const {
  if (IsEddsa(algorithm_)) return Outcome::kInvalid;
  if (IsEcdsa(algorithm_)) {
    if (signature.size() != sig_size_) return Outcome::kMalformedSignature;
    return EcdsaVerify(algorithm_, ec_point_, digest, signature);
  }
  // RSA: the signature is an integer below the modulus; accept leading zero octets stripped.
  if (signature.empty() || signature.size() > sig_size_) return Outcome::kMalformedSignature;
  std::string sig(sig_size_ - signature.size(), '\0');
  sig += signature;
  EVP_PKEY_CTX* ctx = nullptr;
  auto it = tl_contexts.map.find(serial_);
  if (it != tl_contexts.map.end()) {
    ctx = it->second;
  } else {
    CtxPtr fresh(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_, nullptr));
    if (!fresh || EVP_PKEY_verify_init(fresh.get()) != 1) return Outcome::kInvalid;
    if (IsRsa(algorithm_) && EVP_PKEY_CTX_set_rsa_padding(fresh.get(), RSA_PKCS1_PADDING) != 1) {
      return Outcome::kInvalid;
    }
    if (EVP_PKEY_CTX_set_signature_md(fresh.get(), MdFor(algorithm_)) != 1) return Outcome::kInvalid;
    if (tl_contexts.map.size() >= ThreadContexts::kMaxContexts) tl_contexts.Clear();
    ctx = fresh.release();
    tl_contexts.map.emplace(serial_, ctx);
  }
  int rc = EVP_PKEY_verify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                           reinterpret_cast<const unsigned char*>(digest.data()), digest.size());
  if (rc != 1) ERR_clear_error();
  return rc == 1 ? Outcome::kValid : Outcome::kInvalid;
}

bool PublicKey::RsaSignatureDecodes(std::string_view signature) const {
  if (!IsRsa(algorithm_) || signature.empty() || signature.size() > sig_size_) return false;
  std::string sig(sig_size_ - signature.size(), '\0');
  sig += signature;
  CtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_, nullptr));
  if (!ctx || EVP_PKEY_verify_recover_init(ctx.get()) != 1) return false;
  if (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) return false;
  if (EVP_PKEY_CTX_set_signature_md(ctx.get(), MdFor(algorithm_)) != 1) return false;
  unsigned char out[1024];
  size_t outlen = sizeof out;
  return EVP_PKEY_verify_recover(ctx.get(), out, &outlen,
                                 reinterpret_cast<const unsigned char*>(sig.data()), sig.size()) == 1;
}

}  // namespace rollcage::oracle
