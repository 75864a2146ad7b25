// RapidCheck generators for rollcage's scenario language, biased toward the edges: names that
// stress canonical order and NSEC3 (case, escapes, 63-octet labels, deep names, wildcards), TTLs and
// durations at rollover boundaries, key-tag collisions, faults at the worst moments.
#ifndef ROLLCAGE_PROPERTIES_GENERATORS_H_
#define ROLLCAGE_PROPERTIES_GENERATORS_H_

#include <rapidcheck.h>

#include <ostream>
#include <string>

#include "dns/name.h"
#include "dns/rr.h"
#include "harness/scenario/scenario.h"

namespace rollcage::properties {

rc::Gen<std::string> GenLabel();                       // one label (raw octets)
rc::Gen<dns::Name> GenName(const dns::Name& origin);   // a name at or below origin
rc::Gen<dns::RR> GenRecord(const dns::Name& origin);   // A, AAAA, TXT or MX at a generated name
rc::Gen<int64_t> GenDuration();                        // biased to TTL / rollover boundaries
rc::Gen<std::string> GenFaultSpec();                   // one chaos fault-plan line
// Any event, model-free (for codec properties and fuzz seeds).
rc::Gen<harness::Event> GenEvent(const dns::Name& origin, int hsms);
// A whole scenario, model-free.
rc::Gen<harness::Scenario> GenScenario();

}  // namespace rollcage::properties

namespace rollcage::harness {
// How RapidCheck prints counterexamples: in the scenario language, ready to save as a corpus file.
inline void showValue(const Scenario& s, std::ostream& os) { os << "\n" << Print(s); }
inline void showValue(const Event& e, std::ostream& os) { os << PrintEvent(e); }
}  // namespace rollcage::harness

#endif  // ROLLCAGE_PROPERTIES_GENERATORS_H_
