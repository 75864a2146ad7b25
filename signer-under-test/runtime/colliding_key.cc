#include "signer-under-test/runtime/colliding_key.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/x509.h>

#include <map>
#include <memory>
#include <mutex>

#include "signer-under-test/key_tag.h"
#include "signer-under-test/openssl_key_store.h"

namespace rollcage::signer {
namespace {

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using GroupPtr = std::unique_ptr<EC_GROUP, Deleter<EC_GROUP, EC_GROUP_free>>;
using PointPtr = std::unique_ptr<EC_POINT, Deleter<EC_POINT, EC_POINT_free>>;
using CtxPtr = std::unique_ptr<BN_CTX, Deleter<BN_CTX, BN_CTX_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;

std::string DnskeyRdata(uint16_t flags, uint8_t alg, const std::string& pub) {
  std::string r;
  r.push_back(char(flags >> 8));
  r.push_back(char(flags & 0xff));
  r.push_back(3);
  r.push_back(char(alg));
  return r + pub;
}

Result<std::string> CollideP256(uint64_t seed, const KeySpec& spec, uint16_t flags, uint16_t target, int max_tries) {
  RC_ASSIGN_OR_RETURN(std::string pkcs8, DeriveKeyPkcs8(seed, spec));
  const unsigned char* p = reinterpret_cast<const unsigned char*>(pkcs8.data());
  PkeyPtr pkey(d2i_AutoPrivateKey(nullptr, &p, long(pkcs8.size())));
  if (!pkey) return InternalError("cannot parse derived P-256 key");
  BIGNUM* d_raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey.get(), OSSL_PKEY_PARAM_PRIV_KEY, &d_raw) != 1) {
    return InternalError("cannot read the P-256 private scalar");
  }
  BnPtr d(d_raw);
  GroupPtr group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  CtxPtr ctx(BN_CTX_new());
  PointPtr q(EC_POINT_new(group.get()));
  if (!group || !ctx || !q || EC_POINT_mul(group.get(), q.get(), d.get(), nullptr, nullptr, ctx.get()) != 1) {
    return InternalError("P-256 arithmetic failed");
  }
  const EC_POINT* g = EC_GROUP_get0_generator(group.get());
  const BIGNUM* n = EC_GROUP_get0_order(group.get());
  BnPtr x(BN_new()), y(BN_new());
  unsigned char xy[64];
  for (int i = 0; i < max_tries; ++i) {
    if (EC_POINT_get_affine_coordinates(group.get(), q.get(), x.get(), y.get(), ctx.get()) != 1 ||
        BN_bn2binpad(x.get(), xy, 32) != 32 || BN_bn2binpad(y.get(), xy + 32, 32) != 32) {
      return InternalError("P-256 arithmetic failed");
    }
    std::string pub(reinterpret_cast<char*>(xy), 64);
    bool hit = KeyTag(DnskeyRdata(flags, 13, pub)) == target;
    bool negated = false;
    if (!hit) {
      // -Q = (x, p - y) comes for free with Q's affine coordinates: two candidates per step.
      BnPtr ny(BN_new());
      if (!ny || BN_sub(ny.get(), EC_GROUP_get0_field(group.get()), y.get()) != 1 ||
          BN_bn2binpad(ny.get(), xy + 32, 32) != 32) {
        return InternalError("P-256 arithmetic failed");
      }
      pub.assign(reinterpret_cast<char*>(xy), 64);
      hit = negated = KeyTag(DnskeyRdata(flags, 13, pub)) == target;
    }
    if (hit) {
      BnPtr di(BN_dup(d.get()));
      BnPtr off(BN_new());
      BN_set_word(off.get(), static_cast<unsigned long>(i));
      if (BN_mod_add(di.get(), di.get(), off.get(), n, ctx.get()) != 1) return InternalError("P-256 arithmetic failed");
      if (negated && BN_mod_sub(di.get(), n, di.get(), n, ctx.get()) != 1) return InternalError("P-256 arithmetic failed");
      unsigned char raw[32];
      if (BN_bn2binpad(di.get(), raw, 32) != 32) return InternalError("P-256 arithmetic failed");
      return Pkcs8FromRawPrivate(Algorithm::kEcdsaP256Sha256, std::string_view(reinterpret_cast<char*>(raw), 32));
    }
    if (EC_POINT_add(group.get(), q.get(), q.get(), g, ctx.get()) != 1) return InternalError("P-256 arithmetic failed");
  }
  return KeyError("no P-256 key with key tag " + std::to_string(target) + " within " + std::to_string(max_tries) + " tries");
}

Result<std::string> CollidingKeyUncached(uint64_t seed, const KeySpec& spec, uint16_t flags, uint16_t target_tag,
                                         int max_tries);

}  // namespace

Result<std::string> CollidingKeyPkcs8(uint64_t seed, const KeySpec& spec, uint16_t flags, uint16_t target_tag,
                                      int max_tries) {
  // A pure function that takes up to a second: memoized process-wide (scenario fuzzing asks for the
  // same collision again and again).
  static std::mutex mu;
  static auto* memo = new std::map<std::string, Result<std::string>>();  // failures are pure too
  std::string memo_key = std::to_string(seed) + "/" + std::to_string(int(spec.algorithm)) + "/" +
                         std::to_string(spec.rsa_bits) + "/" + std::to_string(flags) + "/" +
                         std::to_string(target_tag) + "/" + std::to_string(max_tries) + "/" + spec.label;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = memo->find(memo_key); it != memo->end()) return it->second;
  }
  Result<std::string> made = CollidingKeyUncached(seed, spec, flags, target_tag, max_tries);
  std::lock_guard<std::mutex> lock(mu);
  if (memo->size() >= 16384) memo->clear();
  memo->insert_or_assign(memo_key, made);
  return made;
}

namespace {

Result<std::string> CollidingKeyUncached(uint64_t seed, const KeySpec& spec, uint16_t flags, uint16_t target_tag,
                                         int max_tries) {
  if (spec.algorithm == Algorithm::kEcdsaP256Sha256) return CollideP256(seed, spec, flags, target_tag, max_tries);
  for (int i = 0; i < max_tries; ++i) {
    KeySpec s = spec;
    s.label = spec.label + "#" + std::to_string(i);
    RC_ASSIGN_OR_RETURN(std::string pkcs8, DeriveKeyPkcs8(seed, s));
    RC_ASSIGN_OR_RETURN(KeyInfo info, PublicKeyOfPkcs8(pkcs8));
    if (KeyTag(DnskeyRdata(flags, uint8_t(spec.algorithm), info.public_key)) == target_tag) return pkcs8;
  }
  return KeyError("no key with key tag " + std::to_string(target_tag) + " within " + std::to_string(max_tries) +
                  " tries");
}

}  // namespace

}  // namespace rollcage::signer
