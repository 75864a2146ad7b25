// CommandAdapter: drives an external signer run as a command (docs/adapters.md, "External
// signers"). Each tick runs `CMD tick` with the unsigned zone, the parent's DS RRset and the
// signer's clock in files and environment variables; the command writes the signed zone (and the
// DS set it wants at the parent) and may print "next-wakeup SECONDS" and note lines. State lives in
// a directory the command owns, so a "crash" is just the process not being asked until a restart.
#ifndef ROLLCAGE_HARNESS_ADAPTERS_COMMAND_ADAPTER_H_
#define ROLLCAGE_HARNESS_ADAPTERS_COMMAND_ADAPTER_H_

#include <memory>
#include <string>
#include <vector>

#include "harness/adapters/signer_adapter.h"

namespace rollcage::harness {

struct CommandAdapterOptions {
  std::string command;    // the executable (argv[0]); receives a verb as argv[1]
  std::string state_dir;  // the signer's own state (created); scratch files live in state_dir/io
  double timeout_seconds = 120;
};

class CommandAdapter : public SignerAdapter {
 public:
  static Result<std::unique_ptr<CommandAdapter>> Create(const Scenario& scenario, CommandAdapterOptions options);

  std::string Name() const override { return "command " + options_.command; }
  Status Start() override;
  void Crash() override { running_ = false; }
  bool Running() const override { return running_; }
  Result<TickOutput> Tick(const TickInput& input) override;
  Status Keygen(KeyRole role, bool collide, UnixTime signer_now) override;
  Status Rollover(KeyRole role, UnixTime signer_now) override;
  Status RolloverAlgorithm(uint8_t algorithm, UnixTime signer_now) override;
  void ArmCrashPoint(const std::string& point) override {}
  Status InjectHsmFault(int hsm, const std::string& spec) override;
  Status SetHsmPresent(int hsm, bool present) override { return Status::Ok(); }
  Result<std::vector<HsmKey>> InspectHsms() override { return std::vector<HsmKey>{}; }
  std::vector<std::string> TakeInjectedFaults() override;

 private:
  CommandAdapter() = default;
  // Runs CMD VERB [args]; exit 64 means "not supported" (kUsage).
  Result<std::string> Run(const std::vector<std::string>& verb, UnixTime now, int* exit_code);

  Scenario scenario_;
  CommandAdapterOptions options_;
  bool running_ = false;
  std::vector<std::string> notes_;
};

}  // namespace rollcage::harness

#endif  // ROLLCAGE_HARNESS_ADAPTERS_COMMAND_ADAPTER_H_
