// OpenSSL EVP helpers for the oracle: message digests fetched once per process (fetching on every
// call costs more than hashing a small RRset), and one-shot digests. Only for oracle/ sources.
#ifndef ROLLCAGE_ORACLE_INTERNAL_EVP_H_
#define ROLLCAGE_ORACLE_INTERNAL_EVP_H_

#include <openssl/evp.h>

#include <initializer_list>
#include <string>
#include <string_view>

namespace rollcage::oracle::internal {

enum class Hash { kSha1, kSha256, kSha384, kSha512 };

// The fetched digest; never null (aborts the process if OpenSSL lacks SHA-1/2, which it never does).
const EVP_MD* Md(Hash h);

// A digest context owned by the calling thread (reused across calls; never shared).
EVP_MD_CTX* ThreadMdCtx();

// digest(a || b) with md.
std::string Digest(const EVP_MD* md, std::string_view a, std::string_view b);

// SHA-256 of the concatenated parts into out, allocating nothing.
void Sha256Into(std::initializer_list<std::string_view> parts, unsigned char out[32]);

}  // namespace rollcage::oracle::internal

#endif  // ROLLCAGE_ORACLE_INTERNAL_EVP_H_
