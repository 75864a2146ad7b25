#include "harness/faults/pkcs11/random_fault_plan.h"

#include <softhsm/cryptoki.h>

#include <utility>

#include "harness/faults/pkcs11/seeded_random.h"

namespace rollcage::faults {
namespace {

using F = Pkcs11Function;

struct Weighted {
  F function;
  int weight;
};

// Where faults land, weighted toward the calls a signer makes on every run.
constexpr Weighted kFunctionWeights[] = {
    {F::kC_Sign, 30},           {F::kC_GenerateKeyPair, 14}, {F::kC_Login, 10},
    {F::kC_OpenSession, 10},    {F::kC_SignInit, 8},         {F::kC_GetAttributeValue, 6},
    {F::kC_FindObjectsInit, 4}, {F::kC_FindObjects, 3},      {F::kC_GetSlotList, 2},
    {F::kC_GetTokenInfo, 2},    {F::kC_Initialize, 2},       {F::kC_CloseSession, 2},
    {F::kC_Logout, 1},          {F::kC_DestroyObject, 2},    {F::kC_SignUpdate, 1},
    {F::kC_SignFinal, 1},       {F::kC_GenerateRandom, 1},   {F::kC_SetAttributeValue, 1},
};

template <typename T, size_t N>
const T& PickWeighted(SeededRandom& rng, const std::pair<T, int> (&items)[N]) {
  int total = 0;
  for (const auto& [v, w] : items) total += w;
  int r = static_cast<int>(rng.Below(total));
  for (const auto& [v, w] : items) {
    if (r < w) return v;
    r -= w;
  }
  return items[N - 1].first;
}

F PickFunction(SeededRandom& rng) {
  int total = 0;
  for (const auto& w : kFunctionWeights) total += w.weight;
  int r = static_cast<int>(rng.Below(total));
  for (const auto& w : kFunctionWeights) {
    if (r < w.weight) return w.function;
    r -= w.weight;
  }
  return F::kC_Sign;
}

// A return value a real HSM could give for this function.
unsigned long PickRv(SeededRandom& rng, F f) {
  std::vector<unsigned long> rvs = {CKR_DEVICE_ERROR, CKR_DEVICE_ERROR, CKR_FUNCTION_FAILED, CKR_GENERAL_ERROR,
                                    CKR_DEVICE_MEMORY};
  switch (FunctionScope(f)) {
    case CallScope::kSession:
      rvs.insert(rvs.end(), {CKR_SESSION_HANDLE_INVALID, CKR_SESSION_HANDLE_INVALID, CKR_SESSION_CLOSED,
                             CKR_DEVICE_REMOVED});
      break;
    case CallScope::kSlot:
      rvs.insert(rvs.end(), {CKR_TOKEN_NOT_PRESENT, CKR_DEVICE_REMOVED, CKR_SLOT_ID_INVALID});
      break;
    case CallScope::kModule:
      break;
  }
  if (f == F::kC_Login) rvs.insert(rvs.end(), {CKR_PIN_INCORRECT, CKR_USER_ALREADY_LOGGED_IN, CKR_PIN_LOCKED});
  if (f == F::kC_OpenSession) rvs.insert(rvs.end(), {CKR_SESSION_COUNT, CKR_TOKEN_NOT_PRESENT});
  if (f == F::kC_SignInit) rvs.insert(rvs.end(), {CKR_OPERATION_ACTIVE, CKR_KEY_HANDLE_INVALID});
  if (f == F::kC_Sign) rvs.insert(rvs.end(), {CKR_OPERATION_NOT_INITIALIZED, CKR_KEY_HANDLE_INVALID});
  if (f == F::kC_GenerateKeyPair) rvs.insert(rvs.end(), {CKR_DEVICE_MEMORY, CKR_TOKEN_WRITE_PROTECTED});
  if (f == F::kC_Initialize) rvs = {CKR_DEVICE_ERROR, CKR_GENERAL_ERROR, CKR_FUNCTION_FAILED};
  return rvs[rng.Below(rvs.size())];
}

Trigger PickTrigger(SeededRandom& rng, const RandomFaultPlanOptions& o) {
  Trigger t;
  const uint64_t max_call = o.max_call == 0 ? 1 : o.max_call;
  enum Choice { kCall, kCalls, kEvery, kAfter, kProb };
  static constexpr std::pair<Choice, int> kChoices[] = {{kCall, 45}, {kCalls, 15}, {kEvery, 15}, {kAfter, 10}, {kProb, 15}};
  Choice c = o.allow_probabilistic ? PickWeighted(rng, kChoices) : (rng.Chance(0.75) ? kCall : kCalls);
  switch (c) {
    case kCall:
      t.kind = Trigger::Kind::kCall;
      t.first = rng.Between(1, max_call);
      break;
    case kCalls:
      t.kind = Trigger::Kind::kCalls;
      t.first = rng.Between(1, max_call);
      t.last = t.first + rng.Between(0, 3);
      break;
    case kEvery:
      t.kind = Trigger::Kind::kEvery;
      t.first = rng.Between(2, max_call < 2 ? 2 : max_call);
      break;
    case kAfter:
      t.kind = Trigger::Kind::kAfter;
      t.first = rng.Between(0, max_call);
      break;
    case kProb: {
      static constexpr double kProbs[] = {0.02, 0.05, 0.1, 0.2, 0.5};
      t.kind = Trigger::Kind::kProb;
      t.probability = kProbs[rng.Below(5)];
      break;
    }
  }
  return t;
}

}  // namespace

FaultPlan GenerateRandomFaultPlan(const RandomFaultPlanOptions& o) {
  FaultPlan plan;
  plan.seed = o.seed;
  SeededRandom rng(Mix64(o.seed ^ 0x726f6c6c63616765ull));  // "rollcage"
  for (int n = 0; n < o.fault_budget; ++n) {
    FaultRule rule;
    enum Kind { kRv, kSbr, kCorrupt, kLatency, kRemoved };
    std::pair<Kind, int> kinds[] = {{kRv, 55},
                                    {kSbr, o.allow_succeed_but_report ? 14 : 0},
                                    {kCorrupt, o.allow_corrupt ? 12 : 0},
                                    {kLatency, o.allow_latency ? 10 : 0},
                                    {kRemoved, o.allow_removed ? 6 : 0}};
    Kind kind = PickWeighted(rng, kinds);
    F f = PickFunction(rng);
    if (kind == kCorrupt && !FunctionHasOutput(f)) {
      // Corrupt where output matters most: signatures and the public key the signer publishes.
      f = rng.Chance(0.7) ? F::kC_Sign : F::kC_GetAttributeValue;
    }
    rule.function = f;
    rule.trigger = PickTrigger(rng, o);
    switch (kind) {
      case kRv:
        rule.action.kind = FaultAction::Kind::kRv;
        rule.action.rv = PickRv(rng, f);
        break;
      case kSbr:
        rule.action.kind = FaultAction::Kind::kSucceedButReport;
        rule.action.rv = PickRv(rng, f);
        break;
      case kCorrupt:
        rule.action.kind = FaultAction::Kind::kCorrupt;
        break;
      case kLatency:
        rule.action.kind = FaultAction::Kind::kLatency;
        rule.action.latency_us = rng.Between(1, o.max_latency_ms == 0 ? 1 : o.max_latency_ms) * 1000;
        break;
      case kRemoved:
        rule.action.kind = FaultAction::Kind::kRemoved;
        if (rng.Chance(0.5)) rule.function.reset();  // "* after N removed": the whole HSM goes away
        rule.trigger = Trigger{};
        rule.trigger.kind = rng.Chance(0.5) ? Trigger::Kind::kAfter : Trigger::Kind::kCall;
        rule.trigger.first = rng.Between(rule.trigger.kind == Trigger::Kind::kCall ? 1 : 0,
                                         (o.max_call == 0 ? 1 : o.max_call) * (rule.function ? 1 : 4));
        rule.action.removed_for = rng.Chance(0.5) ? rng.Between(1, 20) : 0;
        break;
    }
    // Repeating triggers fire at most a few times, so a signer with retries can still make progress.
    if (rule.trigger.kind != Trigger::Kind::kCall && rule.trigger.kind != Trigger::Kind::kCalls) {
      rule.max = rng.Between(1, 4);
    }
    if (o.allow_operation_active && (kind == kRv || kind == kSbr) && FunctionFamily(f) == OperationFamily::kSign &&
        FunctionRole(f) != OperationRole::kInit && rng.Chance(0.3)) {
      rule.then_operation_active = true;
    }
    if (!o.tokens.empty() && (!rule.function || FunctionScope(*rule.function) != CallScope::kModule) &&
        rng.Chance(0.4)) rule.token = o.tokens[rng.Below(o.tokens.size())];
    plan.rules.push_back(std::move(rule));
  }
  return plan;
}

}  // namespace rollcage::faults
