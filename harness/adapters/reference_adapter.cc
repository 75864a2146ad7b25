#include "harness/adapters/reference_adapter.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "base/file.h"
#include "base/runfiles.h"
#include "harness/faults/pkcs11/chaos_control.h"
#include "signer-under-test/mutants/mutants.h"
#include "signer-under-test/openssl_key_store.h"
#include "signer-under-test/pkcs11_key_store.h"

namespace rollcage::harness {
namespace {

signer::kasp::Role ToRole(KeyRole r) {
  switch (r) {
    case KeyRole::kZsk: return signer::kasp::Role::kZsk;
    case KeyRole::kKsk: return signer::kasp::Role::kKsk;
    case KeyRole::kCsk: return signer::kasp::Role::kCsk;
  }
  return signer::kasp::Role::kZsk;
}

// One chaos module and one SoftHSM directory per process.
struct ProcessHsm {
  std::string module;     // the chaos module path
  std::string softhsm_dir;
  std::optional<faults::ChaosControl> control;
};

Result<ProcessHsm*> TheHsm(const std::string& wanted_dir) {
  static ProcessHsm* hsm = nullptr;
  static Status failure;
  if (hsm) return hsm;
  if (!failure.ok()) return failure;
  auto h = std::make_unique<ProcessHsm>();
  if (const char* m = std::getenv("ROLLCAGE_CHAOS_MODULE"); m && *m) {
    h->module = m;
  } else {
    auto where = Rlocation(faults::kChaosModuleRunfilesPath);
    if (!where.ok()) {
      failure = where.status();
      return failure;
    }
    h->module = *where;
  }
  // The chaos module forwards to the real one (SoftHSM unless the user says otherwise).
  if (!std::getenv("ROLLCAGE_CHAOS_REAL_MODULE")) {
    const char* real = std::getenv("ROLLCAGE_SOFTHSM_MODULE");
    setenv("ROLLCAGE_CHAOS_REAL_MODULE", real && *real ? real : signer::kDefaultPkcs11Module, 1);
  }
  std::string dir = wanted_dir;
  if (dir.empty()) {
    if (const char* d = std::getenv("ROLLCAGE_SOFTHSM_DIR"); d && *d) {
      dir = d;
    } else {
      const char* tmp = std::getenv("TEST_TMPDIR");
      dir = std::string(tmp && *tmp ? tmp : "/tmp") + "/rollcage-softhsm-" + std::to_string(getpid());
    }
  }
  h->softhsm_dir = dir;
  Status s = MakeDirs(dir);
  if (!s.ok()) {
    failure = s;
    return failure;
  }
  auto control = faults::ChaosControl::Load(h->module);
  if (!control.ok()) {
    failure = control.status();
    return failure;
  }
  h->control = std::move(control).value();
  hsm = h.release();
  return hsm;
}

}  // namespace

Result<signer::kasp::Policy> PolicyFor(const Scenario& s) {
  signer::kasp::Policy p;
  p.algorithm = s.algorithm;
  p.denial = s.denial;
  Status st = p.Apply(s.policy);
  if (!st.ok()) return st;
  if (p.algorithm != 8 && p.algorithm != 13 && p.algorithm != 15) {
    return BadInput("algorithm " + std::to_string(p.algorithm) + " is not supported by the reference signer");
  }
  return p;
}

Result<std::unique_ptr<ReferenceAdapter>> ReferenceAdapter::Create(const Scenario& scenario,
                                                                   ReferenceAdapterOptions options) {
  if (!scenario.mutant.empty() && !signer::mutants::Find(scenario.mutant)) {
    return BadInput("unknown mutant '" + scenario.mutant + "' (rollcage mutants --list)");
  }
  std::unique_ptr<ReferenceAdapter> a(new ReferenceAdapter());
  a->scenario_ = scenario;
  a->options_ = std::move(options);
  RC_ASSIGN_OR_RETURN(a->policy_, PolicyFor(scenario));
  std::vector<std::unique_ptr<signer::KeyStore>> stores;
  if (scenario.hsms == 0) {
    stores.push_back(std::make_unique<signer::OpenSslKeyStore>(signer::OpenSslKeyStoreOptions{.seed = scenario.seed}));
  } else {
    RC_ASSIGN_OR_RETURN(ProcessHsm * hsm, TheHsm(a->options_.softhsm_dir));
    RC_RETURN_IF_ERROR(hsm->control->ClearPlan());
    for (int i = 1; i <= scenario.hsms; ++i) {
      signer::Pkcs11Options po;
      po.module_path = hsm->module;
      po.softhsm_dir = hsm->softhsm_dir;
      po.token_label = "hsm" + std::to_string(i);
      po.pin = a->options_.pin;
      po.max_threads = 1;
      auto store = signer::Pkcs11KeyStore::Open(po);
      if (!store.ok()) return store.status().WithContext("HSM " + std::to_string(i));
      a->slots_.push_back((*store)->slot());
      stores.push_back(std::move(store).value());
    }
  }
  a->pool_ = std::make_unique<signer::KeyPool>(std::move(stores));
  RC_RETURN_IF_ERROR(a->pool_->Reset());  // every scenario starts with empty HSMs
  return a;
}

ReferenceAdapter::~ReferenceAdapter() {
  runtime_.reset();
  if (scenario_.hsms > 0) {
    if (auto hsm = TheHsm(options_.softhsm_dir); hsm.ok()) (void)(*hsm)->control->ClearPlan();
  }
}

std::string ReferenceAdapter::Name() const {
  return scenario_.hsms == 0 ? "reference (in-process keys)"
                             : "reference (" + std::to_string(scenario_.hsms) + " SoftHSM token(s) via the chaos module)";
}

Status ReferenceAdapter::Start() {
  signer::RuntimeOptions o;
  o.origin = scenario_.origin;
  o.policy = policy_;
  o.state_dir = options_.state_dir;
  o.seed = scenario_.seed;
  if (scenario_.hsms == 0) o.sign_memo = options_.sign_memo;
  if (!scenario_.mutant.empty()) o.mutants.insert(scenario_.mutant);
  o.crash_at = [this](const std::string& point) {
    if (armed_.count(point)) {
      armed_.erase(point);
      return true;
    }
    return false;
  };
  auto rt = signer::SignerRuntime::Start(std::move(o), pool_.get());
  if (!rt.ok()) return rt.status();
  runtime_ = std::move(rt).value();
  return Status::Ok();
}

Result<TickOutput> ReferenceAdapter::Tick(const TickInput& in) {
  if (!runtime_) return InternalError("tick on a signer that is not running");
  auto r = runtime_->Tick(in.signer_now, *in.unsigned_zone, in.parent_ds, in.served_serial);
  if (!r.ok()) return r.status();
  TickOutput out;
  out.zone = std::move(r->zone);
  out.ds_request = std::move(r->ds_request);
  out.next_wakeup = r->next_wakeup;
  out.notes = std::move(r->notes);
  out.refused = r->refused;
  out.refusal = std::move(r->refusal);
  out.crashed = r->crashed;
  if (out.crashed) runtime_.reset();
  return out;
}

// A request that reaches an armed crash point kills the signer (as a tick would).
Status ReferenceAdapter::Checked(Status s) {
  if (!s.ok() && s.message().rfind("crash at ", 0) == 0) {
    runtime_.reset();
    return Status::Ok();
  }
  return s;
}

Status ReferenceAdapter::Keygen(KeyRole role, bool collide, UnixTime now) {
  if (!runtime_) return Status::Ok();
  return Checked(runtime_->AddStandby(ToRole(role), collide, now));
}

Status ReferenceAdapter::Rollover(KeyRole role, UnixTime now) {
  if (!runtime_) return Status::Ok();
  // A CSK policy rolls its CSK whatever role the scenario names, and a split policy has no CSK.
  signer::kasp::Role r = ToRole(role);
  if (policy_.csk) r = signer::kasp::Role::kCsk;
  else if (r == signer::kasp::Role::kCsk) r = signer::kasp::Role::kZsk;
  return Checked(runtime_->RequestRollover(r, now));
}

Status ReferenceAdapter::RolloverAlgorithm(uint8_t algorithm, UnixTime now) {
  if (!runtime_) return Status::Ok();
  if (algorithm != 8 && algorithm != 13 && algorithm != 15) {
    return UsageError("algorithm " + std::to_string(algorithm) + " is not supported by the reference signer");
  }
  return Checked(runtime_->RequestAlgorithmRollover(algorithm, now));
}

Status ReferenceAdapter::ApplyPlan() {
  if (scenario_.hsms == 0) return Status::Ok();
  RC_ASSIGN_OR_RETURN(ProcessHsm * hsm, TheHsm(options_.softhsm_dir));
  std::string text;
  for (const auto& l : fault_lines_) text += l + "\n";
  for (int h : removed_) text += "* always removed token hsm" + std::to_string(h) + "\n";
  Status s = hsm->control->SetPlanText(text);
  if (!s.ok()) return BadInput("fault plan: " + s.message());
  return Status::Ok();
}

Status ReferenceAdapter::InjectHsmFault(int hsm, const std::string& spec) {
  if (scenario_.hsms == 0) {
    injected_.push_back("(no HSMs: in-process keys) ignored fault: " + spec);
    return Status::Ok();
  }
  std::string line = spec;
  if (hsm > 0 && spec.find(" token ") == std::string::npos && spec.find(" slot ") == std::string::npos) {
    line += " token hsm" + std::to_string(hsm);
  }
  // Validate before adding: a bad line is the scenario's error, not the signer's.
  auto plan = faults::ParseFaultPlan(line + "\n", "fault");
  if (!plan.ok()) return BadInput(plan.status().message());
  fault_lines_.push_back(line);
  return ApplyPlan();
}

Status ReferenceAdapter::SetHsmPresent(int hsm, bool present) {
  if (scenario_.hsms == 0) return Status::Ok();
  std::vector<int> which;
  if (hsm == 0) {
    for (int i = 1; i <= scenario_.hsms; ++i) which.push_back(i);
  } else if (hsm <= scenario_.hsms) {
    which.push_back(hsm);
  }
  for (int h : which) {
    if (present) removed_.erase(h);
    else removed_.insert(h);
  }
  return ApplyPlan();
}

Result<std::vector<HsmKey>> ReferenceAdapter::InspectHsms() {
  std::vector<HsmKey> out;
  if (scenario_.hsms == 0) return out;
  // Look with the fault plan lifted: this is the operator's audit, not the signer's traffic.
  auto saved_lines = fault_lines_;
  auto saved_removed = removed_;
  fault_lines_.clear();
  removed_.clear();
  RC_RETURN_IF_ERROR(ApplyPlan());
  for (size_t i = 0; i < pool_->size(); ++i) {
    auto keys = pool_->hsm(i).List();
    if (!keys.ok()) continue;
    for (const auto& k : *keys) {
      out.push_back(HsmKey{int(i + 1), k.id, k.label, k.public_key, uint8_t(k.algorithm)});
    }
  }
  fault_lines_ = saved_lines;
  removed_ = saved_removed;
  (void)ApplyPlan();
  (void)TakeInjectedFaults();
  return out;
}

std::vector<std::string> ReferenceAdapter::TakeInjectedFaults() {
  std::vector<std::string> out = std::move(injected_);
  injected_.clear();
  if (scenario_.hsms == 0) return out;
  auto hsm = TheHsm(options_.softhsm_dir);
  if (!hsm.ok()) return out;
  for (const auto& l : (*hsm)->control->TakeInjected()) {
    std::string where;
    for (size_t i = 0; i < slots_.size(); ++i) {
      if (l.slot && *l.slot == slots_[i]) where = " on HSM " + std::to_string(i + 1);
    }
    out.push_back(l.function + " call " + std::to_string(l.call) + where + ": " + l.fault + " (caller got " + l.rv + ")");
  }
  return out;
}

}  // namespace rollcage::harness
