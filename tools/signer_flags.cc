#include "tools/signer_flags.h"

#include <cstdlib>

namespace rollcage::tools {

std::vector<cli::Flag> Pkcs11Flags() {
  return {
      {"pkcs11", "MODULE", "keys on a PKCS#11 token: module path, or 'softhsm' for $ROLLCAGE_PKCS11_MODULE or SoftHSMv2"},
      {"token-dir", "DIR", "SoftHSMv2 token directory (written and initialised if new; implies --pkcs11 softhsm)"},
      {"token", "LABEL", "token label (default rollcage); a free slot is initialised when no token has it"},
      {"slot", "N", "use the token in this slot instead of finding it by label"},
      {"pin", "PIN", "user PIN (default $ROLLCAGE_PKCS11_PIN)"},
      {"so-pin", "PIN", "SO PIN for initialising a token (default $ROLLCAGE_PKCS11_SO_PIN, else the user PIN)"},
  };
}

Result<std::optional<signer::Pkcs11Options>> Pkcs11OptionsFromArgs(const cli::Args& args) {
  bool wanted = args.Has("pkcs11") || args.Has("token-dir");
  if (!wanted) {
    for (const char* f : {"token", "slot", "pin", "so-pin"}) {
      if (args.Has(f)) return UsageError(std::string("--") + f + " needs --pkcs11 MODULE or --token-dir DIR");
    }
    return std::optional<signer::Pkcs11Options>();
  }
  signer::Pkcs11Options o;
  std::string module = args.Get("pkcs11", "softhsm");
  o.module_path = (module == "softhsm" || module == "default") ? signer::DefaultPkcs11ModulePath() : module;
  o.softhsm_dir = args.Get("token-dir");
  o.token_label = args.Get("token", "rollcage");
  if (args.Has("slot")) {
    RC_ASSIGN_OR_RETURN(long long slot, args.GetInt("slot", 0));
    if (slot < 0) return UsageError("--slot must not be negative");
    o.slot = static_cast<unsigned long>(slot);
  }
  const char* env_pin = std::getenv("ROLLCAGE_PKCS11_PIN");
  const char* env_so = std::getenv("ROLLCAGE_PKCS11_SO_PIN");
  o.pin = args.Get("pin", env_pin ? env_pin : "");
  o.so_pin = args.Get("so-pin", env_so ? env_so : "");
  if (o.pin.empty()) return UsageError("PKCS#11 needs a user PIN: --pin PIN or ROLLCAGE_PKCS11_PIN");
  return std::optional<signer::Pkcs11Options>(o);
}

Result<signer::Algorithm> AlgorithmFromArgs(const cli::Args& args) {
  if (!args.Has("algorithm")) return signer::Algorithm::kEcdsaP256Sha256;
  auto a = signer::ParseAlgorithm(args.Get("algorithm"));
  if (!a.ok()) return a.status().WithContext("--algorithm");
  return a;
}

}  // namespace rollcage::tools
