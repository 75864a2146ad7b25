// Fuzz target: the oracle and `rollcage validate` on arbitrary zone text. Property: reading never
// crashes, the fast reader (what `rollcage validate` uses) and Zone::Parse agree record for record,
// and validation and both report formats run on anything that reads — no crash, leak or undefined
// behaviour (the sanitizers are the oracle here).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "dns/fast_zone_reader.h"
#include "dns/zone.h"
#include "fuzz/finding.h"
#include "oracle/report.h"
#include "oracle/zone_validator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rollcage;
  if (size > 16384) return -1;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const dns::Name origin = *dns::Name::FromText("example.");
  dns::LoadOptions lo;
  lo.origin = origin;
  auto fast = dns::ParseZoneFast(text, lo, "fuzz");
  auto slow = dns::Zone::Parse(text, lo, "fuzz");
  if (fast.ok() && slow.ok()) {
    bool same = fast->size() == slow->size();
    for (size_t i = 0; same && i < fast->size(); ++i) same = fast->records()[i] == slow->records()[i];
    if (!same) {
      std::fprintf(stderr, "fast reader and Zone::Parse disagree on:\n%.*s\n---- fast\n%s---- ldns\n%s", int(size),
                   text.data(), fast->ToText().c_str(), slow->ToText().c_str());
      fuzz::FuzzFinding("zone-readers-disagree", "dns::ParseZoneFast and dns::Zone::Parse read different records");
    }
  }
  if (!fast.ok()) return 0;
  oracle::ValidateOptions vo;
  vo.origin = origin;
  vo.now = 1767225600;
  vo.threads = 1;
  oracle::Report report = oracle::Validate(*fast, vo);
  (void)oracle::FormatText(report);
  (void)oracle::FormatJson(report);
  (void)oracle::ExitCodeFor(report);
  return 0;
}
