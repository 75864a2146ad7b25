// Pkcs11KeyStore: a KeyStore on one token of any PKCS#11 module (SoftHSMv2 by default; the chaos
// module or a real HSM work the same way). It can set up a SoftHSM token directory and initialise a
// token there, generates key pairs on the token or imports software-made ones (C_CreateObject), lists
// keys by CKA_ID and CKA_LABEL, and signs through the token. Every CK_RV failure becomes a Status
// naming the PKCS#11 function and the CK_RV ("C_Login: CKR_PIN_INCORRECT"); nothing crashes, and a
// session that failed is closed rather than reused.
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_PKCS11_KEY_STORE_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_PKCS11_KEY_STORE_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signer-under-test/key_store.h"

namespace rollcage::signer {

namespace internal {
class Pkcs11Module;
}

inline constexpr char kDefaultPkcs11Module[] = "/usr/lib/softhsm/libsofthsm2.so";
inline constexpr char kPkcs11ModuleEnv[] = "ROLLCAGE_PKCS11_MODULE";

// The module to load when none is given: $ROLLCAGE_PKCS11_MODULE, else SoftHSMv2's.
std::string DefaultPkcs11ModulePath();

struct Pkcs11Options {
  std::string module_path;  // empty: DefaultPkcs11ModulePath()
  // Non-empty: a SoftHSMv2 token directory. DIR/softhsm2.conf (tokens in DIR/tokens) is written when
  // missing and SOFTHSM2_CONF points at it before the module is initialised. All stores of one
  // module in a process must agree on it.
  std::string softhsm_dir;
  std::string token_label = "rollcage";
  std::optional<unsigned long> slot;  // address a slot directly instead of finding the label
  std::string pin;                    // the user PIN
  std::string so_pin;                 // SO PIN for initialising a token; empty: the user PIN
  // When no token has the label: initialise one on a slot whose token is not initialised yet.
  bool init_token = true;
  int max_threads = 0;  // MaxSigningThreads(); 0: the number of CPUs, at most 8
};

// A token as the module reports it.
struct TokenInfo {
  unsigned long slot = 0;
  std::string label;  // trailing blanks removed
  std::string serial;
  bool initialized = false;
};

class Pkcs11KeyStore : public KeyStore {
 public:
  // Loads (or reuses) the module, finds or initialises the token and logs in.
  static Result<std::unique_ptr<Pkcs11KeyStore>> Open(const Pkcs11Options& options);
  // The tokens of a module (initialises it with options.softhsm_dir like Open does).
  static Result<std::vector<TokenInfo>> ListTokens(const Pkcs11Options& options);
  ~Pkcs11KeyStore() override;

  std::string Describe() const override;
  Result<KeyInfo> Generate(const KeySpec& spec) override;
  Result<KeyInfo> Import(const KeySpec& spec, std::string_view pkcs8_der) override;
  Result<std::vector<KeyInfo>> List() override;
  Result<KeyInfo> Get(const std::string& id) override;
  Result<std::string> Sign(const std::string& id, std::string_view data) override;
  Status Delete(const std::string& id) override;
  int MaxSigningThreads() const override;

  unsigned long slot() const { return slot_; }
  const std::string& token_label() const { return token_label_; }
  const std::string& module_path() const { return module_path_; }

 private:
  struct Session;
  class SessionLease;
  Pkcs11KeyStore() = default;

  Status LoginOn(unsigned long session);
  Result<unsigned long> AcquireSession();
  void ReleaseSession(unsigned long session, bool broken);
  // The private key object with that CKA_ID; *token_failed tells a PKCS#11 failure from "not there".
  Result<unsigned long> FindPrivateKey(unsigned long session, const std::string& id_bytes, bool* token_failed);
  Result<KeyInfo> ReadKey(unsigned long session, unsigned long private_handle);

  std::shared_ptr<internal::Pkcs11Module> module_;
  std::string module_path_;
  std::string token_label_;
  unsigned long slot_ = 0;
  std::string pin_;
  int max_threads_ = 1;

  std::mutex mu_;
  std::vector<unsigned long> idle_sessions_;
  std::map<std::string, unsigned long> private_handles_;  // id -> object handle
  std::map<std::string, KeyInfo> infos_;                 // id -> public half
};

// Writes DIR/softhsm2.conf (tokens under DIR/tokens) when it does not exist yet and returns its path.
Result<std::string> PrepareSoftHsmDir(const std::string& dir);

}  // namespace rollcage::signer

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_PKCS11_KEY_STORE_H_
