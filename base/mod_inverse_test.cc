#include "base/mod_inverse.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>

#include <memory>
#include <random>
#include <string>

namespace rollcage {
namespace {

struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

Bn FromHex(const char* hex) {
  BIGNUM* b = nullptr;
  BN_hex2bn(&b, hex);
  return Bn(b);
}

std::string Octets(const BIGNUM* b, int len) {
  std::string s(size_t(len), '\0');
  BN_bn2binpad(b, reinterpret_cast<unsigned char*>(s.data()), len);
  return s;
}

// Compares OddModulus with BN_mod_inverse on `count` values below m: random ones, the smallest and
// largest, and values with long runs of zero bits (several limbs of halvings at once).
void AgreesWithOpenSsl(const BIGNUM* m, int count, uint64_t seed) {
  int len = BN_num_bytes(m);
  OddModulus mod(Octets(m, len));
  ASSERT_TRUE(mod.valid());
  ASSERT_EQ(mod.octets(), size_t(len));
  BN_CTX* ctx = BN_CTX_new();
  Bn a(BN_new()), expected(BN_new()), got(BN_new()), product(BN_new()), m1(BN_dup(m));
  BN_sub_word(m1.get(), 1);
  std::mt19937_64 rng(seed);
  int invertible = 0;
  for (int i = 0; i < count; ++i) {
    switch (i) {
      case 0: BN_one(a.get()); break;
      case 1: BN_copy(a.get(), m1.get()); break;   // m - 1 = -1
      case 2: BN_set_word(a.get(), 2); break;
      case 3:  // a power of two: only halvings
        BN_zero(a.get());
        BN_set_bit(a.get(), BN_num_bits(m) - 2);
        break;
      default: {
        std::string r(size_t(len), '\0');
        for (auto& c : r) c = char(rng());
        if (i % 4 == 0) {  // zero runs
          for (size_t j = 0; j + 1 < r.size(); ++j) {
            if (rng() % 3 == 0) r[j] = 0;
          }
        }
        BN_bin2bn(reinterpret_cast<const unsigned char*>(r.data()), len, a.get());
        BN_mod(a.get(), a.get(), m, ctx);
        if (BN_is_zero(a.get())) BN_one(a.get());
      }
    }
    std::string a_octets = Octets(a.get(), len);
    std::string out(size_t(len), '\x55');
    bool ok = mod.Inverse(a_octets, reinterpret_cast<unsigned char*>(out.data()));
    bool openssl_ok = BN_mod_inverse(expected.get(), a.get(), m, ctx) != nullptr;
    ASSERT_EQ(ok, openssl_ok) << "a=" << BN_bn2hex(a.get());
    if (!ok) continue;
    ++invertible;
    BN_bin2bn(reinterpret_cast<const unsigned char*>(out.data()), len, got.get());
    ASSERT_EQ(BN_cmp(got.get(), expected.get()), 0) << "a=" << BN_bn2hex(a.get());
    BN_mod_mul(product.get(), a.get(), got.get(), m, ctx);
    ASSERT_TRUE(BN_is_one(product.get()));
  }
  EXPECT_GT(invertible, count / 4);
  BN_CTX_free(ctx);
}

TEST(OddModulus, AgreesWithOpenSslOnCurveOrders) {
  // P-256 and P-384 group orders (SEC 2): the moduli the signer and the oracle use.
  AgreesWithOpenSsl(FromHex("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551").get(), 3000, 1);
  AgreesWithOpenSsl(FromHex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973").get(),
                    2000, 2);
}

TEST(OddModulus, AgreesWithOpenSslNearTheLimbBoundary) {
  // Moduli just below 2^256 and 2^384: x + q·m comes closest to the limbs' end there.
  AgreesWithOpenSsl(FromHex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF43").get(), 3000, 3);  // 2^256 - 189
  AgreesWithOpenSsl(FromHex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF").get(), 2000, 4);  // composite
  AgreesWithOpenSsl(FromHex(std::string(96, 'F').c_str()).get(), 1000, 5);  // 2^384 - 1
}

TEST(OddModulus, AgreesWithOpenSslOnSmallAndOddSizes) {
  AgreesWithOpenSsl(FromHex("3").get(), 20, 6);
  AgreesWithOpenSsl(FromHex("F").get(), 60, 7);  // 15: multiples of 3 and 5 have no inverse
  AgreesWithOpenSsl(FromHex("10001").get(), 500, 8);
  AgreesWithOpenSsl(FromHex("1000000000000000000000000000000000000000000000000000000000000000001").get(), 500, 9);  // 33 octets
}

TEST(OddModulus, RejectsWhatHasNoInverse) {
  OddModulus m15(std::string("\x0f", 1));
  unsigned char out[1] = {0x77};
  EXPECT_FALSE(m15.Inverse(std::string("\x05", 1), out));
  EXPECT_FALSE(m15.Inverse(std::string("\x00", 1), out));
  EXPECT_FALSE(m15.Inverse(std::string("\x0f", 1), out));  // a >= m
  EXPECT_FALSE(m15.Inverse(std::string("\x10", 1), out));
  EXPECT_EQ(out[0], 0x77);
  ASSERT_TRUE(m15.Inverse(std::string("\x00\x07", 2), out));  // leading zeros are fine
  EXPECT_EQ(out[0], 13);                                      // 7 · 13 = 91 = 6·15 + 1
  EXPECT_FALSE(OddModulus(std::string("\x10", 1)).valid());   // even
  EXPECT_FALSE(OddModulus(std::string("\x00\x01", 2)).valid());
  EXPECT_FALSE(OddModulus("").valid());
  EXPECT_FALSE(OddModulus(std::string(49, '\xff')).valid());
  EXPECT_TRUE(OddModulus(std::string(48, '\xff')).valid());
}

}  // namespace
}  // namespace rollcage
