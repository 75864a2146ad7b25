#include "harness/faults/pkcs11/pkcs11_function.h"

namespace rollcage::faults {
namespace {

struct FunctionInfo {
  const char* name;
  CallScope scope;
  bool output;
  OperationFamily family;
  OperationRole role;
};

constexpr FunctionInfo kFunctions[] = {
#define ROLLCAGE_X(name, scope, output, family, role) \
  {#name, CallScope::scope, output, OperationFamily::family, OperationRole::role},
    ROLLCAGE_PKCS11_FUNCTIONS(ROLLCAGE_X)
#undef ROLLCAGE_X
};
static_assert(sizeof(kFunctions) / sizeof(kFunctions[0]) == kPkcs11FunctionCount);

const FunctionInfo& Info(Pkcs11Function f) { return kFunctions[static_cast<int>(f)]; }

}  // namespace

const char* FunctionName(Pkcs11Function f) { return Info(f).name; }

std::optional<Pkcs11Function> FunctionFromName(std::string_view name) {
  for (int i = 0; i < kPkcs11FunctionCount; ++i) {
    if (name == kFunctions[i].name) return static_cast<Pkcs11Function>(i);
  }
  return std::nullopt;
}

CallScope FunctionScope(Pkcs11Function f) { return Info(f).scope; }
bool FunctionHasOutput(Pkcs11Function f) { return Info(f).output; }
OperationFamily FunctionFamily(Pkcs11Function f) { return Info(f).family; }
OperationRole FunctionRole(Pkcs11Function f) { return Info(f).role; }

Pkcs11Function FamilyInit(OperationFamily family) {
  for (int i = 0; i < kPkcs11FunctionCount; ++i) {
    if (kFunctions[i].family == family && kFunctions[i].role == OperationRole::kInit) {
      return static_cast<Pkcs11Function>(i);
    }
  }
  return Pkcs11Function::kC_Initialize;  // unreachable for a real family
}

}  // namespace rollcage::faults
