#include "signer-under-test/signature_verifier.h"

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include "signer-under-test/internal/openssl_util.h"

namespace rollcage::signer {

using internal::PkeyPtr;

struct SignatureVerifier::ParsedKey {
  Algorithm algorithm;
  PkeyPtr pkey;
};

namespace {

Result<PkeyPtr> PublicPkey(const KeyInfo& key) {
  const std::string& pub = key.public_key;
  if (key.algorithm == Algorithm::kEd25519) {
    if (pub.size() != 32) return KeyError("Ed25519 public key of key " + key.id + " is not 32 octets");
    EVP_PKEY* p = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                              reinterpret_cast<const unsigned char*>(pub.data()), 32);
    if (!p) return internal::OpenSslError("parsing the Ed25519 public key of key " + key.id);
    return PkeyPtr(p);
  }
  internal::ParamBldPtr bld(OSSL_PARAM_BLD_new());
  const char* type = nullptr;
  internal::BnPtr n, e;
  std::string point;
  if (key.algorithm == Algorithm::kRsaSha256) {
    // RFC 3110 §2: exponent length (1 octet, or 0 then 2 octets), exponent, modulus.
    type = "RSA";
    size_t off = 1, elen = pub.empty() ? 0 : static_cast<unsigned char>(pub[0]);
    if (!pub.empty() && pub[0] == 0 && pub.size() >= 3) {
      elen = size_t(static_cast<unsigned char>(pub[1])) << 8 | static_cast<unsigned char>(pub[2]);
      off = 3;
    }
    if (pub.size() <= off + elen || elen == 0) return KeyError("RSA public key of key " + key.id + " is malformed");
    e = internal::BnFromBytes(std::string_view(pub).substr(off, elen));
    n = internal::BnFromBytes(std::string_view(pub).substr(off + elen));
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get());
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get());
  } else {
    if (pub.size() != 64) return KeyError("P-256 public key of key " + key.id + " is not 64 octets");
    type = "EC";
    point = "\x04" + pub;
    OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
    OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  }
  internal::ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  internal::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* p = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &p, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    return internal::OpenSslError("parsing the public key of key " + key.id);
  }
  return PkeyPtr(p);
}

}  // namespace

Result<SignatureVerifier> SignatureVerifier::Create(const std::vector<KeyInfo>& keys) {
  SignatureVerifier v;
  for (const auto& k : keys) {
    if (v.keys_.count(k.id)) continue;
    RC_ASSIGN_OR_RETURN(PkeyPtr pkey, PublicPkey(k));
    auto parsed = std::make_shared<ParsedKey>();
    parsed->algorithm = k.algorithm;
    parsed->pkey = std::move(pkey);
    v.keys_.emplace(k.id, std::move(parsed));
  }
  return v;
}

bool SignatureVerifier::Verify(const KeyInfo& key, std::string_view data, std::string_view signature) const {
  auto it = keys_.find(key.id);
  if (it == keys_.end()) return false;
  const ParsedKey& k = *it->second;
  std::string der;
  std::string_view sig = signature;
  const EVP_MD* md = internal::Sha256Md();
  if (k.algorithm == Algorithm::kEd25519) {
    md = nullptr;
  } else if (k.algorithm == Algorithm::kEcdsaP256Sha256) {
    if (signature.size() != 64) return false;
    ECDSA_SIG* es = ECDSA_SIG_new();
    ECDSA_SIG_set0(es, internal::BnFromBytes(signature.substr(0, 32)).release(),
                   internal::BnFromBytes(signature.substr(32)).release());
    unsigned char* d = nullptr;
    int len = i2d_ECDSA_SIG(es, &d);
    ECDSA_SIG_free(es);
    if (len <= 0) return false;
    der.assign(reinterpret_cast<char*>(d), size_t(len));
    OPENSSL_free(d);
    sig = der;
  }
  internal::MdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, k.pkey.get()) == 1 &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

}  // namespace rollcage::signer
