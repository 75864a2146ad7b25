// OddModulus: modular inverses modulo a fixed odd number of up to 384 bits (an elliptic-curve group
// order: ECDSA's k^-1 when signing and s^-1 when verifying). OpenSSL's BN_mod_inverse takes about
// 14 µs for a 256-bit order (one BIGNUM call per bit step); this binary extended Euclid on 64-bit
// limbs, with several halvings at once done Montgomery-style, takes about 3 µs. Variable time: for
// test keys, not for secrets an attacker can time.
//
// Shared by the signer and the oracle like OpenSSL's own arithmetic is: a wrong inverse cannot make
// a wrong signature verify (verification checks the curve equation x(u1·G + u2·Q) = r with
// OpenSSL's point arithmetic; a bad inverse on either side breaks that equation), and
// mod_inverse_test compares it with BN_mod_inverse and checks a·a^-1 = 1.
#ifndef ROLLCAGE_BASE_MOD_INVERSE_H_
#define ROLLCAGE_BASE_MOD_INVERSE_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rollcage {

class OddModulus {
 public:
  static constexpr size_t kMaxOctets = 48;

  // m: big-endian octets (leading zeros allowed). valid() is false unless m is odd, above 1 and
  // fits in kMaxOctets.
  explicit OddModulus(std::string_view m_big_endian);

  bool valid() const { return limbs_ > 0; }
  // The modulus length in octets (the length Inverse writes).
  size_t octets() const { return octets_; }

  // a^-1 mod m into out (octets() big-endian octets). a: big-endian, any length up to kMaxOctets.
  // False (out untouched) when the modulus is not valid, a is 0, a >= m, or a shares a factor with m.
  bool Inverse(std::string_view a_big_endian, unsigned char* out) const;

 private:
  static constexpr int kMaxLimbs = 6;
  uint64_t m_[kMaxLimbs] = {};  // little-endian 64-bit limbs
  uint64_t neg_inv_ = 0;        // -m^-1 mod 2^64
  int limbs_ = 0;               // 4 (up to 256 bits) or 6; 0 when invalid
  size_t octets_ = 0;
};

}  // namespace rollcage

#endif  // ROLLCAGE_BASE_MOD_INVERSE_H_
