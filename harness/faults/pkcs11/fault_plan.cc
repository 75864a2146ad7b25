#include "harness/faults/pkcs11/fault_plan.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "base/ckr.h"
#include "base/file.h"

namespace rollcage::faults {
namespace {

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    if (i >= line.size() || line[i] == '#') break;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
    words.push_back(line.substr(i, j - i));
    i = j;
  }
  return words;
}

// A decimal (or, with allow_hex, 0x-prefixed hexadecimal) unsigned 64-bit number, all of s.
std::optional<uint64_t> ParseUint(std::string_view s, bool allow_hex = false) {
  int base = 10;
  if (allow_hex && s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> ParseDouble(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// "200ms", "2s", "150us" -> microseconds.
std::optional<uint64_t> ParseLatency(std::string_view s) {
  uint64_t scale = 0;
  if (s.size() > 2 && s.substr(s.size() - 2) == "ms") {
    scale = 1000;
    s.remove_suffix(2);
  } else if (s.size() > 2 && s.substr(s.size() - 2) == "us") {
    scale = 1;
    s.remove_suffix(2);
  } else if (s.size() > 1 && s.back() == 's') {
    scale = 1000 * 1000;
    s.remove_suffix(1);
  } else {
    return std::nullopt;
  }
  auto n = ParseUint(s);
  if (!n || *n > kMaxLatencyUs / scale) return std::nullopt;
  return *n * scale;
}

std::optional<unsigned long> ParseRv(std::string_view s) {
  if (s.empty()) return std::nullopt;
  return CkrFromName(std::string(s));
}

std::string RvText(unsigned long rv) {
  std::string name = CkrName(rv);
  if (name.rfind("CKR_0x", 0) == 0) {  // no symbolic name: print hex, which parses back
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%lX", rv);
    return buf;
  }
  return name;
}

std::string DoubleText(double d) {
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, ec == std::errc() ? p : buf);
}

// Parses the words of one rule line.
Result<FaultRule> ParseRule(const std::vector<std::string_view>& w) {
  FaultRule rule;
  size_t i = 0;
  auto need = [&](const char* what) -> Result<std::string_view> {
    if (i >= w.size()) return BadInput(std::string("missing ") + what);
    return w[i++];
  };

  // FUNCTION
  RC_ASSIGN_OR_RETURN(std::string_view fname, need("function"));
  if (fname != "*") {
    auto f = FunctionFromName(fname);
    if (!f) return BadInput("unknown PKCS#11 function '" + std::string(fname) + "'");
    rule.function = *f;
  }

  // TRIGGER
  RC_ASSIGN_OR_RETURN(std::string_view trig, need("trigger (call, calls, every, after, prob, always)"));
  if (trig == "always") {
    rule.trigger.kind = Trigger::Kind::kAlways;
    rule.trigger.first = 1;
  } else if (trig == "call" || trig == "every" || trig == "after") {
    RC_ASSIGN_OR_RETURN(std::string_view n, need("call count"));
    auto v = ParseUint(n);
    if (!v) return BadInput("'" + std::string(trig) + "' needs a number, got '" + std::string(n) + "'");
    if (trig != "after" && *v == 0) return BadInput("calls are numbered from 1: '" + std::string(trig) + " 0'");
    rule.trigger.kind = trig == "call" ? Trigger::Kind::kCall
                        : trig == "every" ? Trigger::Kind::kEvery
                                          : Trigger::Kind::kAfter;
    rule.trigger.first = *v;
  } else if (trig == "calls") {
    RC_ASSIGN_OR_RETURN(std::string_view range, need("call range N-M"));
    size_t dash = range.find('-');
    std::optional<uint64_t> a, b;
    if (dash != std::string_view::npos) {
      a = ParseUint(range.substr(0, dash));
      b = ParseUint(range.substr(dash + 1));
    }
    if (!a || !b) return BadInput("'calls' needs a range N-M, got '" + std::string(range) + "'");
    if (*a == 0 || *b < *a) return BadInput("bad call range '" + std::string(range) + "' (need 1 <= N <= M)");
    rule.trigger.kind = Trigger::Kind::kCalls;
    rule.trigger.first = *a;
    rule.trigger.last = *b;
  } else if (trig == "prob") {
    RC_ASSIGN_OR_RETURN(std::string_view p, need("probability"));
    auto v = ParseDouble(p);
    if (!v || !(*v > 0) || *v > 1) return BadInput("'prob' needs a number in (0, 1], got '" + std::string(p) + "'");
    rule.trigger.kind = Trigger::Kind::kProb;
    rule.trigger.first = 1;
    rule.trigger.probability = *v;
  } else {
    return BadInput("unknown trigger '" + std::string(trig) + "' (call, calls, every, after, prob, always)");
  }

  // ACTION
  RC_ASSIGN_OR_RETURN(std::string_view act,
                      need("action (rv, succeed-but-report, corrupt, latency, removed)"));
  if (act == "rv" || act == "succeed-but-report") {
    RC_ASSIGN_OR_RETURN(std::string_view name, need("CK_RV"));
    auto rv = ParseRv(name);
    if (!rv) return BadInput("unknown CK_RV '" + std::string(name) + "'");
    rule.action.kind = act == "rv" ? FaultAction::Kind::kRv : FaultAction::Kind::kSucceedButReport;
    rule.action.rv = *rv;
  } else if (act == "corrupt") {
    rule.action.kind = FaultAction::Kind::kCorrupt;
  } else if (act == "latency") {
    RC_ASSIGN_OR_RETURN(std::string_view d, need("duration"));
    auto us = ParseLatency(d);
    if (!us) {
      return BadInput("'latency' needs a duration such as 200ms, 2s or 500us (at most 60s), got '" +
                      std::string(d) + "'");
    }
    rule.action.kind = FaultAction::Kind::kLatency;
    rule.action.latency_us = *us;
  } else if (act == "removed") {
    rule.action.kind = FaultAction::Kind::kRemoved;
    if (i < w.size() && w[i] == "for") {
      ++i;
      RC_ASSIGN_OR_RETURN(std::string_view n, need("call count after 'removed for'"));
      auto v = ParseUint(n);
      if (!v || *v == 0) return BadInput("'removed for' needs a call count >= 1, got '" + std::string(n) + "'");
      rule.action.removed_for = *v;
    }
  } else {
    return BadInput("unknown action '" + std::string(act) +
                    "' (rv, succeed-but-report, corrupt, latency, removed)");
  }

  // MODIFIERS
  bool have_max = false;
  while (i < w.size()) {
    std::string_view m = w[i++];
    if (m == "slot") {
      if (rule.slot || rule.token) return BadInput("more than one slot or token filter");
      RC_ASSIGN_OR_RETURN(std::string_view id, need("slot ID"));
      auto v = ParseUint(id, /*allow_hex=*/true);
      if (!v || *v > std::numeric_limits<unsigned long>::max()) {
        return BadInput("bad slot ID '" + std::string(id) + "'");
      }
      rule.slot = static_cast<unsigned long>(*v);
    } else if (m == "token") {
      if (rule.slot || rule.token) return BadInput("more than one slot or token filter");
      RC_ASSIGN_OR_RETURN(std::string_view label, need("token label"));
      rule.token = std::string(label);
    } else if (m == "max") {
      if (have_max) return BadInput("'max' given twice");
      RC_ASSIGN_OR_RETURN(std::string_view n, need("count after 'max'"));
      auto v = ParseUint(n);
      if (!v || *v == 0) return BadInput("'max' needs a count >= 1, got '" + std::string(n) + "'");
      rule.max = *v;
      have_max = true;
    } else if (m == "then") {
      RC_ASSIGN_OR_RETURN(std::string_view what, need("'operation-active' after 'then'"));
      if (what != "operation-active") {
        return BadInput("unknown 'then " + std::string(what) + "' (only 'then operation-active')");
      }
      if (rule.then_operation_active) return BadInput("'then operation-active' given twice");
      rule.then_operation_active = true;
    } else {
      return BadInput("unexpected '" + std::string(m) + "' (modifiers: slot, token, max, then)");
    }
  }
  RC_RETURN_IF_ERROR(ValidateFaultRule(rule));
  return rule;
}

}  // namespace

Status ValidateFaultRule(const FaultRule& rule) {
  const std::string fname = rule.function ? FunctionName(*rule.function) : "*";
  if (rule.function == Pkcs11Function::kC_GetFunctionList) {
    return BadInput("C_GetFunctionList cannot fail (a consumer needs it to reach the module)");
  }
  switch (rule.trigger.kind) {
    case Trigger::Kind::kCall:
    case Trigger::Kind::kEvery:
      if (rule.trigger.first == 0) return BadInput("calls are numbered from 1");
      break;
    case Trigger::Kind::kCalls:
      if (rule.trigger.first == 0 || rule.trigger.last < rule.trigger.first) {
        return BadInput("bad call range (need 1 <= N <= M)");
      }
      break;
    case Trigger::Kind::kProb:
      if (!(rule.trigger.probability > 0) || rule.trigger.probability > 1) {
        return BadInput("probability must be in (0, 1]");
      }
      break;
    case Trigger::Kind::kAfter:
    case Trigger::Kind::kAlways:
      break;
  }
  switch (rule.action.kind) {
    case FaultAction::Kind::kRv:
    case FaultAction::Kind::kSucceedButReport:
      if (rule.action.rv == 0) {
        return BadInput("CKR_OK is not a fault (it would report success for a call that was not made)");
      }
      break;
    case FaultAction::Kind::kCorrupt:
      if (rule.function && !FunctionHasOutput(*rule.function)) {
        return BadInput(fname + " returns no output to corrupt");
      }
      break;
    case FaultAction::Kind::kLatency:
      if (rule.action.latency_us > kMaxLatencyUs) return BadInput("latency above 60s");
      break;
    case FaultAction::Kind::kRemoved:
      break;
  }
  if (rule.then_operation_active) {
    if (rule.action.kind != FaultAction::Kind::kRv && rule.action.kind != FaultAction::Kind::kSucceedButReport) {
      return BadInput("'then operation-active' follows a failed call: it needs rv or succeed-but-report");
    }
    if (!rule.function || FunctionFamily(*rule.function) == OperationFamily::kNone ||
        FunctionRole(*rule.function) == OperationRole::kInit) {
      return BadInput("'then operation-active' needs an operation call such as C_Sign, C_SignUpdate or "
                      "C_SignFinal, not " + fname);
    }
  }
  if (rule.token) {
    if (rule.token->empty() || rule.token->size() > 32) return BadInput("a token label has 1 to 32 characters");
    for (char c : *rule.token) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '#' || c == '\0') {
        return BadInput("token label '" + *rule.token + "' has a blank or '#' (plans name tokens by one word)");
      }
    }
  }
  return Status::Ok();
}

Result<FaultPlan> ParseFaultPlan(std::string_view text, std::string_view source) {
  FaultPlan plan;
  bool have_seed = false;
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    auto where = [&] { return std::string(source) + ":" + std::to_string(line_no) + ": "; };
    if (line.find('\0') != std::string_view::npos) return BadInput(where() + "NUL byte in plan text");
    std::vector<std::string_view> w = Words(line);
    if (w.empty()) continue;
    if (w[0] == "seed") {
      if (have_seed) return BadInput(where() + "'seed' given twice");
      if (w.size() != 2) return BadInput(where() + "'seed' takes one number");
      auto v = ParseUint(w[1]);
      if (!v) return BadInput(where() + "bad seed '" + std::string(w[1]) + "'");
      plan.seed = *v;
      have_seed = true;
      continue;
    }
    auto rule = ParseRule(w);
    if (!rule.ok()) return BadInput(where() + rule.status().message());
    rule->line = line_no;
    plan.rules.push_back(std::move(*rule));
  }
  return plan;
}

Result<FaultPlan> LoadFaultPlan(const std::string& path) {
  RC_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseFaultPlan(text, path);
}

std::string FormatLatency(uint64_t us) {
  if (us != 0 && us % 1000000 == 0) return std::to_string(us / 1000000) + "s";
  if (us % 1000 == 0) return std::to_string(us / 1000) + "ms";
  return std::to_string(us) + "us";
}

std::string FaultRuleToText(const FaultRule& r) {
  std::string s = r.function ? FunctionName(*r.function) : "*";
  switch (r.trigger.kind) {
    case Trigger::Kind::kCall: s += " call " + std::to_string(r.trigger.first); break;
    case Trigger::Kind::kCalls:
      s += " calls " + std::to_string(r.trigger.first) + "-" + std::to_string(r.trigger.last);
      break;
    case Trigger::Kind::kEvery: s += " every " + std::to_string(r.trigger.first); break;
    case Trigger::Kind::kAfter: s += " after " + std::to_string(r.trigger.first); break;
    case Trigger::Kind::kProb: s += " prob " + DoubleText(r.trigger.probability); break;
    case Trigger::Kind::kAlways: s += " always"; break;
  }
  switch (r.action.kind) {
    case FaultAction::Kind::kRv: s += " rv " + RvText(r.action.rv); break;
    case FaultAction::Kind::kSucceedButReport: s += " succeed-but-report " + RvText(r.action.rv); break;
    case FaultAction::Kind::kCorrupt: s += " corrupt"; break;
    case FaultAction::Kind::kLatency: s += " latency " + FormatLatency(r.action.latency_us); break;
    case FaultAction::Kind::kRemoved:
      s += " removed";
      if (r.action.removed_for) s += " for " + std::to_string(r.action.removed_for);
      break;
  }
  if (r.slot) s += " slot " + std::to_string(*r.slot);
  if (r.token) s += " token " + *r.token;
  if (r.max) s += " max " + std::to_string(r.max);
  if (r.then_operation_active) s += " then operation-active";
  return s;
}

std::string FaultPlanToText(const FaultPlan& plan) {
  std::string s = "seed " + std::to_string(plan.seed) + "\n";
  for (const FaultRule& r : plan.rules) s += FaultRuleToText(r) + "\n";
  return s;
}

}  // namespace rollcage::faults
