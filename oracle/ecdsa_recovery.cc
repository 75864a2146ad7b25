#include "oracle/ecdsa_recovery.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include <memory>

#include "oracle/crypto.h"

namespace rollcage::oracle {
namespace {

struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct PointFree {
  void operator()(EC_POINT* p) const { EC_POINT_free(p); }
};
struct CtxFree {
  void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
using Point = std::unique_ptr<EC_POINT, PointFree>;

}  // namespace

std::vector<std::string> RecoverEcdsaPublicKeys(uint8_t algorithm, std::string_view digest,
                                                std::string_view signature) {
  std::vector<std::string> out;
  const EC_GROUP* group = EcdsaGroup(algorithm);
  if (!group) return out;
  size_t half = algorithm == alg::kEcdsaP256Sha256 ? 32 : 48;
  if (signature.size() != 2 * half || digest.empty()) return out;
  std::unique_ptr<BN_CTX, CtxFree> ctx(BN_CTX_new());
  const BIGNUM* n = EC_GROUP_get0_order(group);
  Bn p(BN_new()), a(BN_new()), b(BN_new());
  if (!ctx || !n || !EC_GROUP_get_curve(group, p.get(), a.get(), b.get(), ctx.get())) return out;
  const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  Bn r(BN_bin2bn(sig, int(half), nullptr)), s(BN_bin2bn(sig + half, int(half), nullptr));
  if (BN_is_zero(r.get()) || BN_is_zero(s.get()) || BN_cmp(r.get(), n) >= 0 || BN_cmp(s.get(), n) >= 0) {
    return out;
  }
  // e: the leftmost bits of the digest, as many as the order has (SEC 1 §4.1.4 step 5).
  Bn e(BN_bin2bn(reinterpret_cast<const unsigned char*>(digest.data()), int(digest.size()), nullptr));
  int excess = int(digest.size()) * 8 - BN_num_bits(n);
  if (excess > 0) BN_rshift(e.get(), e.get(), excess);
  Bn rinv(BN_mod_inverse(nullptr, r.get(), n, ctx.get()));
  if (!rinv) return out;
  // Q = (s·r⁻¹)·R + (−e·r⁻¹)·G
  Bn u1(BN_new()), u2(BN_new());
  BN_mod_mul(u1.get(), e.get(), rinv.get(), n, ctx.get());
  BN_mod_sub(u1.get(), n, u1.get(), n, ctx.get());  // −e·r⁻¹ mod n
  BN_mod_mul(u2.get(), s.get(), rinv.get(), n, ctx.get());

  std::vector<Bn> xs;
  xs.emplace_back(BN_dup(r.get()));
  Bn rn(BN_new());
  BN_add(rn.get(), r.get(), n);
  if (BN_cmp(rn.get(), p.get()) < 0) xs.push_back(std::move(rn));

  for (const auto& x : xs) {
    for (int ybit = 0; ybit <= 1; ++ybit) {
      Point R(EC_POINT_new(group)), Q(EC_POINT_new(group));
      if (!R || !Q) continue;
      if (EC_POINT_set_compressed_coordinates(group, R.get(), x.get(), ybit, ctx.get()) != 1) continue;
      if (EC_POINT_mul(group, Q.get(), u1.get(), R.get(), u2.get(), ctx.get()) != 1) continue;
      if (EC_POINT_is_at_infinity(group, Q.get())) continue;
      unsigned char buf[1 + 2 * 48];
      size_t len = EC_POINT_point2oct(group, Q.get(), POINT_CONVERSION_UNCOMPRESSED, buf, sizeof buf, ctx.get());
      if (len != 1 + 2 * half) continue;
      out.emplace_back(reinterpret_cast<char*>(buf + 1), 2 * half);
    }
  }
  return out;
}

}  // namespace rollcage::oracle
