#include "harness/faults/pkcs11/fault_injector.h"

#include <softhsm/cryptoki.h>

#include <cstring>
#include <utility>

#include "base/ckr.h"
#include "harness/faults/pkcs11/seeded_random.h"

namespace rollcage::faults {
namespace {

// Pending log lines kept in memory for TakeLog; older ones are dropped beyond this.
constexpr size_t kMaxLogLines = 100000;

std::string RvText(unsigned long rv) { return CkrName(rv); }

}  // namespace

void FaultInjector::SetPlan(FaultPlan plan, const std::string& source) {
  std::lock_guard<std::mutex> lock(mu_);
  plan_ = std::move(plan);
  calls_.clear();
  outputs_.clear();
  fired_.assign(plan_.rules.size(), 0);
  removals_.clear();
  stuck_.clear();
  stats_.clear();
  AppendLine("plan source=" + source + " seed=" + std::to_string(plan_.seed) +
             " rules=" + std::to_string(plan_.rules.size()));
}

FaultPlan FaultInjector::plan() const {
  auto* self = const_cast<FaultInjector*>(this);
  std::lock_guard<std::mutex> lock(self->mu_);
  return plan_;
}

void FaultInjector::SetLabelResolver(LabelResolver resolver) {
  std::lock_guard<std::mutex> lock(mu_);
  resolver_ = std::move(resolver);
  labels_.clear();
}

Status FaultInjector::OpenLogFile(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "a");
  if (!f) return IoError("cannot open chaos log " + path + ": " + std::strerror(errno));
  std::lock_guard<std::mutex> lock(mu_);
  if (log_file_) std::fclose(log_file_);
  log_file_ = f;
  return Status::Ok();
}

void FaultInjector::SetLogCalls(bool on) {
  std::lock_guard<std::mutex> lock(mu_);
  log_calls_ = on;
}

void FaultInjector::AppendLine(const std::string& line) {
  if (log_file_) {
    std::fputs(line.c_str(), log_file_);
    std::fputc('\n', log_file_);
    std::fflush(log_file_);
  }
  if (log_.size() >= kMaxLogLines) log_.pop_front();
  log_.push_back(line);
}

std::optional<std::string> FaultInjector::Label(unsigned long slot) {
  auto it = labels_.find(slot);
  if (it != labels_.end()) return it->second;
  if (!resolver_) return std::nullopt;
  auto label = resolver_(slot);
  if (label) labels_[slot] = *label;
  return label;
}

bool FaultInjector::Matches(const FaultRule& rule, const CallInfo& call) {
  if (rule.function && *rule.function != call.function) return false;
  if (rule.slot && call.slot != rule.slot) return false;
  if (rule.token) {
    if (!call.slot) return false;
    auto label = Label(*call.slot);
    if (!label || *label != *rule.token) return false;
  }
  return true;
}

FaultInjector::CounterKey FaultInjector::KeyFor(const FaultRule& rule, const CallInfo& call) const {
  int f = rule.function ? static_cast<int>(*rule.function) : -1;
  bool filtered = (rule.slot || rule.token) && call.slot;
  return {f, filtered, filtered ? *call.slot : 0};
}

bool FaultInjector::Fires(const FaultRule& rule, size_t index, uint64_t n) const {
  const Trigger& t = rule.trigger;
  switch (t.kind) {
    case Trigger::Kind::kCall: return n == t.first;
    case Trigger::Kind::kCalls: return n >= t.first && n <= t.last;
    case Trigger::Kind::kEvery: return t.first != 0 && n % t.first == 0;
    case Trigger::Kind::kAfter: return n > t.first;
    case Trigger::Kind::kAlways: return true;
    case Trigger::Kind::kProb:
      return UnitInterval(HashDecision(plan_.seed, index + 1, n)) < t.probability;
  }
  return false;
}

const FaultInjector::Removal* FaultInjector::ActiveRemoval(const CallInfo& call, uint64_t seq) {
  for (const Removal& r : removals_) {
    if (r.until_seq != 0 && seq > r.until_seq) continue;
    if (r.all) return &r;
    if (call.slot && *call.slot == r.slot) return &r;
  }
  return nullptr;
}

Verdict FaultInjector::Before(const CallInfo& call) {
  std::lock_guard<std::mutex> lock(mu_);
  Verdict v;
  v.seq = ++seq_;
  // Expired removals: the token is back.
  std::erase_if(removals_, [&](const Removal& r) { return r.until_seq != 0 && v.seq > r.until_seq; });

  const int f = static_cast<int>(call.function);
  ++calls_[{f, false, 0}];
  ++calls_[{-1, false, 0}];
  if (call.slot) {
    ++calls_[{f, true, *call.slot}];
    ++calls_[{-1, true, *call.slot}];
  }
  v.call = calls_[{f, false, 0}];
  ++stats_[f].first;

  // A removed token: slot calls see no token, session calls see the device gone (PKCS#11 v2.40 §5.1).
  const CallScope scope = FunctionScope(call.function);
  // (C_GetSlotList and C_GetSlotInfo still answer: the slot is there, its token is not.)
  if (scope != CallScope::kModule && call.function != Pkcs11Function::kC_GetSlotInfo) {
    if (const Removal* r = ActiveRemoval(call, v.seq)) {
      v.kind = Verdict::Kind::kFail;
      v.rv = scope == CallScope::kSlot ? CKR_TOKEN_NOT_PRESENT : CKR_DEVICE_REMOVED;
      v.faults.push_back({r->rule, v.call, "removed:" + RvText(v.rv)});
      return v;
    }
  }

  // A session whose operation a buggy HSM left active refuses to start another of that family.
  if (call.session && FunctionRole(call.function) == OperationRole::kInit) {
    auto it = stuck_.find(*call.session);
    if (it != stuck_.end()) {
      auto fam = it->second.find(FunctionFamily(call.function));
      if (fam != it->second.end()) {
        v.kind = Verdict::Kind::kFail;
        v.rv = CKR_OPERATION_ACTIVE;
        v.faults.push_back({fam->second, v.call, "operation-active:CKR_OPERATION_ACTIVE"});
        return v;
      }
    }
  }

  for (size_t i = 0; i < plan_.rules.size(); ++i) {
    const FaultRule& rule = plan_.rules[i];
    if (rule.action.kind == FaultAction::Kind::kCorrupt) continue;  // decided after the call
    if (!Matches(rule, call)) continue;
    const uint64_t n = calls_[KeyFor(rule, call)];
    if (!Fires(rule, i, n)) continue;
    if (rule.max && fired_[i] >= rule.max) continue;
    const int rule_no = static_cast<int>(i) + 1;
    if (rule.action.kind == FaultAction::Kind::kLatency) {
      ++fired_[i];
      v.latency_us += rule.action.latency_us;
      v.faults.push_back({rule_no, n, "latency:" + FormatLatency(rule.action.latency_us)});
      continue;
    }
    if (v.kind != Verdict::Kind::kForward || v.removal_started) continue;  // one failure per call
    ++fired_[i];
    switch (rule.action.kind) {
      case FaultAction::Kind::kRv:
        v.kind = Verdict::Kind::kFail;
        v.rv = rule.action.rv;
        v.faults.push_back({rule_no, n, "rv:" + RvText(rule.action.rv)});
        break;
      case FaultAction::Kind::kSucceedButReport:
        v.kind = Verdict::Kind::kSucceedButReport;
        v.rv = rule.action.rv;
        v.faults.push_back({rule_no, n, "succeed-but-report:" + RvText(rule.action.rv)});
        break;
      case FaultAction::Kind::kRemoved: {
        Removal r;
        r.all = !(rule.slot || rule.token) || !call.slot;
        r.slot = call.slot.value_or(0);
        r.until_seq = rule.action.removed_for ? v.seq + rule.action.removed_for : 0;
        r.rule = rule_no;
        removals_.push_back(r);
        v.removal_started = true;
        if (!r.all) v.removed_slot = r.slot;
        std::string what = "removed";
        if (rule.action.removed_for) what += "-for-" + std::to_string(rule.action.removed_for);
        if (scope != CallScope::kModule && call.function != Pkcs11Function::kC_GetSlotInfo) {
          v.kind = Verdict::Kind::kFail;
          v.rv = scope == CallScope::kSlot ? CKR_TOKEN_NOT_PRESENT : CKR_DEVICE_REMOVED;
          what += ":" + RvText(v.rv);
        }
        v.faults.push_back({rule_no, n, what});
        break;
      }
      case FaultAction::Kind::kCorrupt:
      case FaultAction::Kind::kLatency:
        break;
    }
    if (rule.then_operation_active && call.session && v.kind != Verdict::Kind::kForward) {
      stuck_[*call.session][FunctionFamily(call.function)] = rule_no;
      v.faults.back().fault += "+then-operation-active";
    }
  }
  return v;
}

std::optional<Corruption> FaultInjector::AfterOutput(const CallInfo& call, Verdict& verdict,
                                                     const std::vector<size_t>& part_lengths) {
  std::vector<size_t> parts;
  for (size_t i = 0; i < part_lengths.size(); ++i) {
    if (part_lengths[i] > 0) parts.push_back(i);
  }
  if (parts.empty()) return std::nullopt;
  std::lock_guard<std::mutex> lock(mu_);
  const int f = static_cast<int>(call.function);
  ++outputs_[{f, false, 0}];
  ++outputs_[{-1, false, 0}];
  if (call.slot) {
    ++outputs_[{f, true, *call.slot}];
    ++outputs_[{-1, true, *call.slot}];
  }
  for (size_t i = 0; i < plan_.rules.size(); ++i) {
    const FaultRule& rule = plan_.rules[i];
    if (rule.action.kind != FaultAction::Kind::kCorrupt) continue;
    if (!Matches(rule, call)) continue;
    const uint64_t n = outputs_[KeyFor(rule, call)];
    if (!Fires(rule, i, n)) continue;
    if (rule.max && fired_[i] >= rule.max) continue;
    ++fired_[i];
    const uint64_t h = HashDecision(plan_.seed ^ 0xC0991A7Eull, i + 1, n);
    Corruption c;
    c.part = parts[h % parts.size()];
    c.byte = static_cast<size_t>((h >> 16) % part_lengths[c.part]);
    c.bit = static_cast<int>((h >> 8) & 7);
    verdict.faults.push_back({static_cast<int>(i) + 1, n,
                              "corrupt:part=" + std::to_string(c.part) + ",byte=" + std::to_string(c.byte) +
                                  ",bit=" + std::to_string(c.bit)});
    return c;
  }
  return std::nullopt;
}

std::string FaultInjector::LineStart(const char* kind, const CallInfo& call, const Verdict& v,
                                     uint64_t call_no) {
  std::string s = std::string(kind) + " seq=" + std::to_string(v.seq) + " fn=" + FunctionName(call.function) +
                  " call=" + std::to_string(call_no) + " slot=" + (call.slot ? std::to_string(*call.slot) : "-");
  if (call.session) s += " session=" + std::to_string(*call.session);
  return s;
}

void FaultInjector::Finish(const CallInfo& call, const Verdict& v, std::optional<unsigned long> real_rv,
                           unsigned long returned_rv) {
  std::lock_guard<std::mutex> lock(mu_);
  if (v.faults.empty() && !log_calls_) return;  // the common case: nothing to write
  const std::string tail = " rv=" + RvText(returned_rv) + " real=" + (real_rv ? RvText(*real_rv) : "not-called");
  for (const InjectedFault& fault : v.faults) {
    AppendLine(LineStart("injected", call, v, fault.call) + " rule=" + std::to_string(fault.rule) +
               " fault=" + fault.fault + tail);
    ++stats_[static_cast<int>(call.function)].second;
  }
  if (v.faults.empty() && log_calls_) AppendLine(LineStart("forwarded", call, v, v.call) + tail);
}

std::optional<int> FaultInjector::RemovedBy(unsigned long slot) {
  std::lock_guard<std::mutex> lock(mu_);
  CallInfo c;
  c.slot = slot;
  const Removal* r = ActiveRemoval(c, seq_);
  if (!r) return std::nullopt;
  return r->rule;
}

bool FaultInjector::AnyRemoved() {
  std::lock_guard<std::mutex> lock(mu_);
  for (const Removal& r : removals_) {
    if (r.until_seq == 0 || seq_ <= r.until_seq) return true;
  }
  return false;
}

void FaultInjector::OnSessionOpened(unsigned long session, unsigned long slot) {
  std::lock_guard<std::mutex> lock(mu_);
  session_slot_[session] = slot;
  stuck_.erase(session);
}

void FaultInjector::OnSessionClosed(unsigned long session) {
  std::lock_guard<std::mutex> lock(mu_);
  session_slot_.erase(session);
  stuck_.erase(session);
}

void FaultInjector::OnAllSessionsClosed(unsigned long slot) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = session_slot_.begin(); it != session_slot_.end();) {
    if (it->second == slot) {
      stuck_.erase(it->first);
      it = session_slot_.erase(it);
    } else {
      ++it;
    }
  }
}

void FaultInjector::OnSlotSessionsDropped(std::optional<unsigned long> slot) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [session, s] : session_slot_) {
    if (!slot || s == *slot) stuck_.erase(session);
  }
  if (!slot) stuck_.clear();
}

void FaultInjector::OnFinalize() {
  std::lock_guard<std::mutex> lock(mu_);
  session_slot_.clear();
  stuck_.clear();
  labels_.clear();
}

void FaultInjector::OnTokensChanged() {
  std::lock_guard<std::mutex> lock(mu_);
  labels_.clear();
}

std::optional<unsigned long> FaultInjector::SlotOfSession(unsigned long session) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = session_slot_.find(session);
  if (it == session_slot_.end()) return std::nullopt;
  return it->second;
}

void FaultInjector::LogError(const std::string& message) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string line = "error " + message;
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  AppendLine(line);
}

std::vector<std::string> FaultInjector::TakeLogLines() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> lines(log_.begin(), log_.end());
  log_.clear();
  return lines;
}

size_t FaultInjector::TakeLog(char* buf, size_t len) {
  if (!buf || len == 0) return 0;
  std::lock_guard<std::mutex> lock(mu_);
  size_t used = 0;
  while (!log_.empty()) {
    const std::string& line = log_.front();
    if (used + line.size() + 1 > len - 1) {
      if (used == 0) {  // one line longer than the buffer: hand over what fits
        used = len - 1;
        std::memcpy(buf, line.data(), used);
        log_.pop_front();
      }
      break;
    }
    std::memcpy(buf + used, line.data(), line.size());
    used += line.size();
    buf[used++] = '\n';
    log_.pop_front();
  }
  buf[used] = '\0';
  return used;
}

std::string FaultInjector::Stats() {
  std::lock_guard<std::mutex> lock(mu_);
  std::string s;
  uint64_t calls = 0, injected = 0;
  for (const auto& [f, c] : stats_) {
    s += std::string(FunctionName(static_cast<Pkcs11Function>(f))) + " calls=" + std::to_string(c.first) +
         " injected=" + std::to_string(c.second) + "\n";
    calls += c.first;
    injected += c.second;
  }
  s += "total calls=" + std::to_string(calls) + " injected=" + std::to_string(injected) + "\n";
  return s;
}

}  // namespace rollcage::faults
