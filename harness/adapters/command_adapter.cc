#include "harness/adapters/command_adapter.h"

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "base/file.h"
#include "base/subprocess.h"
#include "dns/zone.h"

namespace rollcage::harness {
namespace {

constexpr int kExitUnsupported = 64;
constexpr int kExitRefused = 3;

}  // namespace

Result<std::unique_ptr<CommandAdapter>> CommandAdapter::Create(const Scenario& scenario,
                                                               CommandAdapterOptions options) {
  if (options.command.empty()) return UsageError("no signer command given");
  if (!ProgramInPath(options.command)) return EnvironmentError(options.command + ": signer command not found");
  std::unique_ptr<CommandAdapter> a(new CommandAdapter());
  a->scenario_ = scenario;
  a->options_ = std::move(options);
  std::error_code ec;
  std::filesystem::remove_all(a->options_.state_dir, ec);
  RC_RETURN_IF_ERROR(MakeDirs(a->options_.state_dir + "/io"));
  return a;
}

Result<std::string> CommandAdapter::Run(const std::vector<std::string>& verb, UnixTime now, int* exit_code) {
  std::vector<std::string> argv = {options_.command};
  argv.insert(argv.end(), verb.begin(), verb.end());
  RunOptions ro;
  std::string io = options_.state_dir + "/io";
  ro.env = {{"ROLLCAGE_STATE_DIR", options_.state_dir},
            {"ROLLCAGE_ORIGIN", scenario_.origin.ToText()},
            {"ROLLCAGE_NOW", std::to_string(now)},
            {"ROLLCAGE_ALGORITHM", std::to_string(scenario_.algorithm)},
            {"ROLLCAGE_DENIAL", scenario_.denial},
            {"ROLLCAGE_UNSIGNED", io + "/unsigned.zone"},
            {"ROLLCAGE_PARENT_DS", io + "/parent.ds"},
            {"ROLLCAGE_OUT", io + "/signed.zone"},
            {"ROLLCAGE_DS_OUT", io + "/ds.want"}};
  ro.timeout_seconds = options_.timeout_seconds;
  auto r = RunCommand(argv, ro);
  if (!r.ok()) return r.status();
  if (r->timed_out) return InternalError(options_.command + " " + verb[0] + ": timed out");
  *exit_code = r->exit_code;
  for (std::istringstream in(r->err); ;) {
    std::string line;
    if (!std::getline(in, line)) break;
    if (!line.empty()) notes_.push_back(options_.command + ": " + line);
  }
  return r->out;
}

Status CommandAdapter::Start() {
  int code = 0;
  auto out = Run({"start"}, 0, &code);
  if (!out.ok()) return out.status();
  if (code != 0 && code != kExitUnsupported) {
    return InternalError(options_.command + " start: exit " + std::to_string(code));
  }
  running_ = true;
  return Status::Ok();
}

Result<TickOutput> CommandAdapter::Tick(const TickInput& in) {
  std::string io = options_.state_dir + "/io";
  RC_RETURN_IF_ERROR(in.unsigned_zone->Save(io + "/unsigned.zone"));
  std::string ds;
  for (const auto& rr : in.parent_ds) ds += rr.ToText() + "\n";
  RC_RETURN_IF_ERROR(WriteFileAtomic(io + "/parent.ds", ds));
  std::error_code ec;
  std::filesystem::remove(io + "/signed.zone", ec);
  std::filesystem::remove(io + "/ds.want", ec);
  int code = 0;
  auto out = Run({"tick"}, in.signer_now, &code);
  if (!out.ok()) return out.status();
  TickOutput t;
  t.next_wakeup = in.signer_now + 3600;
  std::istringstream lines(*out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("next-wakeup ", 0) == 0) {
      t.next_wakeup = std::strtoll(line.c_str() + 12, nullptr, 10);
    } else if (!line.empty()) {
      t.notes.push_back(line);
    }
  }
  t.notes.insert(t.notes.end(), notes_.begin(), notes_.end());
  notes_.clear();
  if (code == kExitRefused) {
    t.refused = true;
    t.refusal = options_.command + " refused to sign (exit 3)";
    return t;
  }
  if (code != 0) return InternalError(options_.command + " tick: exit " + std::to_string(code));
  if (std::filesystem::exists(io + "/signed.zone", ec)) {
    auto z = dns::Zone::Load(io + "/signed.zone", {.origin = scenario_.origin});
    if (!z.ok()) return InternalError("the signer's output does not load: " + z.status().message());
    t.zone = std::move(z).value();
  }
  if (std::filesystem::exists(io + "/ds.want", ec)) {
    auto text = ReadFile(io + "/ds.want");
    if (!text.ok()) return text.status();
    auto dz = dns::Zone::Parse(*text, {.origin = scenario_.origin}, "ds.want");
    if (!dz.ok()) return InternalError("the signer's DS request does not load: " + dz.status().message());
    {
      std::vector<dns::RR> want;
      for (const auto& rr : dz->records()) {
        if (rr.type == dns::rrtype::kDS) want.push_back(rr);
      }
      t.ds_request = std::move(want);
    }
  }
  return t;
}

Status CommandAdapter::Keygen(KeyRole role, bool collide, UnixTime now) {
  int code = 0;
  auto out = Run({"keygen", KeyRoleName(role), collide ? "collide" : "normal"}, now, &code);
  if (!out.ok()) return out.status();
  if (code == kExitUnsupported) return Status::Ok();  // the signer has no standby keys: nothing to do
  if (code != 0) return KeyError(options_.command + " keygen: exit " + std::to_string(code));
  return Status::Ok();
}

Status CommandAdapter::Rollover(KeyRole role, UnixTime now) {
  int code = 0;
  auto out = Run({"rollover", KeyRoleName(role)}, now, &code);
  if (!out.ok()) return out.status();
  if (code == kExitUnsupported) return Status::Ok();
  if (code != 0) return KeyError(options_.command + " rollover: exit " + std::to_string(code));
  return Status::Ok();
}

Status CommandAdapter::RolloverAlgorithm(uint8_t algorithm, UnixTime now) {
  int code = 0;
  auto out = Run({"rollover-algorithm", std::to_string(algorithm)}, now, &code);
  if (!out.ok()) return out.status();
  if (code == kExitUnsupported) return Status::Ok();
  if (code != 0) return KeyError(options_.command + " rollover-algorithm: exit " + std::to_string(code));
  return Status::Ok();
}

Status CommandAdapter::InjectHsmFault(int hsm, const std::string& spec) {
  notes_.push_back("(external signer: HSM fault not applied) " + spec);
  return Status::Ok();
}

std::vector<std::string> CommandAdapter::TakeInjectedFaults() { return {}; }

}  // namespace rollcage::harness
