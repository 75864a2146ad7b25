#include "harness/faults/pkcs11/chaos_control.h"

#include <dlfcn.h>

#include <charconv>

namespace rollcage::faults {
namespace {

std::optional<uint64_t> Number(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

Result<ChaosLogLine> ParseChaosLogLine(std::string_view line) {
  ChaosLogLine out;
  out.text = std::string(line);
  size_t sp = line.find(' ');
  out.kind = std::string(line.substr(0, sp));
  if (out.kind.empty()) return BadInput("empty chaos log line");
  if (out.kind == "error" || sp == std::string_view::npos) return out;
  std::string_view rest = line.substr(sp + 1);
  while (!rest.empty()) {
    size_t end = rest.find(' ');
    std::string_view field = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    size_t eq = field.find('=');
    if (eq == std::string_view::npos) return BadInput("chaos log field without '=': '" + std::string(field) + "'");
    std::string_view key = field.substr(0, eq), value = field.substr(eq + 1);
    auto num = [&](auto& dst) -> Status {
      auto v = Number(value);
      if (!v) return BadInput("chaos log field " + std::string(key) + " is not a number: '" + std::string(value) + "'");
      dst = static_cast<std::remove_reference_t<decltype(dst)>>(*v);
      return Status::Ok();
    };
    if (key == "seq") {
      RC_RETURN_IF_ERROR(num(out.seq));
    } else if (key == "fn") {
      out.function = std::string(value);
    } else if (key == "call") {
      RC_RETURN_IF_ERROR(num(out.call));
    } else if (key == "slot") {
      if (value != "-") {
        unsigned long slot = 0;
        RC_RETURN_IF_ERROR(num(slot));
        out.slot = slot;
      }
    } else if (key == "session") {
      unsigned long session = 0;
      RC_RETURN_IF_ERROR(num(session));
      out.session = session;
    } else if (key == "rule") {
      RC_RETURN_IF_ERROR(num(out.rule));
    } else if (key == "fault") {
      out.fault = std::string(value);
    } else if (key == "rv") {
      out.rv = std::string(value);
    } else if (key == "real") {
      out.real = std::string(value);
    }
  }
  return out;
}

Result<ChaosControl> ChaosControl::Load(const std::string& module_path) {
  void* handle = dlopen(module_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    return EnvironmentError("cannot load the chaos PKCS#11 module " + module_path + ": " + (why ? why : "?"));
  }
  return FromHandle(handle);
}

Result<ChaosControl> ChaosControl::FromHandle(void* dl_handle) {
  ChaosControl c;
  c.handle_ = dl_handle;
  auto get_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(dl_handle, "C_GetFunctionList"));
  c.set_plan_ = reinterpret_cast<rollcage_chaos_set_plan_fn>(dlsym(dl_handle, "rollcage_chaos_set_plan"));
  c.take_log_ = reinterpret_cast<rollcage_chaos_take_log_fn>(dlsym(dl_handle, "rollcage_chaos_take_log"));
  c.get_plan_ = reinterpret_cast<rollcage_chaos_get_plan_fn>(dlsym(dl_handle, "rollcage_chaos_get_plan"));
  c.stats_ = reinterpret_cast<rollcage_chaos_stats_fn>(dlsym(dl_handle, "rollcage_chaos_stats"));
  if (!get_list || !c.set_plan_ || !c.take_log_ || !c.get_plan_ || !c.stats_) {
    return EnvironmentError("the loaded module is not the rollcage chaos PKCS#11 module (control entry points missing)");
  }
  if (get_list(&c.functions_) != CKR_OK || !c.functions_) {
    return EnvironmentError("C_GetFunctionList of the chaos PKCS#11 module failed");
  }
  return c;
}

Status ChaosControl::SetPlan(const FaultPlan& plan) {
  for (size_t i = 0; i < plan.rules.size(); ++i) {
    Status st = ValidateFaultRule(plan.rules[i]);
    if (!st.ok()) return st.WithContext("fault plan rule " + std::to_string(i + 1));
  }
  return SetPlanText(FaultPlanToText(plan));
}

Status ChaosControl::SetPlanText(std::string_view text) {
  std::string copy(text);
  char error[1024];
  if (set_plan_(copy.c_str(), error, sizeof error) != 0) return BadInput(error);
  return Status::Ok();
}

std::string ChaosControl::PlanText() const {
  size_t n = get_plan_(nullptr, 0);
  std::string s(n + 1, '\0');
  get_plan_(s.data(), s.size());
  s.resize(n);
  return s;
}

std::string ChaosControl::Stats() const {
  size_t n = stats_(nullptr, 0);
  std::string s(n + 1, '\0');
  stats_(s.data(), s.size());
  s.resize(n);
  return s;
}

std::vector<ChaosLogLine> ChaosControl::TakeLog() {
  std::vector<ChaosLogLine> lines;
  std::vector<char> buf(64 * 1024);
  for (;;) {
    size_t n = take_log_(buf.data(), buf.size());
    if (n == 0) break;
    std::string_view chunk(buf.data(), n);
    while (!chunk.empty()) {
      size_t nl = chunk.find('\n');
      std::string_view line = chunk.substr(0, nl);
      chunk = nl == std::string_view::npos ? std::string_view() : chunk.substr(nl + 1);
      if (line.empty()) continue;
      auto parsed = ParseChaosLogLine(line);
      if (parsed.ok()) {
        lines.push_back(std::move(*parsed));
      } else {
        ChaosLogLine raw;
        raw.kind = "unparsed";
        raw.text = std::string(line);
        lines.push_back(std::move(raw));
      }
    }
  }
  return lines;
}

std::vector<ChaosLogLine> ChaosControl::TakeInjected() {
  std::vector<ChaosLogLine> injected;
  for (auto& line : TakeLog()) {
    if (line.kind == "injected") injected.push_back(std::move(line));
  }
  return injected;
}

}  // namespace rollcage::faults
