// OpenSSL helpers private to the signer: RAII owners, digests, fixed-width big numbers, and the
// text of the OpenSSL error queue for Status messages.
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_INTERNAL_OPENSSL_UTIL_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_INTERNAL_OPENSSL_UTIL_H_

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace rollcage::signer::internal {

struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct PkeyCtxFree { void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); } };
struct MdCtxFree { void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); } };
struct BnFree { void operator()(BIGNUM* p) const { BN_clear_free(p); } };
struct BnCtxFree { void operator()(BN_CTX* p) const { BN_CTX_free(p); } };
struct EcPointFree { void operator()(EC_POINT* p) const { EC_POINT_free(p); } };
struct EcGroupFree { void operator()(EC_GROUP* p) const { EC_GROUP_free(p); } };
struct ParamBldFree { void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); } };
struct ParamFree { void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); } };

using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
using BnCtxPtr = std::unique_ptr<BN_CTX, BnCtxFree>;
using EcPointPtr = std::unique_ptr<EC_POINT, EcPointFree>;
using EcGroupPtr = std::unique_ptr<EC_GROUP, EcGroupFree>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, ParamFree>;

// "what: <first OpenSSL error>" as a kKey Status; clears the OpenSSL error queue.
Status OpenSslError(const std::string& what);

// Digests (thread-safe, allocation-free but for the returned string).
const EVP_MD* Sha256Md();  // fetched once (OpenSSL 3's EVP_sha256() looks it up on every call)
std::string Sha256(std::string_view data);
void Sha256Into(std::initializer_list<std::string_view> parts, unsigned char out[32]);  // of the concatenation
std::string HmacSha256(std::string_view key, std::string_view data);  // RFC 2104
void HmacSha256Into(std::string_view key, std::initializer_list<std::string_view> data, unsigned char out[32]);
std::string Sha1(std::string_view data);
void Sha1Into(std::initializer_list<std::string_view> parts, unsigned char out[20]);  // of the concatenation
std::string Sha512(std::string_view data);

// The big-endian octets of bn, left-padded with zeros to width (bn must fit).
std::string BnToFixed(const BIGNUM* bn, size_t width);
std::string BnToBytes(const BIGNUM* bn);  // minimal big-endian octets
BnPtr BnFromBytes(std::string_view bytes);

// The P-256 group (shared, read-only; safe to use from several threads).
const EC_GROUP* P256Group();

// Converts between an EVP_PKEY and its unencrypted PKCS#8 DER PrivateKeyInfo.
Result<std::string> PkeyToPkcs8Der(EVP_PKEY* pkey);
// The same through OpenSSL's encoder (PkeyToPkcs8Der writes P-256 and Ed25519 keys itself; tests
// check the two agree).
Result<std::string> PkeyToPkcs8DerByOpenSsl(EVP_PKEY* pkey);
Result<PkeyPtr> PkeyFromPkcs8Der(std::string_view der);
// PEM ("-----BEGIN PRIVATE KEY-----") to and from PKCS#8 DER.
Result<std::string> Pkcs8DerToPem(std::string_view der);
Result<std::string> Pkcs8PemToDer(std::string_view pem);

}  // namespace rollcage::signer::internal

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_INTERNAL_OPENSSL_UTIL_H_
