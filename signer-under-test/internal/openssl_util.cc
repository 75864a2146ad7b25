// SHA256_Init and friends: deprecated in OpenSSL 3.0 but allocation-free (see Sha256Into).
#define OPENSSL_SUPPRESS_DEPRECATED
#include "signer-under-test/internal/openssl_util.h"

#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <cstring>
#include <initializer_list>

namespace rollcage::signer::internal {

Status OpenSslError(const std::string& what) {
  unsigned long e = ERR_get_error();
  std::string detail = "unknown error";
  if (e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    detail = buf;
  }
  ERR_clear_error();
  return KeyError(what + ": OpenSSL: " + detail);
}

// The hashes below run on OpenSSL's low-level SHA functions (deprecated in 3.0, still the code its
// providers run): no allocation and no algorithm lookup per call, where OpenSSL 3's EVP interface
// allocates a provider context on every EVP_DigestInit and its one-shot SHA256() looks the
// algorithm up by name. A scenario fuzzer hashes for every signature, NSEC3 owner and RFC 6979 nonce.
const EVP_MD* Sha256Md() {
  static const EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return sha256;
}

namespace {

// One low-level hash (SHA_CTX and friends) over the concatenation of parts.
template <class Ctx, size_t kLen>
struct LowLevel {
  int (*init)(Ctx*);
  int (*update)(Ctx*, const void*, size_t);
  int (*final)(unsigned char*, Ctx*);
  void Into(std::initializer_list<std::string_view> parts, unsigned char out[kLen]) const {
    Ctx c;
    init(&c);
    for (auto p : parts) update(&c, p.data(), p.size());
    final(out, &c);
  }
  std::string Of(std::string_view data) const {
    unsigned char out[kLen];
    Into({data}, out);
    return std::string(reinterpret_cast<char*>(out), kLen);
  }
};
constexpr LowLevel<SHA_CTX, SHA_DIGEST_LENGTH> kSha1{SHA1_Init, SHA1_Update, SHA1_Final};
constexpr LowLevel<SHA256_CTX, SHA256_DIGEST_LENGTH> kSha256{SHA256_Init, SHA256_Update, SHA256_Final};
constexpr LowLevel<SHA512_CTX, SHA512_DIGEST_LENGTH> kSha512{SHA512_Init, SHA512_Update, SHA512_Final};

}  // namespace

void Sha256Into(std::initializer_list<std::string_view> parts, unsigned char out[32]) { kSha256.Into(parts, out); }
std::string Sha256(std::string_view data) { return kSha256.Of(data); }
std::string Sha1(std::string_view data) { return kSha1.Of(data); }
std::string Sha512(std::string_view data) { return kSha512.Of(data); }

void HmacSha256Into(std::string_view key, std::initializer_list<std::string_view> data, unsigned char out[32]) {
  // RFC 2104: H((K ^ opad) || H((K ^ ipad) || data)), K padded to the 64-octet block.
  unsigned char k[64] = {0};
  if (key.size() > sizeof k) {
    Sha256Into({key}, k);
  } else {
    std::memcpy(k, key.data(), key.size());
  }
  unsigned char pad[64], inner[SHA256_DIGEST_LENGTH];
  SHA256_CTX c;
  for (size_t i = 0; i < 64; ++i) pad[i] = k[i] ^ 0x36;
  SHA256_Init(&c);
  SHA256_Update(&c, pad, sizeof pad);
  for (auto p : data) SHA256_Update(&c, p.data(), p.size());
  SHA256_Final(inner, &c);
  for (size_t i = 0; i < 64; ++i) pad[i] = k[i] ^ 0x5c;
  SHA256_Init(&c);
  SHA256_Update(&c, pad, sizeof pad);
  SHA256_Update(&c, inner, sizeof inner);
  SHA256_Final(out, &c);
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  HmacSha256Into(key, {data}, out);
  return std::string(reinterpret_cast<char*>(out), sizeof out);
}

std::string BnToFixed(const BIGNUM* bn, size_t width) {
  std::string out(width, '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), int(width));
  return out;
}

std::string BnToBytes(const BIGNUM* bn) {
  std::string out(size_t(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

BnPtr BnFromBytes(std::string_view bytes) {
  return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), int(bytes.size()), nullptr));
}

const EC_GROUP* P256Group() {
  static const EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  return group;
}

Result<std::string> PkeyToPkcs8Der(EVP_PKEY* pkey) {
  PKCS8_PRIV_KEY_INFO* p8 = EVP_PKEY2PKCS8(pkey);
  if (!p8) return OpenSslError("encoding private key as PKCS#8");
  unsigned char* der = nullptr;
  int len = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
  PKCS8_PRIV_KEY_INFO_free(p8);
  if (len <= 0) return OpenSslError("encoding private key as PKCS#8");
  std::string out(reinterpret_cast<char*>(der), size_t(len));
  OPENSSL_clear_free(der, size_t(len));
  return out;
}

Result<PkeyPtr> PkeyFromPkcs8Der(std::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  PKCS8_PRIV_KEY_INFO* p8 = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, long(der.size()));
  if (!p8) return OpenSslError("decoding PKCS#8 private key");
  EVP_PKEY* pkey = EVP_PKCS82PKEY(p8);
  PKCS8_PRIV_KEY_INFO_free(p8);
  if (!pkey) return OpenSslError("decoding PKCS#8 private key");
  return PkeyPtr(pkey);
}

Result<std::string> Pkcs8DerToPem(std::string_view der) {
  RC_ASSIGN_OR_RETURN(PkeyPtr pkey, PkeyFromPkcs8Der(der));
  BIO* bio = BIO_new(BIO_s_mem());
  if (!PEM_write_bio_PKCS8PrivateKey(bio, pkey.get(), nullptr, nullptr, 0, nullptr, nullptr)) {
    BIO_free(bio);
    return OpenSslError("writing PEM private key");
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, size_t(n));
  BIO_free(bio);
  return out;
}

Result<std::string> Pkcs8PemToDer(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), int(pem.size()));
  // Never prompt for a passphrase: key files are unencrypted, an encrypted one is an error.
  pem_password_cb* no_password = [](char*, int, int, void*) { return 0; };
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio, nullptr, no_password, nullptr);
  BIO_free(bio);
  if (!pkey) return OpenSslError("reading PEM private key");
  PkeyPtr owned(pkey);
  return PkeyToPkcs8Der(owned.get());
}

}  // namespace rollcage::signer::internal
