// Fuzz target: key tags and DS digests agree. The signer (signer-under-test/key_tag.h), the oracle
// (oracle/crypto.h) and ldns each compute the key tag of DNSKEY RDATA (RFC 4034 App. B) on their
// own; the signer's DS digests (RFC 4034 §5.1.4) must equal the oracle's; and typed DNSKEY RDATA
// parses and encodes back to the same octets. Any disagreement aborts.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/encoding.h"
#include "dns/ldns_reference.h"
#include "dns/rdata.h"
#include "fuzz/finding.h"
#include "oracle/crypto.h"
#include "signer-under-test/key_tag.h"

namespace {

[[noreturn]] void Disagree(const char* what, const std::string& rdata, unsigned a, unsigned b) {
  rollcage::fuzz::FuzzFinding("key-tag-disagreement", std::string(what) + " disagree on DNSKEY RDATA " +
                                                          rollcage::HexEncode(rdata) + ": " + std::to_string(a) + " vs " +
                                                          std::to_string(b));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rollcage;
  if (size > 4096) return -1;
  std::string rdata(reinterpret_cast<const char*>(data), size);
  uint16_t oracle_tag = oracle::KeyTag(rdata);
  uint16_t ldns_tag = dns::ldns_reference::KeyTag(rdata);
  if (size >= 4) {
    uint8_t alg = uint8_t(rdata[3]);
    if (alg != 1) {
      uint16_t signer_tag = signer::KeyTag(rdata);
      if (signer_tag != oracle_tag) Disagree("signer and oracle key tags", rdata, signer_tag, oracle_tag);
      if (oracle_tag != ldns_tag) Disagree("oracle and ldns key tags", rdata, oracle_tag, ldns_tag);
    } else if (size >= 7) {  // RSA/MD5 (App. B.1): only with a public key of at least 3 octets
      if (oracle_tag != ldns_tag) Disagree("oracle and ldns RSA/MD5 key tags", rdata, oracle_tag, ldns_tag);
    }
  }
  auto key = dns::DnskeyData::Parse(rdata);
  if (!key.ok()) return 0;
  if (key->Encode() != rdata) {
    fuzz::FuzzFinding("dnskey-rdata-roundtrip", "DNSKEY RDATA does not encode back: " + HexEncode(rdata));
  }
  static const dns::Name owners[] = {*dns::Name::FromText("example."), *dns::Name::FromText("Sub.EXAMPLE.")};
  for (const auto& owner : owners) {
    for (uint8_t digest_type : {signer::kDigestSha256, signer::kDigestSha384}) {
      auto ds = signer::MakeDs(owner, rdata, digest_type);
      auto want = oracle::DsDigest(owner, rdata, digest_type);
      if (!ds.ok() || !want) {
        fuzz::FuzzFinding("ds-digest-failed", "DS type " + std::to_string(digest_type) + " for a parsable DNSKEY failed: " +
                                                  (ds.ok() ? std::string("oracle") : ds.status().message()));
      }
      if (ds->digest != *want) {
        fuzz::FuzzFinding("ds-digest-disagreement", "signer and oracle DS digests (type " + std::to_string(digest_type) +
                                                        ") disagree for " + owner.ToText() + " DNSKEY " + HexEncode(rdata));
      }
      // The signer does not do RSA/MD5 (App. B.1): its DS tag for algorithm 1 is the plain checksum.
      if (key->algorithm != 1 && ds->key_tag != oracle_tag) Disagree("DS key tag", rdata, ds->key_tag, oracle_tag);
      if (ds->algorithm != key->algorithm) Disagree("DS algorithm", rdata, ds->algorithm, key->algorithm);
    }
  }
  return 0;
}
