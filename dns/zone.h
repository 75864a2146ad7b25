// Zone: the records of one zone in a flat list, loaded from an RFC 1035 master file and printable
// back. Loading errors name "source:line: what is wrong" and never crash.
#ifndef ROLLCAGE_DNS_ZONE_H_
#define ROLLCAGE_DNS_ZONE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "dns/name.h"
#include "dns/rr.h"

namespace rollcage::dns {

struct LoadOptions {
  std::optional<Name> origin;     // initial $ORIGIN; else the file's $ORIGIN or first SOA owner
  uint32_t default_ttl = 3600;    // used until a $TTL line (RFC 2308 §4)
  bool allow_out_of_zone = false; // else a record outside the origin is an error
};

// Rejects bytes no master file may hold raw (RFC 1035 §5.1: text; a zero octet in a name or string is
// written \000): a NUL byte would silently end the text for C-string readers (ldns), dropping
// the records after it; a vertical tab or form feed is a blank to ldns in some places and not in
// others (RFC 1035 blanks are spaces and tabs). kBadInput "source:LINE: ...".
Status CheckZoneText(std::string_view text, std::string_view source);

class Zone {
 public:
  Zone() = default;
  explicit Zone(Name origin) : origin_(std::move(origin)) {}

  static Result<Zone> Load(const std::string& path, const LoadOptions& options = {});
  static Result<Zone> Parse(std::string_view text, const LoadOptions& options = {},
                            std::string_view source = "<input>");

  const Name& origin() const { return origin_; }
  void set_origin(Name origin) { origin_ = std::move(origin); }
  const std::vector<RR>& records() const { return records_; }
  std::vector<RR>& mutable_records() { return records_; }
  void Add(RR rr) { records_.push_back(std::move(rr)); }
  size_t size() const { return records_.size(); }

  // Sorts records in canonical order (RFC 4034 §6.3) and drops exact duplicates (RFC 2181 §5).
  void SortCanonical();
  // Groups consecutive records of equal owner, class and type (call SortCanonical first).
  std::vector<RRset> Rrsets() const;
  // Rrsets(), moving owners and RDATA out of the records (they keep their types, classes and TTLs).
  std::vector<RRset> TakeRrsets();

  std::string ToText() const;  // one record per line, with an $ORIGIN-free absolute form
  Status Save(const std::string& path) const;  // crash-safe (temporary file and rename)

 private:
  Name origin_;
  std::vector<RR> records_;
};

}  // namespace rollcage::dns

#endif  // ROLLCAGE_DNS_ZONE_H_
