#include "signer-under-test/key_tag.h"
#include "base/hot.h"

#include <openssl/sha.h>

#include "signer-under-test/internal/openssl_util.h"

namespace rollcage::signer {

RC_HOT_LEAF uint32_t KeyTagSum(std::string_view octets) {
  // RFC 4034 Appendix B: the ones-complement-like sum of the RDATA as 16-bit big-endian words.
  uint32_t ac = 0;
  for (size_t i = 0; i < octets.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(octets[i]);
    ac += (i & 1) ? c : uint32_t(c) << 8;
  }
  return ac;
}

uint16_t KeyTag(std::string_view rdata) { return FoldKeyTag(KeyTagSum(rdata)); }

Result<dns::DsData> MakeDs(const dns::Name& owner, std::string_view dnskey_rdata, uint8_t digest_type) {
  auto key = dns::DnskeyData::Parse(dnskey_rdata);
  if (!key.ok()) return key.status().WithContext("DS for " + owner.ToText());
  std::string input = owner.Lowercase().wire();
  input.append(dnskey_rdata.data(), dnskey_rdata.size());
  dns::DsData ds;
  ds.key_tag = KeyTag(dnskey_rdata);
  ds.algorithm = key->algorithm;
  ds.digest_type = digest_type;
  if (digest_type == kDigestSha256) {
    ds.digest = internal::Sha256(input);
  } else if (digest_type == kDigestSha384) {
    unsigned char out[SHA384_DIGEST_LENGTH];
    SHA384(reinterpret_cast<const unsigned char*>(input.data()), input.size(), out);
    ds.digest.assign(reinterpret_cast<char*>(out), sizeof out);
  } else {
    return UsageError("DS digest type " + std::to_string(digest_type) + " is not supported (use 2 or 4)");
  }
  return ds;
}

}  // namespace rollcage::signer
