// The chaos PKCS#11 module (librollcage_chaos_pkcs11.so): a real PKCS#11 v2.40 module that loads
// another one (SoftHSMv2 by default), forwards every call of CK_FUNCTION_LIST to it, and injects the
// faults of a seeded fault plan (docs/fault-plan.md). Every injected fault is logged as injected.
//
// Environment: ROLLCAGE_CHAOS_REAL_MODULE (the module to wrap; default /usr/lib/softhsm/libsofthsm2.so),
// ROLLCAGE_CHAOS_PLAN (plan file, read at the first C_Initialize unless a plan was set through
// rollcage_chaos_set_plan), ROLLCAGE_CHAOS_LOG (log file, appended), ROLLCAGE_CHAOS_LOG_CALLS=1 (also
// log calls that were forwarded without a fault).
//
// No exception leaves an entry point: each one turns any exception into CKR_GENERAL_ERROR.
#include <dlfcn.h>
#include <softhsm/cryptoki.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "harness/faults/pkcs11/chaos_abi.h"
#include "harness/faults/pkcs11/fault_injector.h"
#include "harness/faults/pkcs11/fault_plan.h"

namespace rollcage::faults {
namespace {

constexpr char kDefaultRealModule[] = "/usr/lib/softhsm/libsofthsm2.so";

struct ModuleState {
  std::mutex load_mu;                      // guards loading the real module and the env plan
  void* real_handle = nullptr;
  std::atomic<CK_FUNCTION_LIST_PTR> real{nullptr};
  bool plan_installed = false;             // a plan came from the API or the env file
  FaultInjector injector;
  std::once_flag configured;
};

// Never destroyed: consumers may call in while the process exits.
ModuleState& State() {
  static ModuleState* state = new ModuleState;
  return *state;
}

CK_FUNCTION_LIST_PTR Real() { return State().real.load(std::memory_order_acquire); }

std::optional<std::string> TokenLabel(unsigned long slot) {
  CK_FUNCTION_LIST_PTR real = Real();
  if (!real) return std::nullopt;
  CK_TOKEN_INFO info;
  if (real->C_GetTokenInfo(slot, &info) != CKR_OK) return std::nullopt;
  std::string label(reinterpret_cast<const char*>(info.label), sizeof info.label);
  while (!label.empty() && (label.back() == ' ' || label.back() == '\0')) label.pop_back();
  return label;
}

// Reads the environment once: the log file, call logging, and the token label resolver.
void Configure() {
  ModuleState& s = State();
  std::call_once(s.configured, [&s] {
    if (const char* path = std::getenv("ROLLCAGE_CHAOS_LOG"); path && *path) {
      Status st = s.injector.OpenLogFile(path);
      if (!st.ok()) std::fprintf(stderr, "rollcage chaos pkcs11: %s\n", st.message().c_str());
    }
    if (const char* calls = std::getenv("ROLLCAGE_CHAOS_LOG_CALLS"); calls && std::strcmp(calls, "1") == 0) {
      s.injector.SetLogCalls(true);
    }
    s.injector.SetLabelResolver(TokenLabel);
  });
}

void ReportError(const std::string& message) {
  State().injector.LogError(message);
  std::fprintf(stderr, "rollcage chaos pkcs11: %s\n", message.c_str());
}

// Loads the real module once (needs load_mu). False with a logged reason when it cannot.
bool LoadRealModule() {
  ModuleState& s = State();
  if (s.real.load()) return true;
  const char* env = std::getenv("ROLLCAGE_CHAOS_REAL_MODULE");
  const std::string path = env && *env ? env : kDefaultRealModule;
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    ReportError("cannot load the real PKCS#11 module " + path + " (ROLLCAGE_CHAOS_REAL_MODULE): " +
                (why ? why : "unknown error"));
    return false;
  }
  auto get = reinterpret_cast<CK_C_GetFunctionList>(dlsym(handle, "C_GetFunctionList"));
  if (!get) {
    ReportError("the real PKCS#11 module " + path + " has no C_GetFunctionList");
    dlclose(handle);
    return false;
  }
  if (get == &::C_GetFunctionList) {  // declared by pkcs11.h, defined below
    ReportError("ROLLCAGE_CHAOS_REAL_MODULE " + path + " is the chaos module itself");
    dlclose(handle);
    return false;
  }
  CK_FUNCTION_LIST_PTR list = nullptr;
  CK_RV rv = get(&list);
  if (rv != CKR_OK || !list) {
    ReportError("C_GetFunctionList of the real PKCS#11 module " + path + " failed: " + std::to_string(rv));
    dlclose(handle);
    return false;
  }
  s.real_handle = handle;
  s.real.store(list, std::memory_order_release);
  return true;
}

// Installs the plan from ROLLCAGE_CHAOS_PLAN unless one is installed (needs load_mu).
bool InstallEnvPlan() {
  ModuleState& s = State();
  if (s.plan_installed) return true;
  const char* path = std::getenv("ROLLCAGE_CHAOS_PLAN");
  if (!path || !*path) {
    s.injector.SetPlan(FaultPlan{}, "none");
    s.plan_installed = true;
    return true;
  }
  auto plan = LoadFaultPlan(path);
  if (!plan.ok()) {
    ReportError("fault plan (ROLLCAGE_CHAOS_PLAN) rejected: " + plan.status().message());
    return false;
  }
  s.injector.SetPlan(std::move(*plan), path);
  s.plan_installed = true;
  return true;
}

// Output of a call that a corrupt fault can flip a bit in.
struct Output {
  CK_BYTE_PTR bytes = nullptr;   // byte output and its length
  CK_ULONG_PTR length = nullptr;
  CK_ATTRIBUTE_PTR attrs = nullptr;  // or attribute values (C_GetAttributeValue)
  CK_ULONG count = 0;

  static Output Bytes(CK_BYTE_PTR b, CK_ULONG_PTR l) { return {b, l, nullptr, 0}; }
  static Output Attributes(CK_ATTRIBUTE_PTR a, CK_ULONG n) { return {nullptr, nullptr, a, n}; }
  bool any() const { return length != nullptr || attrs != nullptr; }
  // The caller only asked how long the output would be (PKCS#11 v2.40 §5.2).
  bool length_query() const { return length != nullptr && bytes == nullptr; }
  std::vector<size_t> Lengths() const {
    std::vector<size_t> v;
    if (length) v.push_back(bytes ? *length : 0);
    for (CK_ULONG i = 0; attrs && i < count; ++i) {
      const bool has = attrs[i].pValue != nullptr && attrs[i].ulValueLen != CK_UNAVAILABLE_INFORMATION;
      v.push_back(has ? attrs[i].ulValueLen : 0);
    }
    return v;
  }
  void Flip(const Corruption& c) const {
    CK_BYTE_PTR p = length ? bytes : static_cast<CK_BYTE_PTR>(attrs[c.part].pValue);
    p[c.byte] ^= static_cast<CK_BYTE>(1u << c.bit);
  }
};

// Ends an active operation in the real module by completing it into a scratch buffer: PKCS#11
// v2.40 §5.2 says a call that fails (other than CKR_BUFFER_TOO_SMALL) ends the operation, so an
// injected failure must leave the real module in the same state.
template <typename Call>
void DrainOutput(Call call) {
  CK_ULONG n = 0;
  if (call(nullptr, &n) != CKR_OK) return;
  std::vector<CK_BYTE> scratch(n + 16);
  CK_ULONG m = scratch.size();
  call(scratch.data(), &m);
}

void DropRealSessions(const Verdict& v) {
  CK_FUNCTION_LIST_PTR real = Real();
  if (!real) return;
  if (v.removed_slot) {
    real->C_CloseAllSessions(*v.removed_slot);
  } else {
    CK_ULONG n = 0;
    if (real->C_GetSlotList(CK_FALSE, nullptr, &n) == CKR_OK && n > 0) {
      std::vector<CK_SLOT_ID> slots(n);
      if (real->C_GetSlotList(CK_FALSE, slots.data(), &n) == CKR_OK) {
        for (CK_ULONG i = 0; i < n; ++i) real->C_CloseAllSessions(slots[i]);
      }
    }
  }
  State().injector.OnSlotSessionsDropped(v.removed_slot);
}

// Runs one call through the injector: decide, delay, fail or forward, corrupt, log.
// forward calls the real module; terminate (may be empty) ends the call's operation in the real
// module when the caller is told the call failed but the real module may still hold the operation.
template <typename Forward>
CK_RV Run(const CallInfo& info, Forward&& forward, const std::function<void()>& terminate = nullptr,
          const Output& out = Output()) {
  ModuleState& s = State();
  Verdict v = s.injector.Before(info);
  if (v.removal_started) DropRealSessions(v);
  if (v.latency_us) std::this_thread::sleep_for(std::chrono::microseconds(v.latency_us));
  if (v.kind == Verdict::Kind::kFail) {
    if (terminate) terminate();
    s.injector.Finish(info, v, std::nullopt, v.rv);
    return v.rv;
  }
  CK_RV rv;
  if constexpr (std::is_invocable_v<Forward&, Verdict&>) {
    rv = forward(v);
  } else {
    rv = forward();
  }
  if (v.kind == Verdict::Kind::kSucceedButReport) {
    const CK_RV returned = rv == CKR_OK ? v.rv : rv;
    const bool still_active = FunctionRole(info.function) == OperationRole::kStep || out.length_query();
    if (rv == CKR_OK && terminate && still_active) terminate();
    s.injector.Finish(info, v, rv, returned);
    return returned;
  }
  if (rv == CKR_OK && out.any()) {
    if (auto c = s.injector.AfterOutput(info, v, out.Lengths())) out.Flip(*c);
  }
  s.injector.Finish(info, v, rv, rv);
  return rv;
}

CallInfo ModuleCall(Pkcs11Function f) { return CallInfo{f, std::nullopt, std::nullopt}; }
CallInfo SlotCall(Pkcs11Function f, CK_SLOT_ID slot) { return CallInfo{f, slot, std::nullopt}; }
CallInfo SessionCall(Pkcs11Function f, CK_SESSION_HANDLE h) {
  CallInfo c{f, State().injector.SlotOfSession(h), h};
  if (!c.slot) {
    CK_SESSION_INFO si;
    if (Real()->C_GetSessionInfo(h, &si) == CKR_OK) c.slot = si.slotID;
  }
  return c;
}

// The terminate callback of each operation family: end it in the real module.
std::function<void()> EndFamily(OperationFamily family, CK_SESSION_HANDLE h) {
  CK_FUNCTION_LIST_PTR r = Real();
  switch (family) {
    case OperationFamily::kSign:
      return [r, h] { DrainOutput([&](CK_BYTE_PTR o, CK_ULONG_PTR l) { return r->C_SignFinal(h, o, l); }); };
    case OperationFamily::kEncrypt:
      return [r, h] { DrainOutput([&](CK_BYTE_PTR o, CK_ULONG_PTR l) { return r->C_EncryptFinal(h, o, l); }); };
    case OperationFamily::kDecrypt:
      return [r, h] { DrainOutput([&](CK_BYTE_PTR o, CK_ULONG_PTR l) { return r->C_DecryptFinal(h, o, l); }); };
    case OperationFamily::kDigest:
      return [r, h] { DrainOutput([&](CK_BYTE_PTR o, CK_ULONG_PTR l) { return r->C_DigestFinal(h, o, l); }); };
    case OperationFamily::kVerify:
      return [r, h] {
        CK_BYTE none[1] = {0};
        r->C_VerifyFinal(h, none, 0);
      };
    case OperationFamily::kFind:
      return [r, h] { r->C_FindObjectsFinal(h); };
    default:
      return nullptr;
  }
}

template <typename Body>
CK_RV Guard(Body&& body) noexcept {
  try {
    Configure();
    if (!Real()) return CKR_CRYPTOKI_NOT_INITIALIZED;
    return body(Real());
  } catch (...) {
    return CKR_GENERAL_ERROR;
  }
}

using F = Pkcs11Function;

}  // namespace
}  // namespace rollcage::faults

using rollcage::faults::CallInfo;
using rollcage::faults::DrainOutput;
using rollcage::faults::EndFamily;
using rollcage::faults::F;
using rollcage::faults::Guard;
using rollcage::faults::ModuleCall;
using rollcage::faults::OperationFamily;
using rollcage::faults::Output;
using rollcage::faults::Run;
using rollcage::faults::SessionCall;
using rollcage::faults::SlotCall;
using rollcage::faults::State;

extern "C" {

CK_RV C_Initialize(CK_VOID_PTR pInitArgs) {
  try {
    rollcage::faults::Configure();
    auto& s = State();
    {
      std::lock_guard<std::mutex> lock(s.load_mu);
      if (!rollcage::faults::LoadRealModule()) return CKR_GENERAL_ERROR;
      if (!rollcage::faults::InstallEnvPlan()) return CKR_GENERAL_ERROR;
    }
    CK_FUNCTION_LIST_PTR r = rollcage::faults::Real();
    return Run(ModuleCall(F::kC_Initialize), [&] { return r->C_Initialize(pInitArgs); });
  } catch (...) {
    return CKR_GENERAL_ERROR;
  }
}

CK_RV C_Finalize(CK_VOID_PTR pReserved) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    CK_RV rv = Run(ModuleCall(F::kC_Finalize), [&] { return r->C_Finalize(pReserved); });
    if (rv == CKR_OK) State().injector.OnFinalize();
    return rv;
  });
}

CK_RV C_GetInfo(CK_INFO_PTR pInfo) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(ModuleCall(F::kC_GetInfo), [&] { return r->C_GetInfo(pInfo); });
  });
}

CK_RV C_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR pSlotList, CK_ULONG_PTR pulCount) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    auto& inj = State().injector;
    // Removed tokens are left out when the caller asks for slots with a token present.
    auto forward = [&](rollcage::faults::Verdict& v) -> CK_RV {
      if (!tokenPresent || !inj.AnyRemoved()) return r->C_GetSlotList(tokenPresent, pSlotList, pulCount);
      if (!pulCount) return CKR_ARGUMENTS_BAD;
      CK_ULONG n = 0;
      CK_RV rv = r->C_GetSlotList(tokenPresent, nullptr, &n);
      if (rv != CKR_OK) return rv;
      std::vector<CK_SLOT_ID> all(n);
      if (n) {
        rv = r->C_GetSlotList(tokenPresent, all.data(), &n);
        if (rv != CKR_OK) return rv;
        all.resize(n);
      }
      std::vector<CK_SLOT_ID> shown;
      for (CK_SLOT_ID id : all) {
        if (auto rule = inj.RemovedBy(id)) {
          v.faults.push_back({*rule, v.call, "token-hidden:" + std::to_string(id)});
        } else {
          shown.push_back(id);
        }
      }
      if (!pSlotList) {
        *pulCount = shown.size();
        return CKR_OK;
      }
      if (*pulCount < shown.size()) {
        *pulCount = shown.size();
        return CKR_BUFFER_TOO_SMALL;
      }
      for (size_t i = 0; i < shown.size(); ++i) pSlotList[i] = shown[i];
      *pulCount = shown.size();
      return CKR_OK;
    };
    return Run(ModuleCall(F::kC_GetSlotList), forward);
  });
}

CK_RV C_GetSlotInfo(CK_SLOT_ID slotID, CK_SLOT_INFO_PTR pInfo) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    auto& inj = State().injector;
    // A removed token leaves its slot in place, without CKF_TOKEN_PRESENT.
    return Run(SlotCall(F::kC_GetSlotInfo, slotID), [&](rollcage::faults::Verdict& v) -> CK_RV {
      CK_RV rv = r->C_GetSlotInfo(slotID, pInfo);
      if (rv != CKR_OK || !pInfo) return rv;
      if (auto rule = inj.RemovedBy(slotID)) {
        pInfo->flags &= ~static_cast<CK_FLAGS>(CKF_TOKEN_PRESENT);
        v.faults.push_back({*rule, v.call, "token-hidden:" + std::to_string(slotID)});
      }
      return rv;
    });
  });
}

CK_RV C_GetTokenInfo(CK_SLOT_ID slotID, CK_TOKEN_INFO_PTR pInfo) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SlotCall(F::kC_GetTokenInfo, slotID), [&] { return r->C_GetTokenInfo(slotID, pInfo); });
  });
}

CK_RV C_GetMechanismList(CK_SLOT_ID slotID, CK_MECHANISM_TYPE_PTR pMechanismList, CK_ULONG_PTR pulCount) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SlotCall(F::kC_GetMechanismList, slotID),
               [&] { return r->C_GetMechanismList(slotID, pMechanismList, pulCount); });
  });
}

CK_RV C_GetMechanismInfo(CK_SLOT_ID slotID, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR pInfo) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SlotCall(F::kC_GetMechanismInfo, slotID), [&] { return r->C_GetMechanismInfo(slotID, type, pInfo); });
  });
}

CK_RV C_InitToken(CK_SLOT_ID slotID, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen, CK_UTF8CHAR_PTR pLabel) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    CK_RV rv = Run(SlotCall(F::kC_InitToken, slotID), [&] { return r->C_InitToken(slotID, pPin, ulPinLen, pLabel); });
    State().injector.OnTokensChanged();
    return rv;
  });
}

CK_RV C_InitPIN(CK_SESSION_HANDLE hSession, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_InitPIN, hSession), [&] { return r->C_InitPIN(hSession, pPin, ulPinLen); });
  });
}

CK_RV C_SetPIN(CK_SESSION_HANDLE hSession, CK_UTF8CHAR_PTR pOldPin, CK_ULONG ulOldLen, CK_UTF8CHAR_PTR pNewPin,
               CK_ULONG ulNewLen) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_SetPIN, hSession),
               [&] { return r->C_SetPIN(hSession, pOldPin, ulOldLen, pNewPin, ulNewLen); });
  });
}

CK_RV C_OpenSession(CK_SLOT_ID slotID, CK_FLAGS flags, CK_VOID_PTR pApplication, CK_NOTIFY Notify,
                    CK_SESSION_HANDLE_PTR phSession) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    bool opened = false;
    CK_RV rv = Run(SlotCall(F::kC_OpenSession, slotID), [&] {
      CK_RV real = r->C_OpenSession(slotID, flags, pApplication, Notify, phSession);
      opened = real == CKR_OK && phSession;
      return real;
    });
    // Even when the caller was told it failed (succeed-but-report), the session exists in the HSM.
    if (opened) State().injector.OnSessionOpened(*phSession, slotID);
    return rv;
  });
}

CK_RV C_CloseSession(CK_SESSION_HANDLE hSession) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    bool gone = false;
    CK_RV rv = Run(SessionCall(F::kC_CloseSession, hSession), [&] {
      CK_RV real = r->C_CloseSession(hSession);
      gone = real == CKR_OK || real == CKR_SESSION_HANDLE_INVALID || real == CKR_SESSION_CLOSED;
      return real;
    });
    if (gone) State().injector.OnSessionClosed(hSession);
    return rv;
  });
}

CK_RV C_CloseAllSessions(CK_SLOT_ID slotID) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    bool closed = false;
    CK_RV rv = Run(SlotCall(F::kC_CloseAllSessions, slotID), [&] {
      CK_RV real = r->C_CloseAllSessions(slotID);
      closed = real == CKR_OK;
      return real;
    });
    if (closed) State().injector.OnAllSessionsClosed(slotID);
    return rv;
  });
}

CK_RV C_GetSessionInfo(CK_SESSION_HANDLE hSession, CK_SESSION_INFO_PTR pInfo) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_GetSessionInfo, hSession), [&] { return r->C_GetSessionInfo(hSession, pInfo); });
  });
}

CK_RV C_GetOperationState(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pOperationState, CK_ULONG_PTR pulOperationStateLen) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_GetOperationState, hSession),
               [&] { return r->C_GetOperationState(hSession, pOperationState, pulOperationStateLen); }, nullptr,
               Output::Bytes(pOperationState, pulOperationStateLen));
  });
}

CK_RV C_SetOperationState(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pOperationState, CK_ULONG ulOperationStateLen,
                          CK_OBJECT_HANDLE hEncryptionKey, CK_OBJECT_HANDLE hAuthenticationKey) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_SetOperationState, hSession), [&] {
      return r->C_SetOperationState(hSession, pOperationState, ulOperationStateLen, hEncryptionKey, hAuthenticationKey);
    });
  });
}

CK_RV C_Login(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_Login, hSession), [&] { return r->C_Login(hSession, userType, pPin, ulPinLen); });
  });
}

CK_RV C_Logout(CK_SESSION_HANDLE hSession) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_Logout, hSession), [&] { return r->C_Logout(hSession); });
  });
}

CK_RV C_CreateObject(CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount,
                     CK_OBJECT_HANDLE_PTR phObject) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_CreateObject, hSession),
               [&] { return r->C_CreateObject(hSession, pTemplate, ulCount, phObject); });
  });
}

CK_RV C_CopyObject(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount,
                   CK_OBJECT_HANDLE_PTR phNewObject) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_CopyObject, hSession),
               [&] { return r->C_CopyObject(hSession, hObject, pTemplate, ulCount, phNewObject); });
  });
}

CK_RV C_DestroyObject(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_DestroyObject, hSession), [&] { return r->C_DestroyObject(hSession, hObject); });
  });
}

CK_RV C_GetObjectSize(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ULONG_PTR pulSize) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_GetObjectSize, hSession), [&] { return r->C_GetObjectSize(hSession, hObject, pulSize); });
  });
}

CK_RV C_GetAttributeValue(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate,
                          CK_ULONG ulCount) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_GetAttributeValue, hSession),
               [&] { return r->C_GetAttributeValue(hSession, hObject, pTemplate, ulCount); }, nullptr,
               Output::Attributes(pTemplate, ulCount));
  });
}

CK_RV C_SetAttributeValue(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate,
                          CK_ULONG ulCount) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_SetAttributeValue, hSession),
               [&] { return r->C_SetAttributeValue(hSession, hObject, pTemplate, ulCount); });
  });
}

CK_RV C_FindObjectsInit(CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_FindObjectsInit, hSession),
               [&] { return r->C_FindObjectsInit(hSession, pTemplate, ulCount); });
  });
}

CK_RV C_FindObjects(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE_PTR phObject, CK_ULONG ulMaxObjectCount,
                    CK_ULONG_PTR pulObjectCount) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    // A failed C_FindObjects leaves the search to the caller's C_FindObjectsFinal.
    return Run(SessionCall(F::kC_FindObjects, hSession),
               [&] { return r->C_FindObjects(hSession, phObject, ulMaxObjectCount, pulObjectCount); });
  });
}

CK_RV C_FindObjectsFinal(CK_SESSION_HANDLE hSession) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_FindObjectsFinal, hSession), [&] { return r->C_FindObjectsFinal(hSession); },
               EndFamily(OperationFamily::kFind, hSession));
  });
}

// Init calls start an operation; an injected failure never reaches the real module, so nothing to end.
#define ROLLCAGE_CHAOS_INIT(Name)                                                                        \
  CK_RV Name(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey) {          \
    return Guard([&](CK_FUNCTION_LIST_PTR r) {                                                           \
      return Run(SessionCall(F::k##Name, hSession), [&] { return r->Name(hSession, pMechanism, hKey); }); \
    });                                                                                                  \
  }
ROLLCAGE_CHAOS_INIT(C_EncryptInit)
ROLLCAGE_CHAOS_INIT(C_DecryptInit)
ROLLCAGE_CHAOS_INIT(C_SignInit)
ROLLCAGE_CHAOS_INIT(C_SignRecoverInit)
ROLLCAGE_CHAOS_INIT(C_VerifyInit)
ROLLCAGE_CHAOS_INIT(C_VerifyRecoverInit)
#undef ROLLCAGE_CHAOS_INIT

// Single-part calls with byte output: (session, in, in_len, out, out_len). An injected failure ends
// the operation in the real module by completing it into a scratch buffer.
#define ROLLCAGE_CHAOS_ONE_SHOT(Name)                                                                    \
  CK_RV Name(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pIn, CK_ULONG ulInLen, CK_BYTE_PTR pOut,           \
             CK_ULONG_PTR pulOutLen) {                                                                   \
    return Guard([&](CK_FUNCTION_LIST_PTR r) {                                                           \
      return Run(                                                                                        \
          SessionCall(F::k##Name, hSession), [&] { return r->Name(hSession, pIn, ulInLen, pOut, pulOutLen); }, \
          [&] { DrainOutput([&](CK_BYTE_PTR o, CK_ULONG_PTR l) { return r->Name(hSession, pIn, ulInLen, o, l); }); }, \
          Output::Bytes(pOut, pulOutLen));                                                               \
    });                                                                                                  \
  }
ROLLCAGE_CHAOS_ONE_SHOT(C_Encrypt)
ROLLCAGE_CHAOS_ONE_SHOT(C_Decrypt)
ROLLCAGE_CHAOS_ONE_SHOT(C_Digest)
ROLLCAGE_CHAOS_ONE_SHOT(C_Sign)
ROLLCAGE_CHAOS_ONE_SHOT(C_SignRecover)
ROLLCAGE_CHAOS_ONE_SHOT(C_VerifyRecover)
#undef ROLLCAGE_CHAOS_ONE_SHOT

// Multi-part steps with byte output (session, in, in_len, out, out_len).
#define ROLLCAGE_CHAOS_STEP_OUT(Name, Family)                                                            \
  CK_RV Name(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pIn, CK_ULONG ulInLen, CK_BYTE_PTR pOut,           \
             CK_ULONG_PTR pulOutLen) {                                                                   \
    return Guard([&](CK_FUNCTION_LIST_PTR r) {                                                           \
      return Run(SessionCall(F::k##Name, hSession),                                                      \
                 [&] { return r->Name(hSession, pIn, ulInLen, pOut, pulOutLen); },                      \
                 EndFamily(OperationFamily::Family, hSession), Output::Bytes(pOut, pulOutLen));          \
    });                                                                                                  \
  }
ROLLCAGE_CHAOS_STEP_OUT(C_EncryptUpdate, kEncrypt)
ROLLCAGE_CHAOS_STEP_OUT(C_DecryptUpdate, kDecrypt)
ROLLCAGE_CHAOS_STEP_OUT(C_DigestEncryptUpdate, kNone)
ROLLCAGE_CHAOS_STEP_OUT(C_DecryptDigestUpdate, kNone)
ROLLCAGE_CHAOS_STEP_OUT(C_SignEncryptUpdate, kNone)
ROLLCAGE_CHAOS_STEP_OUT(C_DecryptVerifyUpdate, kNone)
#undef ROLLCAGE_CHAOS_STEP_OUT

// Multi-part steps without output (session, part, part_len).
#define ROLLCAGE_CHAOS_STEP(Name, Family)                                                                \
  CK_RV Name(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen) {                       \
    return Guard([&](CK_FUNCTION_LIST_PTR r) {                                                           \
      return Run(SessionCall(F::k##Name, hSession), [&] { return r->Name(hSession, pPart, ulPartLen); }, \
                 EndFamily(OperationFamily::Family, hSession));                                          \
    });                                                                                                  \
  }
ROLLCAGE_CHAOS_STEP(C_DigestUpdate, kDigest)
ROLLCAGE_CHAOS_STEP(C_SignUpdate, kSign)
ROLLCAGE_CHAOS_STEP(C_VerifyUpdate, kVerify)
#undef ROLLCAGE_CHAOS_STEP

// Final calls with byte output (session, out, out_len).
#define ROLLCAGE_CHAOS_FINAL(Name)                                                                       \
  CK_RV Name(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pOut, CK_ULONG_PTR pulOutLen) {                    \
    return Guard([&](CK_FUNCTION_LIST_PTR r) {                                                           \
      return Run(                                                                                        \
          SessionCall(F::k##Name, hSession), [&] { return r->Name(hSession, pOut, pulOutLen); },        \
          [&] { DrainOutput([&](CK_BYTE_PTR o, CK_ULONG_PTR l) { return r->Name(hSession, o, l); }); }, \
          Output::Bytes(pOut, pulOutLen));                                                               \
    });                                                                                                  \
  }
ROLLCAGE_CHAOS_FINAL(C_EncryptFinal)
ROLLCAGE_CHAOS_FINAL(C_DecryptFinal)
ROLLCAGE_CHAOS_FINAL(C_DigestFinal)
ROLLCAGE_CHAOS_FINAL(C_SignFinal)
#undef ROLLCAGE_CHAOS_FINAL

CK_RV C_DigestInit(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_DigestInit, hSession), [&] { return r->C_DigestInit(hSession, pMechanism); });
  });
}

CK_RV C_DigestKey(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hKey) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_DigestKey, hSession), [&] { return r->C_DigestKey(hSession, hKey); },
               EndFamily(OperationFamily::kDigest, hSession));
  });
}

CK_RV C_Verify(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pSignature,
               CK_ULONG ulSignatureLen) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    auto call = [&] { return r->C_Verify(hSession, pData, ulDataLen, pSignature, ulSignatureLen); };
    return Run(SessionCall(F::kC_Verify, hSession), call, [&] { call(); });
  });
}

CK_RV C_VerifyFinal(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    auto call = [&] { return r->C_VerifyFinal(hSession, pSignature, ulSignatureLen); };
    return Run(SessionCall(F::kC_VerifyFinal, hSession), call, [&] { call(); });
  });
}

CK_RV C_GenerateKey(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_ATTRIBUTE_PTR pTemplate,
                    CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phKey) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_GenerateKey, hSession),
               [&] { return r->C_GenerateKey(hSession, pMechanism, pTemplate, ulCount, phKey); });
  });
}

CK_RV C_GenerateKeyPair(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_ATTRIBUTE_PTR pPublicKeyTemplate,
                        CK_ULONG ulPublicKeyAttributeCount, CK_ATTRIBUTE_PTR pPrivateKeyTemplate,
                        CK_ULONG ulPrivateKeyAttributeCount, CK_OBJECT_HANDLE_PTR phPublicKey,
                        CK_OBJECT_HANDLE_PTR phPrivateKey) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_GenerateKeyPair, hSession), [&] {
      return r->C_GenerateKeyPair(hSession, pMechanism, pPublicKeyTemplate, ulPublicKeyAttributeCount,
                                  pPrivateKeyTemplate, ulPrivateKeyAttributeCount, phPublicKey, phPrivateKey);
    });
  });
}

CK_RV C_WrapKey(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hWrappingKey,
                CK_OBJECT_HANDLE hKey, CK_BYTE_PTR pWrappedKey, CK_ULONG_PTR pulWrappedKeyLen) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_WrapKey, hSession),
               [&] { return r->C_WrapKey(hSession, pMechanism, hWrappingKey, hKey, pWrappedKey, pulWrappedKeyLen); },
               nullptr, Output::Bytes(pWrappedKey, pulWrappedKeyLen));
  });
}

CK_RV C_UnwrapKey(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hUnwrappingKey,
                  CK_BYTE_PTR pWrappedKey, CK_ULONG ulWrappedKeyLen, CK_ATTRIBUTE_PTR pTemplate,
                  CK_ULONG ulAttributeCount, CK_OBJECT_HANDLE_PTR phKey) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_UnwrapKey, hSession), [&] {
      return r->C_UnwrapKey(hSession, pMechanism, hUnwrappingKey, pWrappedKey, ulWrappedKeyLen, pTemplate,
                            ulAttributeCount, phKey);
    });
  });
}

CK_RV C_DeriveKey(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hBaseKey,
                  CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulAttributeCount, CK_OBJECT_HANDLE_PTR phKey) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_DeriveKey, hSession),
               [&] { return r->C_DeriveKey(hSession, pMechanism, hBaseKey, pTemplate, ulAttributeCount, phKey); });
  });
}

CK_RV C_SeedRandom(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSeed, CK_ULONG ulSeedLen) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_SeedRandom, hSession), [&] { return r->C_SeedRandom(hSession, pSeed, ulSeedLen); });
  });
}

CK_RV C_GenerateRandom(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pRandomData, CK_ULONG ulRandomLen) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    CK_ULONG len = pRandomData ? ulRandomLen : 0;
    return Run(SessionCall(F::kC_GenerateRandom, hSession),
               [&] { return r->C_GenerateRandom(hSession, pRandomData, ulRandomLen); }, nullptr,
               Output::Bytes(pRandomData, &len));
  });
}

CK_RV C_GetFunctionStatus(CK_SESSION_HANDLE hSession) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_GetFunctionStatus, hSession), [&] { return r->C_GetFunctionStatus(hSession); });
  });
}

CK_RV C_CancelFunction(CK_SESSION_HANDLE hSession) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(SessionCall(F::kC_CancelFunction, hSession), [&] { return r->C_CancelFunction(hSession); });
  });
}

CK_RV C_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR pSlot, CK_VOID_PTR pReserved) {
  return Guard([&](CK_FUNCTION_LIST_PTR r) {
    return Run(ModuleCall(F::kC_WaitForSlotEvent), [&] { return r->C_WaitForSlotEvent(flags, pSlot, pReserved); });
  });
}

static CK_FUNCTION_LIST kChaosFunctionList = {
    {CRYPTOKI_VERSION_MAJOR, CRYPTOKI_VERSION_MINOR},
    C_Initialize, C_Finalize, C_GetInfo, C_GetFunctionList, C_GetSlotList, C_GetSlotInfo, C_GetTokenInfo,
    C_GetMechanismList, C_GetMechanismInfo, C_InitToken, C_InitPIN, C_SetPIN, C_OpenSession, C_CloseSession,
    C_CloseAllSessions, C_GetSessionInfo, C_GetOperationState, C_SetOperationState, C_Login, C_Logout,
    C_CreateObject, C_CopyObject, C_DestroyObject, C_GetObjectSize, C_GetAttributeValue, C_SetAttributeValue,
    C_FindObjectsInit, C_FindObjects, C_FindObjectsFinal, C_EncryptInit, C_Encrypt, C_EncryptUpdate,
    C_EncryptFinal, C_DecryptInit, C_Decrypt, C_DecryptUpdate, C_DecryptFinal, C_DigestInit, C_Digest,
    C_DigestUpdate, C_DigestKey, C_DigestFinal, C_SignInit, C_Sign, C_SignUpdate, C_SignFinal,
    C_SignRecoverInit, C_SignRecover, C_VerifyInit, C_Verify, C_VerifyUpdate, C_VerifyFinal,
    C_VerifyRecoverInit, C_VerifyRecover, C_DigestEncryptUpdate, C_DecryptDigestUpdate, C_SignEncryptUpdate,
    C_DecryptVerifyUpdate, C_GenerateKey, C_GenerateKeyPair, C_WrapKey, C_UnwrapKey, C_DeriveKey,
    C_SeedRandom, C_GenerateRandom, C_GetFunctionStatus, C_CancelFunction, C_WaitForSlotEvent,
};

// Never counted and never failed: a consumer needs it to reach the module at all.
CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList) {
  if (!ppFunctionList) return CKR_ARGUMENTS_BAD;
  *ppFunctionList = &kChaosFunctionList;
  return CKR_OK;
}

// ---- Control entry points (chaos_abi.h) ----

int rollcage_chaos_set_plan(const char* text, char* error, size_t error_len) {
  try {
    rollcage::faults::Configure();
    if (error && error_len) error[0] = '\0';
    auto plan = rollcage::faults::ParseFaultPlan(text ? text : "", "<rollcage_chaos_set_plan>");
    if (!plan.ok()) {
      State().injector.LogError("fault plan rejected: " + plan.status().message());
      if (error && error_len) std::snprintf(error, error_len, "%s", plan.status().message().c_str());
      return -1;
    }
    auto& s = State();
    std::lock_guard<std::mutex> lock(s.load_mu);
    s.injector.SetPlan(std::move(*plan), "api");
    s.plan_installed = true;
    return 0;
  } catch (...) {
    if (error && error_len) std::snprintf(error, error_len, "internal error");
    return -1;
  }
}

size_t rollcage_chaos_take_log(char* buf, size_t len) {
  try {
    rollcage::faults::Configure();
    return State().injector.TakeLog(buf, len);
  } catch (...) {
    return 0;
  }
}

static size_t CopyOut(const std::string& s, char* buf, size_t len) {
  if (buf && len) std::snprintf(buf, len, "%s", s.c_str());
  return s.size();
}

size_t rollcage_chaos_get_plan(char* buf, size_t len) {
  try {
    return CopyOut(rollcage::faults::FaultPlanToText(State().injector.plan()), buf, len);
  } catch (...) {
    return 0;
  }
}

size_t rollcage_chaos_stats(char* buf, size_t len) {
  try {
    return CopyOut(State().injector.Stats(), buf, len);
  } catch (...) {
    return 0;
  }
}

}  // extern "C"
