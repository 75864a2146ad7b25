#include "signer-under-test/testing/verify.h"

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <string>

namespace rollcage::signer::test_support {
namespace {

BIGNUM* Bn(std::string_view b) {
  return BN_bin2bn(reinterpret_cast<const unsigned char*>(b.data()), int(b.size()), nullptr);
}

}  // namespace

bool VerifyWithOpenSsl(const KeyInfo& key, std::string_view data, std::string_view sig) {
  EVP_PKEY* pkey = nullptr;
  const EVP_MD* md = EVP_sha256();
  std::string der_sig(sig);
  if (key.algorithm == Algorithm::kEd25519) {
    if (key.public_key.size() != 32) return false;
    pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                       reinterpret_cast<const unsigned char*>(key.public_key.data()), 32);
    md = nullptr;
  } else {
    OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
    const char* type;
    BIGNUM *n = nullptr, *e = nullptr;
    std::string pub;
    if (key.algorithm == Algorithm::kRsaSha256) {
      type = "RSA";
      if (key.public_key.empty()) return false;
      size_t elen = static_cast<unsigned char>(key.public_key[0]);
      e = Bn(std::string_view(key.public_key).substr(1, elen));
      n = Bn(std::string_view(key.public_key).substr(1 + elen));
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n);
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e);
    } else {
      type = "EC";
      if (sig.size() != 64) return false;
      pub = "\x04" + key.public_key;
      OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
      OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub.data(), pub.size());
      ECDSA_SIG* es = ECDSA_SIG_new();
      ECDSA_SIG_set0(es, Bn(sig.substr(0, 32)), Bn(sig.substr(32)));
      unsigned char* d = nullptr;
      int len = i2d_ECDSA_SIG(es, &d);
      der_sig.assign(reinterpret_cast<char*>(d), size_t(len));
      OPENSSL_free(d);
      ECDSA_SIG_free(es);
    }
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
    EVP_PKEY_fromdata_init(ctx);
    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);
  }
  if (!pkey) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, pkey) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(der_sig.data()), der_sig.size(),
                             reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  return ok;
}

}  // namespace rollcage::signer::test_support
