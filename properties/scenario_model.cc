#include "properties/scenario_model.h"

#include <algorithm>

#include "properties/generators.h"

namespace rollcage::properties {
namespace {

namespace gen = rc::gen;
using harness::Event;

// Every command holds the event it stands for; run() appends it, show() prints it.
class EventCmd : public Cmd {
 public:
  void run(const Model&, Sut& s) const override { s.events.push_back(event_); }
  void show(std::ostream& os) const override { os << harness::PrintEvent(event_); }

 protected:
  Event event_;
  void Common(Model& m) const { ++m.events; }
  void Base(const Model& m) const { RC_PRE(m.events < m.t.max_events); }
};

class AddCmd : public EventCmd {
 public:
  explicit AddCmd(const Model& m) { event_ = harness::AddRecord{*GenRecord(m.t.origin)}; }
  void checkPreconditions(const Model& m) const override { Base(m); }
  void apply(Model& m) const override {
    Common(m);
    m.records.push_back(std::get<harness::AddRecord>(event_).rr);
  }
};

class RemoveCmd : public EventCmd {
 public:
  explicit RemoveCmd(const Model& m) {
    RC_PRE(!m.records.empty());
    size_t i = *gen::inRange<size_t>(0, m.records.size());
    rr_ = m.records[i];
    event_ = harness::RemoveRecord{rr_};
  }
  void checkPreconditions(const Model& m) const override {
    Base(m);
    RC_PRE(std::find(m.records.begin(), m.records.end(), rr_) != m.records.end());
  }
  void apply(Model& m) const override {
    Common(m);
    m.records.erase(std::find(m.records.begin(), m.records.end(), rr_));
  }

 private:
  dns::RR rr_;
};

class TtlCmd : public EventCmd {
 public:
  explicit TtlCmd(const Model& m) {
    RC_PRE(!m.records.empty());
    const dns::RR& rr = m.records[*gen::inRange<size_t>(0, m.records.size())];
    event_ = harness::SetTtl{rr.owner, rr.type, *gen::element<uint32_t>(0, 60, 300, 3600, 7200, 86400)};
  }
  void checkPreconditions(const Model& m) const override { Base(m); }
  void apply(Model& m) const override {
    Common(m);
    const auto& x = std::get<harness::SetTtl>(event_);
    for (auto& r : m.records) {
      if (r.owner == x.owner && r.type == x.type) r.ttl = x.ttl;
    }
  }
};

class DelegateCmd : public EventCmd {
 public:
  explicit DelegateCmd(const Model& m) {
    dns::Name child = *GenName(m.t.origin);
    RC_PRE(!(child == m.t.origin) && !child.IsWildcard());
    event_ = harness::Delegate{child, *gen::arbitrary<bool>(), *gen::weightedElement<bool>({{4, true}, {1, false}})};
  }
  void checkPreconditions(const Model& m) const override { Base(m); }
  void apply(Model& m) const override {
    Common(m);
    m.delegations.push_back(std::get<harness::Delegate>(event_).child);
  }
};

class UndelegateCmd : public EventCmd {
 public:
  explicit UndelegateCmd(const Model& m) {
    RC_PRE(!m.delegations.empty());
    child_ = m.delegations[*gen::inRange<size_t>(0, m.delegations.size())];
    event_ = harness::Undelegate{child_};
  }
  void checkPreconditions(const Model& m) const override {
    Base(m);
    RC_PRE(std::find(m.delegations.begin(), m.delegations.end(), child_) != m.delegations.end());
  }
  void apply(Model& m) const override {
    Common(m);
    m.delegations.erase(std::find(m.delegations.begin(), m.delegations.end(), child_));
  }

 private:
  dns::Name child_;
};

class AdvanceCmd : public EventCmd {
 public:
  explicit AdvanceCmd(const Model&) { event_ = harness::Advance{*GenDuration()}; }
  void checkPreconditions(const Model& m) const override {
    Base(m);
    RC_PRE(m.elapsed + std::get<harness::Advance>(event_).seconds <= m.t.max_elapsed);
  }
  void apply(Model& m) const override {
    Common(m);
    m.elapsed += std::get<harness::Advance>(event_).seconds;
  }
};

// The signer's clock stays within ±max_ahead of true time. Ahead beyond the inception backdating
// makes signatures not yet valid, and any forward move of the signer's clock shortens the intervals
// it waits (Ipub, Iret) in true time: a signer relies on its clock, so clock faults beyond its safety
// margins are environment failures, not signer bugs (found by the clean hunt: -1d then +2h05m).
class SkewCmd : public EventCmd {
 public:
  explicit SkewCmd(const Model& m) {
    // Half the time ahead (within the tolerance), half behind.
    event_ = harness::Skew{*gen::weightedOneOf<int64_t>(
        {{1, gen::inRange<int64_t>(1, m.t.max_ahead + 1)}, {1, gen::inRange<int64_t>(-m.t.max_ahead, 0)}})};
  }
  void checkPreconditions(const Model& m) const override {
    Base(m);
    int64_t s = std::get<harness::Skew>(event_).seconds;
    RC_PRE(s >= -m.t.max_ahead && s <= m.t.max_ahead);
  }
  void apply(Model& m) const override {
    Common(m);
    m.offset = std::get<harness::Skew>(event_).seconds;
  }
};

class JumpCmd : public EventCmd {
 public:
  explicit JumpCmd(const Model& m) {
    event_ = harness::Jump{*gen::inRange<int64_t>(-m.t.max_ahead - m.offset, m.t.max_ahead - m.offset + 1)};
  }
  void checkPreconditions(const Model& m) const override {
    Base(m);
    int64_t after = m.offset + std::get<harness::Jump>(event_).seconds;
    RC_PRE(after >= -m.t.max_ahead && after <= m.t.max_ahead);
  }
  void apply(Model& m) const override {
    Common(m);
    m.offset += std::get<harness::Jump>(event_).seconds;
  }
};

class PublishDelayCmd : public EventCmd {
 public:
  explicit PublishDelayCmd(const Model& m) {
    event_ = harness::PublishDelay{*gen::inRange<int64_t>(0, m.t.max_publish_delay + 1)};
  }
  void checkPreconditions(const Model& m) const override {
    Base(m);
    RC_PRE(std::get<harness::PublishDelay>(event_).seconds <= m.t.max_publish_delay);
  }
  void apply(Model& m) const override { Common(m); }
};

class DsDelayCmd : public EventCmd {
 public:
  explicit DsDelayCmd(const Model&) { event_ = harness::DsDelay{*GenDuration()}; }
  void checkPreconditions(const Model& m) const override { Base(m); }
  void apply(Model& m) const override { Common(m); }
};

class KeygenCmd : public EventCmd {
 public:
  explicit KeygenCmd(const Model& m) {
    bool collide = m.t.allow_collisions && m.t.algorithm == 13 && (m.t.collide_always || *gen::arbitrary<bool>());
    event_ = harness::Keygen{*gen::element(harness::KeyRole::kZsk, harness::KeyRole::kKsk), collide};
  }
  void checkPreconditions(const Model& m) const override { Base(m); }
  void apply(Model& m) const override { Common(m); }
};

class RolloverCmd : public EventCmd {
 public:
  explicit RolloverCmd(const Model&) {
    event_ = harness::Rollover{*gen::element(harness::KeyRole::kZsk, harness::KeyRole::kKsk, harness::KeyRole::kCsk)};
  }
  void checkPreconditions(const Model& m) const override { Base(m); }
  void apply(Model& m) const override { Common(m); }
};

class AlgorithmRolloverCmd : public EventCmd {
 public:
  explicit AlgorithmRolloverCmd(const Model& m) {
    RC_PRE(m.t.allow_algorithm_rollover);
    event_ = harness::AlgorithmRollover{*gen::element<uint8_t>(13, 15)};
  }
  void checkPreconditions(const Model& m) const override {
    Base(m);
    RC_PRE(m.t.allow_algorithm_rollover);
  }
  void apply(Model& m) const override { Common(m); }
};

// HSM faults in the chaos plan syntax. `corrupt` is kept to C_Sign (the signer verifies signatures
// from HSMs); corrupting attribute reads would corrupt the published keys themselves.
class HsmFaultCmd : public EventCmd {
 public:
  explicit HsmFaultCmd(const Model& m) {
    RC_PRE(m.t.hsms > 0);
    std::string fn = m.t.fault_functions.empty()
                         ? *gen::element<std::string>("C_Sign", "C_SignInit", "C_CreateObject", "C_Login",
                                                      "C_OpenSession", "C_FindObjects")
                         : *gen::elementOf(m.t.fault_functions);
    std::string trigger = *gen::element<std::string>("call 1", "call 2", "call 3", "every 4", "prob 0.2", "prob 0.5");
    std::string action = *gen::element<std::string>("rv CKR_DEVICE_ERROR", "rv CKR_SESSION_HANDLE_INVALID",
                                                    "rv CKR_DEVICE_REMOVED", "rv CKR_TOKEN_NOT_PRESENT",
                                                    "succeed-but-report CKR_DEVICE_ERROR", "latency 20ms");
    if (fn == "C_Sign" && *gen::weightedElement<int>({{4, 0}, {1, 1}})) action = "corrupt";
    std::string max = trigger.rfind("call", 0) == 0 ? "" : " max 5";
    event_ = harness::HsmFault{*gen::inRange(0, m.t.hsms + 1), fn + " " + trigger + " " + action + max};
  }
  void checkPreconditions(const Model& m) const override {
    Base(m);
    RC_PRE(m.t.hsms > 0);
  }
  void apply(Model& m) const override { Common(m); }
};

class HsmRemoveCmd : public EventCmd {
 public:
  explicit HsmRemoveCmd(const Model& m) {
    RC_PRE(m.t.hsms > 0);
    event_ = harness::HsmRemove{*gen::inRange(1, m.t.hsms + 1)};
  }
  void checkPreconditions(const Model& m) const override {
    Base(m);
    RC_PRE(m.t.hsms > 0);
  }
  void apply(Model& m) const override {
    Common(m);
    m.hsms_removed.insert(std::get<harness::HsmRemove>(event_).hsm);
  }
};

class HsmRestoreCmd : public EventCmd {
 public:
  explicit HsmRestoreCmd(const Model& m) {
    RC_PRE(!m.hsms_removed.empty());
    auto it = m.hsms_removed.begin();
    std::advance(it, *gen::inRange<size_t>(0, m.hsms_removed.size()));
    event_ = harness::HsmRestore{*it};
  }
  void checkPreconditions(const Model& m) const override {
    Base(m);
    RC_PRE(m.hsms_removed.count(std::get<harness::HsmRestore>(event_).hsm) > 0);
  }
  void apply(Model& m) const override {
    Common(m);
    m.hsms_removed.erase(std::get<harness::HsmRestore>(event_).hsm);
  }
};

class CrashCmd : public EventCmd {
 public:
  explicit CrashCmd(const Model&) {
    event_ = harness::Crash{*gen::element<std::string>("", "keygen-intent", "keygen", "transition",
                                                       "after-transition", "sign")};
  }
  void checkPreconditions(const Model& m) const override {
    Base(m);
    RC_PRE(!m.signer_down);
  }
  void apply(Model& m) const override {
    Common(m);
    if (std::get<harness::Crash>(event_).point.empty()) m.signer_down = true;
  }
};

class RestartCmd : public EventCmd {
 public:
  explicit RestartCmd(const Model&) { event_ = harness::Restart{}; }
  void checkPreconditions(const Model& m) const override {
    Base(m);
    RC_PRE(m.signer_down);
  }
  void apply(Model& m) const override {
    Common(m);
    m.signer_down = false;
  }
};

template <class C>
rc::Gen<CmdSP> Make(const Model& m) {
  return gen::exec([m] { return CmdSP(std::make_shared<C>(m)); });
}

}  // namespace

rc::Gen<CmdSP> GenCommand(const Model& m) {
  auto w = [&](const char* kind, std::size_t dflt) {
    auto it = m.t.weights.find(kind);
    return it == m.t.weights.end() ? dflt : std::size_t(it->second);
  };
  std::vector<std::pair<std::size_t, rc::Gen<CmdSP>>> all = {
      {w("add", 14), Make<AddCmd>(m)},
      {w("remove", 4), Make<RemoveCmd>(m)},
      {w("ttl", 3), Make<TtlCmd>(m)},
      {w("delegate", 6), Make<DelegateCmd>(m)},
      {w("undelegate", 2), Make<UndelegateCmd>(m)},
      {w("advance", 20), Make<AdvanceCmd>(m)},
      {w("skew", 2), Make<SkewCmd>(m)},
      {w("jump", 2), Make<JumpCmd>(m)},
      {w("publish-delay", 2), Make<PublishDelayCmd>(m)},
      {w("ds-delay", 2), Make<DsDelayCmd>(m)},
      {w("keygen", 3), Make<KeygenCmd>(m)},
      {w("rollover", 6), Make<RolloverCmd>(m)},
      {w("rollover-algorithm", 1), Make<AlgorithmRolloverCmd>(m)},
      {w("crash", 2), Make<CrashCmd>(m)},
      {w("restart", 3), Make<RestartCmd>(m)},
  };
  if (m.t.hsms > 0) {
    all.push_back({w("hsm-fault", 4), Make<HsmFaultCmd>(m)});
    all.push_back({w("hsm-remove", 1), Make<HsmRemoveCmd>(m)});
    all.push_back({w("hsm-restore", 2), Make<HsmRestoreCmd>(m)});
  }
  std::vector<std::pair<std::size_t, rc::Gen<CmdSP>>> kinds;
  for (auto& k : all) {
    if (k.first > 0) kinds.push_back(std::move(k));
  }
  // Weighted choice (rc::gen::weightedOneOf wants an initializer list; the list here depends on m).
  std::size_t total = 0;
  for (const auto& k : kinds) total += k.first;
  // gen::inRange narrows with RapidCheck's size; the kind of event must not depend on it.
  return gen::mapcat(gen::resize(rc::kNominalSize, gen::inRange<std::size_t>(0, total)), [kinds](std::size_t r) {
    for (const auto& k : kinds) {
      if (r < k.first) return k.second;
      r -= k.first;
    }
    return kinds.back().second;
  });
}

rc::Gen<harness::Scenario> GenHuntScenario(const ScenarioTemplate& t) {
  Model m0;
  m0.t = t;
  return gen::map(rc::state::gen::commands(m0, &GenCommand), [t](const rc::state::Commands<Cmd>& cmds) {
    harness::Scenario s;
    s.origin = t.origin;
    s.hsms = t.hsms;
    s.algorithm = t.algorithm;
    s.denial = t.denial;
    s.policy = t.policy;
    s.mutant = t.mutant;
    for (const auto& c : cmds) c->run(Model{}, s);
    return s;
  });
}

}  // namespace rollcage::properties
