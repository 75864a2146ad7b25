// Status and Result<T>: the error type at every seam of rollcage. No exceptions cross a seam.
#ifndef ROLLCAGE_BASE_STATUS_H_
#define ROLLCAGE_BASE_STATUS_H_

#include <string>
#include <utility>
#include <variant>

namespace rollcage {

// What kind of failure a Status carries; each maps to one process exit code (see ExitCodeFor).
enum class ErrorKind {
  kOk = 0,
  kBadInput,     // malformed zone, corrupt corpus file, bad scenario text: exit 2
  kUsage,        // wrong flag or missing argument: exit 2
  kKey,          // missing key, wrong PIN, PKCS#11 or crypto failure: exit 2
  kIo,           // a file could not be read or written: exit 3
  kEnvironment,  // a required tool or module is missing: exit 4
  kInternal,     // a bug in rollcage: exit 70
};

// Exit codes of the rollcage binary. 1 is reserved for "the check ran and found defects".
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitIo = 3;
inline constexpr int kExitEnvironment = 4;
inline constexpr int kExitInternal = 70;

int ExitCodeFor(ErrorKind kind);
const char* ErrorKindName(ErrorKind kind);

// A Status is ok or carries a kind and a message that names what failed and where.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorKind kind, std::string message) : kind_(kind), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  bool ok() const { return kind_ == ErrorKind::kOk; }
  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "prefix: message" (adds context on the way up).
  Status WithContext(const std::string& prefix) const {
    if (ok()) return *this;
    return Status(kind_, prefix + ": " + message_);
  }

 private:
  ErrorKind kind_ = ErrorKind::kOk;
  std::string message_;
};

inline Status BadInput(std::string m) { return Status(ErrorKind::kBadInput, std::move(m)); }
inline Status UsageError(std::string m) { return Status(ErrorKind::kUsage, std::move(m)); }
inline Status KeyError(std::string m) { return Status(ErrorKind::kKey, std::move(m)); }
inline Status IoError(std::string m) { return Status(ErrorKind::kIo, std::move(m)); }
inline Status EnvironmentError(std::string m) { return Status(ErrorKind::kEnvironment, std::move(m)); }
inline Status InternalError(std::string m) { return Status(ErrorKind::kInternal, std::move(m)); }

// Result<T> holds a T or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace rollcage

// Returns the Status of expr from the enclosing function when it is not ok.
#define RC_RETURN_IF_ERROR(expr)                 \
  do {                                           \
    ::rollcage::Status rc_status_ = (expr);      \
    if (!rc_status_.ok()) return rc_status_;     \
  } while (0)

#define RC_CONCAT_INNER_(a, b) a##b
#define RC_CONCAT_(a, b) RC_CONCAT_INNER_(a, b)
// Declares lhs from a Result, or returns its Status from the enclosing function.
#define RC_ASSIGN_OR_RETURN(lhs, expr) RC_ASSIGN_OR_RETURN_IMPL_(RC_CONCAT_(rc_result_, __LINE__), lhs, expr)
#define RC_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

#endif  // ROLLCAGE_BASE_STATUS_H_
