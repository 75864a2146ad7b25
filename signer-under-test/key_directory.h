// KeyDirectory: a zone's keys kept as files in one directory (what `rollcage keygen --keys DIR`
// writes and `rollcage sign --keys DIR` reads). Each key is three files sharing a stem
// K<origin>+<algorithm>+<tag> (a "-2" suffix when two different keys share a tag):
//   .pem   the private key, unencrypted PKCS#8 PEM;
//   .key   the DNSKEY RR in presentation format (as BIND writes it);
//   .meta  "name: value" lines: format, origin, role, algorithm, flags, publish, sign-dnskey,
//          sign-zone, id (the store-independent key id) and tag (informational).
// Loading checks the three agree and fails with a kKey error naming the file otherwise.
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_KEY_DIRECTORY_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_KEY_DIRECTORY_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "dns/name.h"
#include "signer-under-test/key_store.h"
#include "signer-under-test/zone_key.h"

namespace rollcage::signer {

struct StoredKey {
  dns::Name origin;
  KeyRole role = KeyRole::kZsk;
  ZoneKey key;       // the public half (id in the store it was loaded into), flags and what it does
  std::string stem;  // path without extension
};

class KeyDirectory {
 public:
  explicit KeyDirectory(std::string path) : path_(std::move(path)) {}

  // Writes the three files of a key (creating the directory) and returns the stem path. The DNSKEY
  // TTL in the .key file is informational.
  Result<std::string> Save(const dns::Name& origin, KeyRole role, const ZoneKey& key, std::string_view pkcs8_der,
                           uint32_t ttl = 3600) const;

  // Imports every key of origin found in the directory into store, in stem order. A missing
  // directory or no key for origin is a kKey error that says so.
  Result<std::vector<StoredKey>> Load(const dns::Name& origin, KeyStore& store) const;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace rollcage::signer

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_KEY_DIRECTORY_H_
