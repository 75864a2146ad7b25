// The RapidCheck state machine behind every hunt: a model of what a scenario has done so far (the
// records and delegations it added, whether the signer is down, the signer's clock offset, HSMs
// present), and one Command per event kind with its precondition, model update, run (append the
// event to the scenario under construction) and show() in the scenario language. Generated
// sequences respect the bounds a correct signer must tolerate (docs/scenario.md), so every finding
// on the clean reference signer is a bug; shrinking re-checks preconditions, so shrunk scenarios
// stay meaningful.
#ifndef ROLLCAGE_PROPERTIES_SCENARIO_MODEL_H_
#define ROLLCAGE_PROPERTIES_SCENARIO_MODEL_H_

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "dns/name.h"
#include "dns/rr.h"
#include "harness/scenario/scenario.h"

namespace rollcage::properties {

// The scenario header a hunt uses; events are generated.
struct ScenarioTemplate {
  dns::Name origin = *dns::Name::FromText("example.");
  int hsms = 0;
  uint8_t algorithm = 13;
  std::string denial = "nsec3";
  std::map<std::string, std::string> policy;
  std::string mutant;
  int max_events = 30;
  int64_t max_elapsed = 90 * 86400;  // total simulated time a scenario may advance
  // Fault bounds (from the policy): the signer's clock may run ahead by at most max_ahead and
  // zone publication may lag by at most max_publish_delay.
  int64_t max_ahead = 1800;
  int64_t max_publish_delay = 300;
  bool allow_algorithm_rollover = true;
  bool allow_collisions = true;  // keygen ... collide (fast for algorithm 13 only)
  // Focus (for hunting one planted bug): event-kind weights overriding the defaults ("add",
  // "remove", "ttl", "delegate", "undelegate", "advance", "skew", "jump", "publish-delay",
  // "ds-delay", "keygen", "rollover", "rollover-algorithm", "crash", "restart", "hsm-fault",
  // "hsm-remove", "hsm-restore"), the PKCS#11 functions HSM faults target, and whether every
  // keygen asks for a key-tag collision.
  std::map<std::string, int> weights;
  std::vector<std::string> fault_functions;
  bool collide_always = false;
};

struct Model {
  ScenarioTemplate t;
  std::vector<dns::RR> records;        // added by the scenario and still there
  std::vector<dns::Name> delegations;  // delegated by the scenario and still there
  bool signer_down = false;
  std::set<int> hsms_removed;
  int64_t offset = 0;                  // the signer's clock minus true time
  int64_t elapsed = 0;
  int events = 0;
};

using Sut = harness::Scenario;
using Cmd = rc::state::Command<Model, Sut>;
using CmdSP = std::shared_ptr<const Cmd>;

// The command generator for rc::state::gen::commands (weighted over the event kinds).
rc::Gen<CmdSP> GenCommand(const Model& m);
// A whole scenario: the template's header and a generated, valid event sequence.
rc::Gen<harness::Scenario> GenHuntScenario(const ScenarioTemplate& t);

}  // namespace rollcage::properties

#endif  // ROLLCAGE_PROPERTIES_SCENARIO_MODEL_H_
