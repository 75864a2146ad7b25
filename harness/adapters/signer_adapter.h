// SignerAdapter: how the executor drives a signer under test. The reference signer runs in-process;
// an external signer runs as a command (docs/adapters.md). The executor owns time: it calls Tick
// with the signer's clock reading, the unsigned zone and what the parent serves, and the signer
// answers with what it publishes and what it asks of the parent.
#ifndef ROLLCAGE_HARNESS_ADAPTERS_SIGNER_ADAPTER_H_
#define ROLLCAGE_HARNESS_ADAPTERS_SIGNER_ADAPTER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "dns/rr.h"
#include "dns/zone.h"
#include "harness/scenario/scenario.h"

namespace rollcage::harness {

struct TickInput {
  UnixTime signer_now = 0;                // the signer's clock (true time + skew)
  const dns::Zone* unsigned_zone = nullptr;
  std::vector<dns::RR> parent_ds;         // the DS RRset the parent serves now
  uint32_t served_serial = 0;             // SOA serial resolvers see now (0: nothing published yet)
};

struct TickOutput {
  std::optional<dns::Zone> zone;                // a new signed zone to publish, if any
  std::optional<std::vector<dns::RR>> ds_request;  // the DS set to ask the parent for, if changed
  UnixTime next_wakeup = 0;                     // signer time of the next Tick it wants
  std::vector<std::string> notes;               // what it did, for the timeline ("key 3 published")
  // Fail closed: the signer could not produce a correct zone (HSM down, key missing) and keeps the
  // last good one. `refusal` says why.
  bool refused = false;
  std::string refusal;
  bool crashed = false;                         // the signer died at a crash point during this tick
};

// Identity and placement of one key as the pool check needs it: which HSM holds which key.
struct HsmKey {
  int hsm = 0;              // 1-based
  std::string key_id;       // CKA_ID / store id
  std::string label;        // CKA_LABEL
  std::string public_key;   // DNSKEY public key field
  uint8_t algorithm = 0;
};

class SignerAdapter {
 public:
  virtual ~SignerAdapter() = default;
  virtual std::string Name() const = 0;
  // Starts the signer, or restarts it from its state directory after a crash.
  virtual Status Start() = 0;
  // The signer dies now: in-memory state is gone; what it persisted stays.
  virtual void Crash() = 0;
  virtual bool Running() const = 0;
  virtual Result<TickOutput> Tick(const TickInput& input) = 0;
  // Scenario requests. Adapters that cannot honour one return a kUsage status naming it.
  virtual Status Keygen(KeyRole role, bool collide, UnixTime signer_now) = 0;
  virtual Status Rollover(KeyRole role, UnixTime signer_now) = 0;
  virtual Status RolloverAlgorithm(uint8_t algorithm, UnixTime signer_now) = 0;
  // Arms a crash point: the next time the signer reaches it, it dies ("" clears).
  virtual void ArmCrashPoint(const std::string& point) = 0;
  // Fault injection into HSM number hsm (1-based; 0 = all), in the chaos plan syntax.
  virtual Status InjectHsmFault(int hsm, const std::string& spec) = 0;
  virtual Status SetHsmPresent(int hsm, bool present) = 0;
  // The keys as the HSMs hold them (empty for in-process stores), for the pool check.
  virtual Result<std::vector<HsmKey>> InspectHsms() = 0;
  // Faults injected so far, one line each (the chaos module's log).
  virtual std::vector<std::string> TakeInjectedFaults() = 0;
};

}  // namespace rollcage::harness

#endif  // ROLLCAGE_HARNESS_ADAPTERS_SIGNER_ADAPTER_H_
