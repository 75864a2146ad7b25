// RC_HOT_LEAF: marks a small, pure, byte-at-a-time helper (name comparison, hex, key tags) that
// every fuzz target calls millions of times. libFuzzer's -fsanitize=fuzzer instruments each
// comparison and loop test with a callback (trace-cmp); in these helpers that was a quarter of the
// scenario target's time (bench/fuzz.sh, perf) while their coverage guides nothing. Clang drops
// the SanitizerCoverage instrumentation (edges and comparisons) for them; ASan still checks them.
// GCC has no such attribute and needs none (it builds without SanitizerCoverage).
#ifndef ROLLCAGE_BASE_HOT_H_
#define ROLLCAGE_BASE_HOT_H_

#if defined(__clang__)
#define RC_HOT_LEAF __attribute__((no_sanitize("coverage")))
#else
#define RC_HOT_LEAF
#endif

#endif  // ROLLCAGE_BASE_HOT_H_
