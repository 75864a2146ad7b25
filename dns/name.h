// Name: a DNS domain name held in uncompressed wire form, original case kept.
// Equality and ordering are case-insensitive; ordering is canonical (RFC 4034 §6.1).
#ifndef ROLLCAGE_DNS_NAME_H_
#define ROLLCAGE_DNS_NAME_H_

#include <compare>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace rollcage::dns {

class Name {
 public:
  Name() : wire_(1, '\0') {}  // the root

  // Parses presentation format (RFC 1035 §5.1: \X and \DDD escapes). A name without a trailing dot
  // is relative to origin ("@" is the origin itself); without an origin it is taken as absolute.
  static Result<Name> FromText(std::string_view text, const Name* origin = nullptr);
  // Validates uncompressed wire form (labels ≤ 63 octets, total ≤ 255, ends with the root label).
  static Result<Name> FromWire(std::string_view wire);
  // Reads an uncompressed name at data[*pos], advancing *pos; error when malformed or truncated.
  static Result<Name> ReadWire(std::string_view data, size_t* pos);
  static Name Root() { return Name(); }

  const std::string& wire() const { return wire_; }
  std::string ToText() const;  // absolute, with trailing dot, escapes as needed

  int LabelCount() const;  // the root has 0 labels
  bool IsRoot() const { return wire_.size() == 1; }
  bool IsWildcard() const { return wire_.size() >= 2 && wire_[0] == 1 && wire_[1] == '*'; }
  std::vector<std::string_view> Labels() const;  // leftmost first, without the root
  std::string_view FirstLabel() const;  // empty for the root

  Name Parent() const;  // the root's parent is the root
  Name Suffix(int labels) const;  // the rightmost `labels` labels
  Result<Name> Prepend(std::string_view label) const;  // label (raw octets) + this
  bool IsSubdomainOf(const Name& ancestor) const;  // true when equal, too
  Name Lowercase() const;
  std::string LowercaseWire() const;  // Lowercase().wire() without the intermediate Name

  friend bool operator==(const Name& a, const Name& b);
  friend std::strong_ordering operator<=>(const Name& a, const Name& b);  // canonical order

 private:
  explicit Name(std::string wire) : wire_(std::move(wire)) {}
  std::string wire_;
};

// Case-insensitive hash, consistent with operator==.
struct NameHash {
  size_t operator()(const Name& n) const;
};

// Compares two wire-form names in canonical order (RFC 4034 §6.1); <0, 0, >0.
int CanonicalCompare(std::string_view a_wire, std::string_view b_wire);

}  // namespace rollcage::dns

#endif  // ROLLCAGE_DNS_NAME_H_
