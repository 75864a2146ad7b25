// VerifyWithOpenSsl: test-only check of a DNSSEC-format signature against a KeyInfo's DNSKEY public
// key field, done with OpenSSL directly (independent of the key store that made the signature).
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_TESTING_VERIFY_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_TESTING_VERIFY_H_

#include <string_view>

#include "signer-under-test/key_store.h"

namespace rollcage::signer::test_support {

bool VerifyWithOpenSsl(const KeyInfo& key, std::string_view data, std::string_view signature);

}  // namespace rollcage::signer::test_support

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_TESTING_VERIFY_H_
