#include "signer-under-test/internal/openssl_util.h"

#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

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

namespace {

// Digests through explicitly fetched EVP_MDs and a per-thread context: OpenSSL 3's one-shot SHA256()
// and EVP_sha256() look the algorithm up by name on every call, under a lock.
const EVP_MD* FetchedMd(const char* name) {
  static const EVP_MD* sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  static const EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  static const EVP_MD* sha512 = EVP_MD_fetch(nullptr, "SHA512", nullptr);
  switch (name[3]) {
    case '1': return sha1;
    case '2': return sha256;
    default: return sha512;
  }
}

EVP_MD_CTX* ThreadMdCtx() {
  thread_local MdCtxPtr ctx(EVP_MD_CTX_new());
  return ctx.get();
}

std::string Digest(const EVP_MD* md, std::initializer_list<std::string_view> parts) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = ThreadMdCtx();
  EVP_DigestInit_ex2(ctx, md, nullptr);
  for (auto p : parts) EVP_DigestUpdate(ctx, p.data(), p.size());
  EVP_DigestFinal_ex(ctx, out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

}  // namespace

const EVP_MD* Sha256Md() { return FetchedMd("SHA256"); }

std::string Sha256(std::string_view data) { return Digest(FetchedMd("SHA256"), {data}); }
std::string Sha1(std::string_view data) { return Digest(FetchedMd("SHA1"), {data}); }
std::string Sha512(std::string_view data) { return Digest(FetchedMd("SHA512"), {data}); }

std::string HmacSha256(std::string_view key, std::string_view data) {
  // RFC 2104: H((K ^ opad) || H((K ^ ipad) || data)), K padded to the 64-octet block.
  const EVP_MD* md = FetchedMd("SHA256");
  std::string k = key.size() > 64 ? Digest(md, {key}) : std::string(key);
  k.resize(64, '\0');
  std::string ipad(64, '\0'), opad(64, '\0');
  for (size_t i = 0; i < 64; ++i) {
    ipad[i] = char(k[i] ^ 0x36);
    opad[i] = char(k[i] ^ 0x5c);
  }
  std::string inner = Digest(md, {ipad, data});
  return Digest(md, {opad, inner});
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
