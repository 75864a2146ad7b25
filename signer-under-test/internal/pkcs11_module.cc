#include "signer-under-test/internal/pkcs11_module.h"

#include <dlfcn.h>

#include <cstdlib>
#include <map>
#include <mutex>

#include "base/ckr.h"

namespace rollcage::signer::internal {
namespace {

std::mutex registry_mu;

struct Entry {
  std::weak_ptr<Pkcs11Module> live;
  void* handle = nullptr;  // dlopen handle, kept for the life of the process
};

std::map<std::string, Entry>& Registry() {
  static auto* r = new std::map<std::string, Entry>();
  return *r;
}

}  // namespace

Status CheckRv(const char* function, CK_RV rv) {
  if (rv == CKR_OK) return Status::Ok();
  return KeyError(std::string("PKCS#11 ") + function + ": " + CkrName(rv));
}

Result<std::shared_ptr<Pkcs11Module>> Pkcs11Module::Get(const std::string& path, const std::string& softhsm_conf) {
  std::lock_guard<std::mutex> lock(registry_mu);
  Entry& entry = Registry()[path];
  if (auto live = entry.live.lock()) {
    if (!softhsm_conf.empty() && softhsm_conf != live->conf_) {
      return EnvironmentError("PKCS#11 module " + path + " is already initialised with " +
                              (live->conf_.empty() ? std::string("the default configuration") : live->conf_) +
                              "; cannot also use " + softhsm_conf + " in the same process");
    }
    return live;
  }
  if (!softhsm_conf.empty()) ::setenv("SOFTHSM2_CONF", softhsm_conf.c_str(), 1);
  if (!entry.handle) {
    entry.handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!entry.handle) {
      const char* err = ::dlerror();
      return EnvironmentError("cannot load PKCS#11 module " + path + ": " + (err ? err : "dlopen failed") +
                              " (set ROLLCAGE_PKCS11_MODULE or pass the module path)");
    }
  }
  auto get_list = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(entry.handle, "C_GetFunctionList"));
  if (!get_list) return EnvironmentError(path + " is not a PKCS#11 module: no C_GetFunctionList");
  CK_FUNCTION_LIST_PTR functions = nullptr;
  RC_RETURN_IF_ERROR(CheckRv("C_GetFunctionList", get_list(&functions)));
  if (!functions) return EnvironmentError(path + ": C_GetFunctionList returned no function list");
  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_OS_LOCKING_OK;
  CK_RV rv = functions->C_Initialize(&args);
  if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) return CheckRv("C_Initialize", rv);
  std::shared_ptr<Pkcs11Module> module(new Pkcs11Module());
  module->path_ = path;
  module->conf_ = softhsm_conf;
  module->functions_ = functions;
  module->finalize_ = rv == CKR_OK;
  entry.live = module;
  return module;
}

Pkcs11Module::~Pkcs11Module() {
  std::lock_guard<std::mutex> lock(registry_mu);
  if (finalize_ && functions_) functions_->C_Finalize(nullptr);
}

}  // namespace rollcage::signer::internal
