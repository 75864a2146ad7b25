// Flags shared by `rollcage keygen` and `rollcage sign`: the PKCS#11 token spec and the algorithm.
#ifndef ROLLCAGE_TOOLS_SIGNER_FLAGS_H_
#define ROLLCAGE_TOOLS_SIGNER_FLAGS_H_

#include <optional>
#include <vector>

#include "base/status.h"
#include "signer-under-test/algorithm.h"
#include "signer-under-test/pkcs11_key_store.h"
#include "tools/cli/command.h"

namespace rollcage::tools {

// --pkcs11 MODULE, --token-dir DIR, --token LABEL, --slot N, --pin PIN, --so-pin PIN.
std::vector<cli::Flag> Pkcs11Flags();

// The PKCS#11 options when --pkcs11 or --token-dir is given, else nullopt. MODULE "softhsm" (or
// "default") is $ROLLCAGE_PKCS11_MODULE or SoftHSMv2's module; the PIN defaults to
// $ROLLCAGE_PKCS11_PIN and the SO PIN to $ROLLCAGE_PKCS11_SO_PIN, then to the PIN.
Result<std::optional<signer::Pkcs11Options>> Pkcs11OptionsFromArgs(const cli::Args& args);

// --algorithm (default ECDSAP256SHA256).
Result<signer::Algorithm> AlgorithmFromArgs(const cli::Args& args);

}  // namespace rollcage::tools

#endif  // ROLLCAGE_TOOLS_SIGNER_FLAGS_H_
