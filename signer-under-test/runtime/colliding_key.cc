#include "signer-under-test/runtime/colliding_key.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "signer-under-test/key_tag.h"
#include "signer-under-test/openssl_key_store.h"
#include "signer-under-test/zone_key.h"

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

// RFC 4034 Appendix B in two steps (KeyTagSum, FoldKeyTag): the DNSKEY RDATA's fields all start at
// even offsets here (0, 4, 36), so their sums add up.
uint32_t TagSum(const unsigned char* p, size_t n) { return KeyTagSum({reinterpret_cast<const char*>(p), n}); }

// P-256 as a generic prime curve: OpenSSL's named P-256 (nistz256) converts every point to affine
// coordinates with a field inversion, even a point EC_POINTs_make_affine already made affine; the
// generic method reads those for free, which makes the batched walk below four times faster.
GroupPtr GenericP256() {
  GroupPtr named(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  CtxPtr ctx(BN_CTX_new());
  BnPtr p(BN_new()), a(BN_new()), b(BN_new());
  if (!named || !ctx || !p || !a || !b || EC_GROUP_get_curve(named.get(), p.get(), a.get(), b.get(), ctx.get()) != 1) {
    return nullptr;
  }
  GroupPtr generic(EC_GROUP_new_curve_GFp(p.get(), a.get(), b.get(), ctx.get()));
  unsigned char g_oct[65];
  if (!generic || EC_POINT_point2oct(named.get(), EC_GROUP_get0_generator(named.get()), POINT_CONVERSION_UNCOMPRESSED,
                                     g_oct, sizeof g_oct, ctx.get()) != sizeof g_oct) {
    return nullptr;
  }
  PointPtr g(EC_POINT_new(generic.get()));
  if (!g || EC_POINT_oct2point(generic.get(), g.get(), g_oct, sizeof g_oct, ctx.get()) != 1 ||
      EC_GROUP_set_generator(generic.get(), g.get(), EC_GROUP_get0_order(named.get()),
                             EC_GROUP_get0_cofactor(named.get())) != 1) {
    return nullptr;
  }
  return generic;
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
  GroupPtr group = GenericP256();
  CtxPtr ctx(BN_CTX_new());
  PointPtr q(EC_POINT_new(group.get()));
  if (!group || !ctx || !q || EC_POINT_mul(group.get(), q.get(), d.get(), nullptr, nullptr, ctx.get()) != 1) {
    return InternalError("P-256 arithmetic failed");
  }
  const EC_POINT* g = EC_GROUP_get0_generator(group.get());
  const BIGNUM* n = EC_GROUP_get0_order(group.get());
  // Q + iG for i = 0, 1, ...: converted to affine coordinates a batch at a time (one field
  // inversion per batch instead of per point), and the key tag summed straight from the coordinates;
  // the keys tried, and so the key found, are the same as one point at a time.
  constexpr int kBatch = 256;
  std::vector<PointPtr> batch;
  for (int j = 0; j < kBatch; ++j) batch.emplace_back(EC_POINT_new(group.get()));
  std::vector<EC_POINT*> raw_points;
  for (auto& p : batch) {
    if (!p) return InternalError("P-256 arithmetic failed");
    raw_points.push_back(p.get());
  }
  const BIGNUM* field = EC_GROUP_get0_field(group.get());
  BnPtr x(BN_new()), y(BN_new()), ny(BN_new());
  unsigned char head[4] = {static_cast<unsigned char>(flags >> 8), static_cast<unsigned char>(flags & 0xff), 3, 13};
  uint32_t head_sum = TagSum(head, 4);
  unsigned char xy[64], nyb[32];
  // The key tag filter: the tag sum of a 32-octet coordinate is the sum of its 16-bit words, which
  // is the coordinate modulo 65535 (2^16 = 1 mod 65535), and the fold makes the tag that sum or one
  // less modulo 65535. So BN_mod_word tells which points may have the tag; only those are written
  // out and summed exactly (the keys found are the same as summing every point).
  constexpr BN_ULONG kM = 65535;
  const BN_ULONG field_mod = BN_mod_word(field, kM), head_mod = head_sum % kM;
  auto may_be = [&](BN_ULONG sum_mod) {
    BN_ULONG d = (sum_mod + kM - target % kM) % kM;
    return d == 0 || d == 1;
  };
  for (int base = 0; base < max_tries; base += kBatch) {
    int m = std::min(kBatch, max_tries - base);
    if (EC_POINT_copy(raw_points[0], q.get()) != 1) return InternalError("P-256 arithmetic failed");
    for (int j = 1; j < m; ++j) {
      if (EC_POINT_add(group.get(), raw_points[j], raw_points[j - 1], g, ctx.get()) != 1) {
        return InternalError("P-256 arithmetic failed");
      }
    }
    if (EC_POINT_add(group.get(), q.get(), raw_points[m - 1], g, ctx.get()) != 1 ||
        EC_POINTs_make_affine(group.get(), size_t(m), raw_points.data(), ctx.get()) != 1) {
      return InternalError("P-256 arithmetic failed");
    }
    for (int j = 0; j < m; ++j) {
      int i = base + j;
      if (EC_POINT_get_affine_coordinates(group.get(), raw_points[j], x.get(), y.get(), ctx.get()) != 1) {
        return InternalError("P-256 arithmetic failed");
      }
      BN_ULONG xm = BN_mod_word(x.get(), kM), ym = BN_mod_word(y.get(), kM);
      BN_ULONG nym = (field_mod + kM - ym) % kM;  // p - y
      bool maybe = may_be((head_mod + xm + ym) % kM), maybe_negated = may_be((head_mod + xm + nym) % kM);
      if (!maybe && !maybe_negated) continue;
      if (BN_bn2binpad(x.get(), xy, 32) != 32 || BN_bn2binpad(y.get(), xy + 32, 32) != 32) {
        return InternalError("P-256 arithmetic failed");
      }
      uint32_t with_x = head_sum + TagSum(xy, 32);
      bool hit = FoldKeyTag(with_x + TagSum(xy + 32, 32)) == target;
      bool negated = false;
      if (!hit) {
        // -Q = (x, p - y) comes for free with Q's affine coordinates: two candidates per step.
        if (BN_sub(ny.get(), field, y.get()) != 1 || BN_bn2binpad(ny.get(), nyb, 32) != 32) {
          return InternalError("P-256 arithmetic failed");
        }
        hit = negated = FoldKeyTag(with_x + TagSum(nyb, 32)) == target;
        if (hit) std::memcpy(xy + 32, nyb, 32);
      }
      if (!hit) continue;
      std::string pub(reinterpret_cast<char*>(xy), 64);
      if (KeyTag(DnskeyRdataOf(flags, 13, pub)) != target) return InternalError("key tag arithmetic disagrees");
      BnPtr di(BN_dup(d.get()));
      BnPtr off(BN_new());
      BN_set_word(off.get(), static_cast<unsigned long>(i));
      if (BN_mod_add(di.get(), di.get(), off.get(), n, ctx.get()) != 1) return InternalError("P-256 arithmetic failed");
      if (negated && BN_mod_sub(di.get(), n, di.get(), n, ctx.get()) != 1) return InternalError("P-256 arithmetic failed");
      unsigned char raw[32];
      if (BN_bn2binpad(di.get(), raw, 32) != 32) return InternalError("P-256 arithmetic failed");
      return Pkcs8FromRawPrivate(Algorithm::kEcdsaP256Sha256, std::string_view(reinterpret_cast<char*>(raw), 32));
    }
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
    if (KeyTag(DnskeyRdataOf(flags, uint8_t(spec.algorithm), info.public_key)) == target_tag) return pkcs8;
  }
  return KeyError("no key with key tag " + std::to_string(target_tag) + " within " + std::to_string(max_tries) +
                  " tries");
}

}  // namespace

}  // namespace rollcage::signer
