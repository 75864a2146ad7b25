#include "oracle/internal/evp.h"

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

std::string Digest(const EVP_MD* md, std::string_view a, std::string_view b) {
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
