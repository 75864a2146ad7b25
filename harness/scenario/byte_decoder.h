// Scenario byte decoder: turns arbitrary bytes into a meaningful scenario (the scenario fuzz targets'
// structure-aware input format), and EncodeScenario turns a scenario back into bytes so seed corpora
// are written from readable scenarios. Every byte string decodes to a scenario (missing bytes read
// as zero), and every decoded scenario stays inside the fault bounds a correct signer must survive
// (docs/fuzzing.md "The scenario byte format"):
//   - the signer's clock is never more than half the policy's inception-offset ahead of true time and
//     never more than one day behind, and it moves forward by at most that half in total over the
//     run, so no interval the signer measures shrinks by more than its safety margins absorb
//     (skew and jump are clamped);
//   - publish-delay never exceeds the policy's propagation-delay;
//   - HSM faults are chaos plan lines with rv, succeed-but-report, latency or `removed for N` actions,
//     and every repeating trigger has a `max`, so the pool always recovers;
//   - at most kMaxDecodedEvents events and kMaxDecodedAdvance seconds of simulated time;
//   - no delegation above or below another one (its DS would sit below a zone cut);
//   - `keygen ... collide` only while the zone's keys are ECDSA P-256 (colliding RSA keys take hours).
// The format is versioned (kByteFormatVersion): corpus files are only meaningful to the decoder of
// their version.
#ifndef ROLLCAGE_HARNESS_SCENARIO_BYTE_DECODER_H_
#define ROLLCAGE_HARNESS_SCENARIO_BYTE_DECODER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "harness/scenario/scenario.h"

namespace rollcage::harness {

inline constexpr int kByteFormatVersion = 1;
inline constexpr size_t kMaxDecodedEvents = 40;
inline constexpr int64_t kMaxDecodedAdvance = 20 * 86400;
// Longest input that can still matter: header, then every event at its widest.
inline constexpr size_t kMaxMeaningfulInput = 5 + kMaxDecodedEvents * 4;

// An optional first line, "#rollcage-fuzz 1 mutant=NAME\n", carries what the bytes themselves do
// not: the mutant a fuzzing run had switched on (`rollcage nightly --mutant` writes its findings
// with it). Raw libFuzzer inputs have no such line.
inline constexpr std::string_view kEnvelopeMagic = "#rollcage-fuzz ";

// Decodes bytes into a scenario. Total: every input gives a scenario; the Status is kBadInput only
// for an envelope line that does not parse. Deterministic and pure.
Result<Scenario> DecodeScenario(std::string_view bytes);

// The bytes DecodeScenario turns back into s (DecodeScenario(*EncodeScenario(s)) == s). kBadInput,
// naming the first header field or event (1-based) outside the byte language: names, record data,
// durations and fault lines come from fixed tables, and the bounds above apply. A mutant is written
// as the envelope line.
Result<std::string> EncodeScenario(const Scenario& s);

// The envelope line for a mutant ("" for none), for tools that wrap raw fuzzer inputs.
std::string EnvelopeLine(const std::string& mutant);

}  // namespace rollcage::harness

#endif  // ROLLCAGE_HARNESS_SCENARIO_BYTE_DECODER_H_
