// Pkcs11Module: one loaded and initialised PKCS#11 module, shared by every store that uses the same
// module path in this process. C_Initialize runs once (with CKF_OS_LOCKING_OK); C_Finalize runs when
// the last user lets go. The shared object stays loaded (SoftHSM does not survive dlclose well).
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_INTERNAL_PKCS11_MODULE_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_INTERNAL_PKCS11_MODULE_H_

#include <softhsm/cryptoki.h>

#include <memory>
#include <string>

#include "base/status.h"

namespace rollcage::signer::internal {

// A kKey Status "PKCS#11 C_Xxx: CKR_NAME" when rv is not CKR_OK.
Status CheckRv(const char* function, CK_RV rv);

class Pkcs11Module {
 public:
  // softhsm_conf: when non-empty, SOFTHSM2_CONF is set to it before C_Initialize; a module already
  // initialised with another configuration is a kEnvironment error.
  static Result<std::shared_ptr<Pkcs11Module>> Get(const std::string& path, const std::string& softhsm_conf);
  ~Pkcs11Module();

  CK_FUNCTION_LIST_PTR f() const { return functions_; }
  const std::string& path() const { return path_; }

 private:
  Pkcs11Module() = default;
  std::string path_;
  std::string conf_;
  CK_FUNCTION_LIST_PTR functions_ = nullptr;
  bool finalize_ = false;
};

}  // namespace rollcage::signer::internal

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_INTERNAL_PKCS11_MODULE_H_
