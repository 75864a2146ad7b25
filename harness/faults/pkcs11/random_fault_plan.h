// GenerateRandomFaultPlan: a seeded random fault plan for property tests. The same options give the
// same plan; the plan carries the seed so its probabilistic rules replay too. Rules favour the calls a
// signer lives on (C_Sign, C_GenerateKeyPair, C_Login, C_OpenSession).
#ifndef ROLLCAGE_HARNESS_FAULTS_PKCS11_RANDOM_FAULT_PLAN_H_
#define ROLLCAGE_HARNESS_FAULTS_PKCS11_RANDOM_FAULT_PLAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "harness/faults/pkcs11/fault_plan.h"

namespace rollcage::faults {

struct RandomFaultPlanOptions {
  uint64_t seed = 0;
  int fault_budget = 3;             // number of rules
  uint64_t max_call = 20;           // call numbers are drawn from 1..max_call
  bool allow_succeed_but_report = true;
  bool allow_corrupt = true;
  bool allow_latency = true;
  uint64_t max_latency_ms = 20;     // keep property runs fast
  bool allow_removed = true;
  bool allow_operation_active = true;
  bool allow_probabilistic = true;  // prob/every/after/always triggers (they fire repeatedly; capped by max)
  std::vector<std::string> tokens;  // token labels of a multi-HSM pool: some rules hit one token alone
};

FaultPlan GenerateRandomFaultPlan(const RandomFaultPlanOptions& options);

}  // namespace rollcage::faults

#endif  // ROLLCAGE_HARNESS_FAULTS_PKCS11_RANDOM_FAULT_PLAN_H_
