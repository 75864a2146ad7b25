// Test zones and the real signers that sign them at test time: ldns-signzone (ldns-keygen keys),
// dnssec-signzone (dnssec-keygen keys), kzonesign (a small Knot config; keys made by kzonesign -r),
// and any other signer given as a command template (SignWithCommand: the place to add
// `rollcage sign`). Every zone is signed with a fixed validity window, so tests never depend on the
// wall clock. Test-only.
#ifndef ROLLCAGE_ORACLE_TESTING_SIGNERS_H_
#define ROLLCAGE_ORACLE_TESTING_SIGNERS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "dns/zone.h"

namespace rollcage::oracle::testing {

// The fixed signature window of ldns and BIND zones, and a validation time inside it.
inline constexpr char kInception[] = "20210101000000";
inline constexpr char kExpiration[] = "20350101000000";
inline constexpr UnixTime kValidAt = 1893456000;  // 2030-01-01T00:00:00Z
// Knot signs "as of" kKnotSignTime (kzonesign -t); its signatures are valid around it.
inline constexpr UnixTime kKnotSignTime = 1700000000;  // 2023-11-14T22:13:20Z

struct ZoneShape {
  int hosts = 120;                // h<i> names with A, some AAAA and TXT
  int secure_delegations = 15;    // sec<i>: NS + DS (+ glue for some)
  int insecure_delegations = 45;  // ins<i>: NS only (+ glue for every 4th)
  bool extras = true;             // wildcard, deep names with empty non-terminals, CNAME, MX, mixed case
};

// The unsigned zone text for origin (absolute, e.g. "example.test.").
std::string UnsignedZoneText(const std::string& origin, const ZoneShape& shape = {});

// A fresh directory under $TEST_TMPDIR (or /tmp).
std::string FreshDir(const std::string& name);

Status WriteText(const std::string& path, const std::string& text);

struct SignOptions {
  std::vector<int> algorithms = {13};  // one KSK and one ZSK per algorithm
  bool nsec3 = false;
  bool opt_out = false;
  int iterations = 0;
  std::string salt_hex;  // empty: no salt
  // BIND-format key bases (path without .key/.private) to sign with as extra ZSKs (ldns, BIND).
  std::vector<std::string> extra_zsks;
  // DNSKEY RRs (zone-file text) published in the zone but not used for signing (pre-publication).
  std::string extra_dnskey_text;
};

struct SignedZone {
  std::string path;     // the signed zone file
  std::string dir;      // the work directory (keys live here)
  std::string origin;
  std::string ds_path;  // the KSKs' DS RRs (zone-file syntax) for --ds
  UnixTime valid_at = kValidAt;
  std::vector<std::string> key_bases;  // BIND-format key bases used (ldns, BIND): KSKs first
};

Result<SignedZone> SignWithLdns(const std::string& dir, const std::string& origin, const std::string& unsigned_text,
                                const SignOptions& options = {});
Result<SignedZone> SignWithBind(const std::string& dir, const std::string& origin, const std::string& unsigned_text,
                                const SignOptions& options = {});
Result<SignedZone> SignWithKnot(const std::string& dir, const std::string& origin, const std::string& unsigned_text,
                                const SignOptions& options = {});

// Any signer as a command template run in dir. Placeholders, replaced in every argument:
// {zone} the unsigned zone file, {origin} the origin, {out} the signed zone file to write, {dir}.
// The signed zone must be valid at valid_at. For example, once the reference signer is merged:
//   SignWithCommand({"rollcage", "sign", "{zone}", "--origin", "{origin}", "--out", "{out}"}, ...)
Result<SignedZone> SignWithCommand(const std::vector<std::string>& argv, const std::string& dir,
                                   const std::string& origin, const std::string& unsigned_text, UnixTime valid_at);

// Loads a signed zone the way `rollcage validate` does.
Result<dns::Zone> LoadSigned(const SignedZone& z);

}  // namespace rollcage::oracle::testing

#endif  // ROLLCAGE_ORACLE_TESTING_SIGNERS_H_
