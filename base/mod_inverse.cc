#include "base/mod_inverse.h"

#include <cstring>

#include "base/hot.h"

namespace rollcage {
namespace {

using u128 = unsigned __int128;

// Numbers of L little-endian 64-bit limbs. Everything here is RC_HOT_LEAF (no coverage callbacks):
// straight-line arithmetic whose comparisons would only feed the fuzzer noise.
template <int L>
struct Limbs {
  RC_HOT_LEAF static bool Less(const uint64_t* a, const uint64_t* b) {
    for (int i = L - 1; i >= 0; --i) {
      if (a[i] != b[i]) return a[i] < b[i];
    }
    return false;
  }
  RC_HOT_LEAF static bool Equal(const uint64_t* a, const uint64_t* b) {
    for (int i = 0; i < L; ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }
  RC_HOT_LEAF static bool IsZero(const uint64_t* a) {
    for (int i = 0; i < L; ++i) {
      if (a[i]) return false;
    }
    return true;
  }
  // a -= b; returns the borrow.
  RC_HOT_LEAF static uint64_t Sub(uint64_t* a, const uint64_t* b) {
    uint64_t borrow = 0;
    for (int i = 0; i < L; ++i) {
      u128 d = u128(a[i]) - b[i] - borrow;
      a[i] = uint64_t(d);
      borrow = uint64_t(d >> 64) & 1;
    }
    return borrow;
  }
  // a += b; returns the carry.
  RC_HOT_LEAF static uint64_t Add(uint64_t* a, const uint64_t* b) {
    u128 c = 0;
    for (int i = 0; i < L; ++i) {
      c += u128(a[i]) + b[i];
      a[i] = uint64_t(c);
      c >>= 64;
    }
    return uint64_t(c);
  }
  // a >>= k, 0 < k < 64.
  RC_HOT_LEAF static void ShiftRight(uint64_t* a, int k) {
    for (int i = 0; i < L - 1; ++i) a[i] = (a[i] >> k) | (a[i + 1] << (64 - k));
    a[L - 1] >>= k;
  }
};

template <int L>
struct Inverter {
  using N = Limbs<L>;
  const uint64_t* m;
  uint64_t neg_inv;

  // x = x·2^-k mod m, 0 < k < 64, x < m: add the multiple of m that clears x's low k bits, shift.
  RC_HOT_LEAF void Halve(uint64_t* x, int k) const {
    uint64_t q = (x[0] * neg_inv) & ((uint64_t(1) << k) - 1);
    uint64_t t[L + 1];
    u128 c = 0;
    for (int i = 0; i < L; ++i) {
      c += u128(q) * m[i] + x[i];
      t[i] = uint64_t(c);
      c >>= 64;
    }
    t[L] = uint64_t(c);
    for (int i = 0; i < L; ++i) x[i] = (t[i] >> k) | (t[i + 1] << (64 - k));
    // Already below m: x + q·m <= (m - 1) + (2^k - 1)·m < 2^k·m, so no subtraction (nor overflow).
  }

  // Removes a's trailing zero bits (a != 0), halving x as many times: keeps a = x·v (mod m).
  RC_HOT_LEAF void Strip(uint64_t* a, uint64_t* x) const {
    while (a[0] == 0) {
      for (int i = 0; i < L - 1; ++i) a[i] = a[i + 1];
      a[L - 1] = 0;
      Halve(x, 32);
      Halve(x, 32);
    }
    int k = __builtin_ctzll(a[0]);
    if (k) {
      N::ShiftRight(a, k);
      Halve(x, k);
    }
  }

  // Binary extended Euclid (Guide to Elliptic Curve Cryptography, Algorithm 2.22) with the runs of
  // halvings of each step done at once. Invariants: u = x1·a, v = x2·a (mod m); u, v odd.
  RC_HOT_LEAF bool Inverse(const uint64_t* a, uint64_t* out) const {
    uint64_t u[L], v[L], x1[L] = {1}, x2[L] = {0};
    std::memcpy(u, a, sizeof u);
    std::memcpy(v, m, sizeof v);
    if (N::IsZero(u) || !N::Less(u, m)) return false;
    Strip(u, x1);
    while (!N::Equal(u, v)) {
      if (N::Less(v, u)) {
        N::Sub(u, v);
        if (N::Sub(x1, x2)) N::Add(x1, m);
        Strip(u, x1);
      } else {
        N::Sub(v, u);
        if (N::Sub(x2, x1)) N::Add(x2, m);
        Strip(v, x2);
      }
    }
    // u = v = gcd(a, m).
    if (u[0] != 1) return false;
    for (int i = 1; i < L; ++i) {
      if (u[i]) return false;
    }
    std::memcpy(out, x1, sizeof x1);
    return true;
  }
};

// Big-endian octets (at most 8·limbs of them once leading zeros are gone) into little-endian limbs.
RC_HOT_LEAF bool ToLimbs(std::string_view be, uint64_t* limbs, int n) {
  size_t start = 0;
  while (start < be.size() && be[start] == 0) ++start;
  if (be.size() - start > size_t(n) * 8) return false;
  for (int i = 0; i < n; ++i) limbs[i] = 0;
  size_t bit = 0;
  for (size_t i = be.size(); i-- > start; bit += 8) {
    limbs[bit / 64] |= uint64_t(uint8_t(be[i])) << (bit % 64);
  }
  return true;
}

}  // namespace

OddModulus::OddModulus(std::string_view m_big_endian) {
  size_t start = 0;
  while (start < m_big_endian.size() && m_big_endian[start] == 0) ++start;
  size_t len = m_big_endian.size() - start;
  if (len == 0 || len > kMaxOctets) return;
  int limbs = len <= 32 ? 4 : 6;
  if (!ToLimbs(m_big_endian, m_, limbs)) return;
  if (!(m_[0] & 1) || (len == 1 && m_[0] == 1)) return;
  // Newton's iteration for m^-1 mod 2^64: each step doubles the correct low bits (m·m = 1 mod 8).
  uint64_t inv = m_[0];
  for (int i = 0; i < 5; ++i) inv *= 2 - m_[0] * inv;
  neg_inv_ = 0 - inv;
  limbs_ = limbs;
  octets_ = len;
}

RC_HOT_LEAF bool OddModulus::Inverse(std::string_view a_big_endian, unsigned char* out) const {
  if (!valid()) return false;
  uint64_t a[kMaxLimbs], r[kMaxLimbs];
  if (!ToLimbs(a_big_endian, a, limbs_)) return false;
  bool ok = limbs_ == 4 ? Inverter<4>{m_, neg_inv_}.Inverse(a, r) : Inverter<6>{m_, neg_inv_}.Inverse(a, r);
  if (!ok) return false;
  for (size_t i = 0; i < octets_; ++i) out[octets_ - 1 - i] = uint8_t(r[i / 8] >> (8 * (i % 8)));
  return true;
}

}  // namespace rollcage
