// SHA256_Init and friends: deprecated in OpenSSL 3.0 but allocation-free (see Sha256Into).
#define OPENSSL_SUPPRESS_DEPRECATED
#include "signer-under-test/internal/openssl_util.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <cstring>
#include <optional>
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
void Sha1Into(std::initializer_list<std::string_view> parts, unsigned char out[20]) { kSha1.Into(parts, out); }
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

namespace {

// PKCS#8 PrivateKeyInfo (RFC 5208) as OpenSSL 3 writes it for the two fixed-size key types, written
// directly: OpenSSL's encoder allocates some 470 times per key, and the scenario fuzz target makes
// keys in most runs. Checked equal to OpenSSL's encoding (openssl_key_store_test).
// P-256: an RFC 5915 ECPrivateKey without parameters, with the public key.
constexpr unsigned char kP256Pkcs8Head[] = {
    0x30, 0x81, 0x87, 0x02, 0x01, 0x00,                                      // SEQUENCE, version 0
    0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,        // id-ecPublicKey
    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,              // prime256v1
    0x04, 0x6d, 0x30, 0x6b, 0x02, 0x01, 0x01, 0x04, 0x20};                   // ECPrivateKey, d
constexpr unsigned char kP256Pkcs8Mid[] = {0xa1, 0x44, 0x03, 0x42, 0x00};  // [1] BIT STRING: 04 || X || Y
// Ed25519 (RFC 8410 §7): the private key only.
constexpr unsigned char kEd25519Pkcs8Head[] = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
                                               0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};

std::optional<std::string> FixedPkcs8(EVP_PKEY* pkey) {
  auto bytes = [](const unsigned char* p, size_t n) { return std::string_view(reinterpret_cast<const char*>(p), n); };
  if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_ED25519) {
    unsigned char priv[32];
    size_t len = sizeof priv;
    if (EVP_PKEY_get_raw_private_key(pkey, priv, &len) != 1 || len != 32) return std::nullopt;
    std::string out(bytes(kEd25519Pkcs8Head, sizeof kEd25519Pkcs8Head));
    out.append(bytes(priv, 32));
    OPENSSL_cleanse(priv, sizeof priv);
    return out;
  }
  if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC) return std::nullopt;
  char curve[32];
  size_t curve_len = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve, &curve_len) != 1 ||
      std::string_view(curve, curve_len) != SN_X9_62_prime256v1) {
    return std::nullopt;
  }
  unsigned char pub[65], d[32];
  size_t pub_len = 0;
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &pub_len) != 1 ||
      pub_len != 65 || pub[0] != 0x04 || EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &bn) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  BnPtr owned(bn);
  if (BN_bn2binpad(bn, d, 32) != 32) return std::nullopt;
  std::string out;
  out.reserve(138);
  out.append(bytes(kP256Pkcs8Head, sizeof kP256Pkcs8Head));
  out.append(bytes(d, 32));
  out.append(bytes(kP256Pkcs8Mid, sizeof kP256Pkcs8Mid));
  out.append(bytes(pub, 65));
  OPENSSL_cleanse(d, sizeof d);
  return out;
}

}  // namespace

Result<std::string> PkeyToPkcs8Der(EVP_PKEY* pkey) {
  if (auto fixed = FixedPkcs8(pkey)) return *std::move(fixed);
  return PkeyToPkcs8DerByOpenSsl(pkey);
}

Result<std::string> PkeyToPkcs8DerByOpenSsl(EVP_PKEY* pkey) {
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
