// SeededRandom: a small deterministic generator (SplitMix64) whose output depends only on its seed, on
// every compiler and standard library (std::uniform_*_distribution is implementation-defined, so fault
// plans and their decisions do not use it).
#ifndef ROLLCAGE_HARNESS_FAULTS_PKCS11_SEEDED_RANDOM_H_
#define ROLLCAGE_HARNESS_FAULTS_PKCS11_SEEDED_RANDOM_H_

#include <cstdint>

namespace rollcage::faults {

// The SplitMix64 finalizer: a bijective mix of 64 bits.
constexpr uint64_t Mix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A hash of (seed, a, b) for stateless decisions: the same inputs always give the same value.
constexpr uint64_t HashDecision(uint64_t seed, uint64_t a, uint64_t b) {
  return Mix64(Mix64(Mix64(seed) ^ a) ^ b);
}

// A uniform double in [0, 1) from 64 random bits.
constexpr double UnitInterval(uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

class SeededRandom {
 public:
  explicit SeededRandom(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    state_ += 0x9E3779B97F4A7C15ull;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); n must be > 0.
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64); }
  // Uniform in [lo, hi].
  uint64_t Between(uint64_t lo, uint64_t hi) { return lo + Below(hi - lo + 1); }
  // True with probability p.
  bool Chance(double p) { return UnitInterval(Next()) < p; }

 private:
  uint64_t state_;
};

}  // namespace rollcage::faults

#endif  // ROLLCAGE_HARNESS_FAULTS_PKCS11_SEEDED_RANDOM_H_
