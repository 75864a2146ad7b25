// CK_RV names: the symbolic name of a PKCS#11 return value and back, so errors say
// "C_Sign: CKR_DEVICE_ERROR" and fault plans can name return values.
#ifndef ROLLCAGE_BASE_CKR_H_
#define ROLLCAGE_BASE_CKR_H_

#include <optional>
#include <string>

namespace rollcage {

// "CKR_DEVICE_ERROR", or "CKR_0x000001A0" for a value without a name.
std::string CkrName(unsigned long rv);
// The value of a name such as "CKR_DEVICE_ERROR" (also accepts hex "0x30" or decimal).
std::optional<unsigned long> CkrFromName(const std::string& name);

}  // namespace rollcage

#endif  // ROLLCAGE_BASE_CKR_H_
