// The one-shot digests use OpenSSL's low-level SHA functions: EVP_DigestInit allocates on every
// call in OpenSSL 3, and the oracle hashes every RRSIG of every zone version (allocation is most of
// the cost under AddressSanitizer).
#define OPENSSL_SUPPRESS_DEPRECATED
#include "oracle/internal/evp.h"

#include <openssl/sha.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace rollcage::oracle::internal {
namespace {

struct Mds {
  EVP_MD* md[4];
  Mds() {
    const char* names[4] = {"SHA1", "SHA256", "SHA384", "SHA512"};
    for (int i = 0; i < 4; ++i) {
      md[i] = EVP_MD_fetch(nullptr, names[i], nullptr);
      if (!md[i]) {
        std::fprintf(stderr, "rollcage oracle: OpenSSL cannot fetch %s\n", names[i]);
        std::abort();
      }
    }
  }
};

}  // namespace

const EVP_MD* Md(Hash h) {
  static const Mds* mds = new Mds();  // never destroyed: worker threads may still hash at exit
  return mds->md[static_cast<int>(h)];
}

EVP_MD_CTX* ThreadMdCtx() {
  struct Holder {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Holder() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Holder h;
  return h.ctx;
}

namespace {

template <class Ctx, int (*Init)(Ctx*), int (*Update)(Ctx*, const void*, size_t), int (*Final)(unsigned char*, Ctx*)>
void LowLevel(std::initializer_list<std::string_view> parts, unsigned char* out) {
  Ctx c;
  Init(&c);
  for (std::string_view p : parts) Update(&c, p.data(), p.size());
  Final(out, &c);
}

// The digest of a || b as a string.
template <class Ctx, int (*Init)(Ctx*), int (*Update)(Ctx*, const void*, size_t), int (*Final)(unsigned char*, Ctx*),
          size_t kLen>
std::string LowLevelOf(std::string_view a, std::string_view b) {
  unsigned char out[kLen];
  LowLevel<Ctx, Init, Update, Final>({a, b}, out);
  return std::string(reinterpret_cast<char*>(out), kLen);
}

}  // namespace

void Sha256Into(std::initializer_list<std::string_view> parts, unsigned char out[32]) {
  LowLevel<SHA256_CTX, SHA256_Init, SHA256_Update, SHA256_Final>(parts, out);
}

std::string Digest(const EVP_MD* md, std::string_view a, std::string_view b) {
  switch (EVP_MD_get_type(md)) {  // the four digests DNSSEC uses: low level
    case NID_sha1: return LowLevelOf<SHA_CTX, SHA1_Init, SHA1_Update, SHA1_Final, SHA_DIGEST_LENGTH>(a, b);
    case NID_sha256: return LowLevelOf<SHA256_CTX, SHA256_Init, SHA256_Update, SHA256_Final, 32>(a, b);
    case NID_sha384: return LowLevelOf<SHA512_CTX, SHA384_Init, SHA384_Update, SHA384_Final, 48>(a, b);
    case NID_sha512: return LowLevelOf<SHA512_CTX, SHA512_Init, SHA512_Update, SHA512_Final, 64>(a, b);
    default: break;
  }
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = ThreadMdCtx();
  EVP_DigestInit_ex2(ctx, md, nullptr);
  EVP_DigestUpdate(ctx, a.data(), a.size());
  if (!b.empty()) EVP_DigestUpdate(ctx, b.data(), b.size());
  EVP_DigestFinal_ex(ctx, buf, &len);
  return std::string(reinterpret_cast<char*>(buf), len);
}

}  // namespace rollcage::oracle::internal
