// Pkcs11Function: the closed set of PKCS#11 v2.40 functions (CK_FUNCTION_LIST), with what a fault plan
// needs to know about each: its name, whether it addresses a slot or a session, whether it returns
// output bytes that can be corrupted, and which operation family it belongs to.
#ifndef ROLLCAGE_HARNESS_FAULTS_PKCS11_PKCS11_FUNCTION_H_
#define ROLLCAGE_HARNESS_FAULTS_PKCS11_PKCS11_FUNCTION_H_

#include <optional>
#include <string>
#include <string_view>

namespace rollcage::faults {

// The X-macro lists every function of CK_FUNCTION_LIST in its order: X(name, scope, output, family,
// role). scope: what the call addresses; output: it returns bytes (or attribute values) to the caller;
// family/role: the cryptographic operation it belongs to (an Init starts it, a Step continues it, an
// End finishes it).
#define ROLLCAGE_PKCS11_FUNCTIONS(X)                             \
  X(C_Initialize, kModule, false, kNone, kNone)                  \
  X(C_Finalize, kModule, false, kNone, kNone)                    \
  X(C_GetInfo, kModule, false, kNone, kNone)                     \
  X(C_GetFunctionList, kModule, false, kNone, kNone)             \
  X(C_GetSlotList, kModule, false, kNone, kNone)                 \
  X(C_GetSlotInfo, kSlot, false, kNone, kNone)                   \
  X(C_GetTokenInfo, kSlot, false, kNone, kNone)                  \
  X(C_GetMechanismList, kSlot, false, kNone, kNone)              \
  X(C_GetMechanismInfo, kSlot, false, kNone, kNone)              \
  X(C_InitToken, kSlot, false, kNone, kNone)                     \
  X(C_InitPIN, kSession, false, kNone, kNone)                    \
  X(C_SetPIN, kSession, false, kNone, kNone)                     \
  X(C_OpenSession, kSlot, false, kNone, kNone)                   \
  X(C_CloseSession, kSession, false, kNone, kNone)               \
  X(C_CloseAllSessions, kSlot, false, kNone, kNone)              \
  X(C_GetSessionInfo, kSession, false, kNone, kNone)             \
  X(C_GetOperationState, kSession, true, kNone, kNone)           \
  X(C_SetOperationState, kSession, false, kNone, kNone)          \
  X(C_Login, kSession, false, kNone, kNone)                      \
  X(C_Logout, kSession, false, kNone, kNone)                     \
  X(C_CreateObject, kSession, false, kNone, kNone)               \
  X(C_CopyObject, kSession, false, kNone, kNone)                 \
  X(C_DestroyObject, kSession, false, kNone, kNone)              \
  X(C_GetObjectSize, kSession, false, kNone, kNone)              \
  X(C_GetAttributeValue, kSession, true, kNone, kNone)           \
  X(C_SetAttributeValue, kSession, false, kNone, kNone)          \
  X(C_FindObjectsInit, kSession, false, kFind, kInit)            \
  X(C_FindObjects, kSession, false, kFind, kStep)                \
  X(C_FindObjectsFinal, kSession, false, kFind, kEnd)            \
  X(C_EncryptInit, kSession, false, kEncrypt, kInit)             \
  X(C_Encrypt, kSession, true, kEncrypt, kEnd)                   \
  X(C_EncryptUpdate, kSession, true, kEncrypt, kStep)            \
  X(C_EncryptFinal, kSession, true, kEncrypt, kEnd)              \
  X(C_DecryptInit, kSession, false, kDecrypt, kInit)             \
  X(C_Decrypt, kSession, true, kDecrypt, kEnd)                   \
  X(C_DecryptUpdate, kSession, true, kDecrypt, kStep)            \
  X(C_DecryptFinal, kSession, true, kDecrypt, kEnd)              \
  X(C_DigestInit, kSession, false, kDigest, kInit)               \
  X(C_Digest, kSession, true, kDigest, kEnd)                     \
  X(C_DigestUpdate, kSession, false, kDigest, kStep)             \
  X(C_DigestKey, kSession, false, kDigest, kStep)                \
  X(C_DigestFinal, kSession, true, kDigest, kEnd)                \
  X(C_SignInit, kSession, false, kSign, kInit)                   \
  X(C_Sign, kSession, true, kSign, kEnd)                         \
  X(C_SignUpdate, kSession, false, kSign, kStep)                 \
  X(C_SignFinal, kSession, true, kSign, kEnd)                    \
  X(C_SignRecoverInit, kSession, false, kSignRecover, kInit)     \
  X(C_SignRecover, kSession, true, kSignRecover, kEnd)           \
  X(C_VerifyInit, kSession, false, kVerify, kInit)               \
  X(C_Verify, kSession, false, kVerify, kEnd)                    \
  X(C_VerifyUpdate, kSession, false, kVerify, kStep)             \
  X(C_VerifyFinal, kSession, false, kVerify, kEnd)               \
  X(C_VerifyRecoverInit, kSession, false, kVerifyRecover, kInit) \
  X(C_VerifyRecover, kSession, true, kVerifyRecover, kEnd)       \
  X(C_DigestEncryptUpdate, kSession, true, kNone, kNone)         \
  X(C_DecryptDigestUpdate, kSession, true, kNone, kNone)         \
  X(C_SignEncryptUpdate, kSession, true, kNone, kNone)           \
  X(C_DecryptVerifyUpdate, kSession, true, kNone, kNone)         \
  X(C_GenerateKey, kSession, false, kNone, kNone)                \
  X(C_GenerateKeyPair, kSession, false, kNone, kNone)            \
  X(C_WrapKey, kSession, true, kNone, kNone)                     \
  X(C_UnwrapKey, kSession, false, kNone, kNone)                  \
  X(C_DeriveKey, kSession, false, kNone, kNone)                  \
  X(C_SeedRandom, kSession, false, kNone, kNone)                 \
  X(C_GenerateRandom, kSession, true, kNone, kNone)              \
  X(C_GetFunctionStatus, kSession, false, kNone, kNone)          \
  X(C_CancelFunction, kSession, false, kNone, kNone)             \
  X(C_WaitForSlotEvent, kModule, false, kNone, kNone)

enum class Pkcs11Function : int {
#define ROLLCAGE_X(name, scope, output, family, role) k##name,
  ROLLCAGE_PKCS11_FUNCTIONS(ROLLCAGE_X)
#undef ROLLCAGE_X
};

inline constexpr int kPkcs11FunctionCount = static_cast<int>(Pkcs11Function::kC_WaitForSlotEvent) + 1;

// What a call addresses: the whole module, one slot (a slot ID argument) or one session.
enum class CallScope { kModule, kSlot, kSession };

// A multi-call cryptographic operation (PKCS#11 v2.40 §5.8-5.14): Init starts it on a session; a failed
// Step or End call terminates it.
enum class OperationFamily { kNone, kFind, kEncrypt, kDecrypt, kDigest, kSign, kSignRecover, kVerify, kVerifyRecover };
enum class OperationRole { kNone, kInit, kStep, kEnd };

// "C_Sign".
const char* FunctionName(Pkcs11Function f);
// The function named exactly so ("C_Sign"), or nullopt.
std::optional<Pkcs11Function> FunctionFromName(std::string_view name);
CallScope FunctionScope(Pkcs11Function f);
// True when the function returns output bytes to the caller (a signature, attribute values, ...).
bool FunctionHasOutput(Pkcs11Function f);
OperationFamily FunctionFamily(Pkcs11Function f);
OperationRole FunctionRole(Pkcs11Function f);
// The Init function of a family (kSign -> C_SignInit); the family must not be kNone.
Pkcs11Function FamilyInit(OperationFamily family);

}  // namespace rollcage::faults

#endif  // ROLLCAGE_HARNESS_FAULTS_PKCS11_PKCS11_FUNCTION_H_
