#include "signer-under-test/pkcs11_key_store.h"

#include <dlfcn.h>
#include <softhsm/cryptoki.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "signer-under-test/openssl_key_store.h"
#include "signer-under-test/testing/verify.h"

namespace rollcage::signer {
namespace {

// Every store in this process shares one SoftHSM token directory (one module configuration).
std::string TokenDir() {
  const char* tmp = std::getenv("TEST_TMPDIR");
  return std::string(tmp ? tmp : "/tmp") + "/softhsm";
}

Pkcs11Options Options(const std::string& label, const std::string& pin = "1234") {
  Pkcs11Options o;
  o.softhsm_dir = TokenDir();
  o.token_label = label;
  o.pin = pin;
  o.so_pin = "5678";
  return o;
}

std::unique_ptr<Pkcs11KeyStore> OpenOrDie(const std::string& label) {
  auto store = Pkcs11KeyStore::Open(Options(label));
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? std::move(store).value() : nullptr;
}

class PerAlgorithm : public ::testing::TestWithParam<Algorithm> {};

TEST_P(PerAlgorithm, GenerateOnTokenSignAndVerify) {
  auto store = OpenOrDie("gen");
  ASSERT_TRUE(store);
  KeySpec spec{GetParam(), "example. zsk"};
  auto key = store->Generate(spec);
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_EQ(key->algorithm, GetParam());
  EXPECT_EQ(key->id, KeyIdFor(GetParam(), key->public_key));
  EXPECT_EQ(key->label, "example. zsk");
  auto sig = store->Sign(key->id, "signed data");
  ASSERT_TRUE(sig.ok()) << sig.status().message();
  EXPECT_TRUE(test_support::VerifyWithOpenSsl(*key, "signed data", *sig));
  EXPECT_FALSE(test_support::VerifyWithOpenSsl(*key, "signed datA", *sig));
  auto listed = store->List();
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  bool found = false;
  for (const auto& k : *listed) found |= k.id == key->id && k.public_key == key->public_key;
  EXPECT_TRUE(found);
  EXPECT_TRUE(store->Delete(key->id).ok());
  EXPECT_FALSE(store->Sign(key->id, "x").ok());
}

TEST_P(PerAlgorithm, ImportSoftwareKeyIntoTwoTokens) {
  // The multi-HSM pattern: key material made once in software, the same key in every token.
  auto der = DeriveKeyPkcs8(42, {GetParam(), "pool ksk"});
  ASSERT_TRUE(der.ok());
  OpenSslKeyStore software({.seed = 42});
  auto expected = software.Generate({GetParam(), "pool ksk"});
  ASSERT_TRUE(expected.ok());
  auto hsm1 = OpenOrDie("hsm1"), hsm2 = OpenOrDie("hsm2");
  ASSERT_TRUE(hsm1 && hsm2);
  EXPECT_NE(hsm1->slot(), hsm2->slot());
  for (Pkcs11KeyStore* store : {hsm1.get(), hsm2.get()}) {
    auto key = store->Import({GetParam(), "pool ksk"}, *der);
    ASSERT_TRUE(key.ok()) << key.status().message();
    EXPECT_EQ(key->id, expected->id);
    EXPECT_EQ(key->public_key, expected->public_key);
    auto again = store->Import({GetParam(), "pool ksk"}, *der);  // idempotent
    ASSERT_TRUE(again.ok()) << again.status().message();
    auto sig = store->Sign(key->id, "rrset");
    ASSERT_TRUE(sig.ok()) << sig.status().message();
    EXPECT_TRUE(test_support::VerifyWithOpenSsl(*expected, "rrset", *sig));
    auto got = store->Get(key->id);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->public_key, expected->public_key);
  }
  if (GetParam() != Algorithm::kEcdsaP256Sha256) {
    // RSA PKCS#1 v1.5 and Ed25519 are deterministic: the token signs exactly like the software key.
    EXPECT_EQ(*hsm1->Sign(expected->id, "rrset"), *software.Sign(expected->id, "rrset"));
  }
  auto mismatch = hsm1->Import({GetParam() == Algorithm::kEd25519 ? Algorithm::kRsaSha256 : Algorithm::kEd25519, "x"},
                               *der);
  EXPECT_FALSE(mismatch.ok());
}

INSTANTIATE_TEST_SUITE_P(Algorithms, PerAlgorithm,
                         ::testing::Values(Algorithm::kRsaSha256, Algorithm::kEcdsaP256Sha256, Algorithm::kEd25519),
                         [](const auto& info) { return std::string(AlgorithmName(info.param)); });

TEST(Pkcs11KeyStoreTest, WrongPinNamesCLoginAndTheCkr) {
  { ASSERT_TRUE(OpenOrDie("pin")); }
  auto bad = Pkcs11KeyStore::Open(Options("pin", "9999"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().kind(), ErrorKind::kKey);
  EXPECT_NE(bad.status().message().find("C_Login"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("CKR_PIN_INCORRECT"), std::string::npos) << bad.status().message();
}

TEST(Pkcs11KeyStoreTest, MissingModuleIsAnEnvironmentError) {
  Pkcs11Options o = Options("x");
  o.module_path = "/nonexistent/libnothing.so";
  auto store = Pkcs11KeyStore::Open(o);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().kind(), ErrorKind::kEnvironment);
  EXPECT_NE(store.status().message().find("/nonexistent/libnothing.so"), std::string::npos);
}

TEST(Pkcs11KeyStoreTest, NoTokenAndNoInitIsAKeyError) {
  Pkcs11Options o = Options("never-made");
  o.init_token = false;
  auto store = Pkcs11KeyStore::Open(o);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().kind(), ErrorKind::kKey);
  EXPECT_NE(store.status().message().find("never-made"), std::string::npos);
}

TEST(Pkcs11KeyStoreTest, MissingKeyAndBadIdAreKeyErrors) {
  auto store = OpenOrDie("missing");
  ASSERT_TRUE(store);
  auto s = store->Sign("00112233445566778899aabbccddeeff", "x");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().kind(), ErrorKind::kKey);
  EXPECT_NE(s.status().message().find("00112233445566778899aabbccddeeff"), std::string::npos);
  EXPECT_FALSE(store->Sign("zz", "x").ok());
  EXPECT_FALSE(store->Delete("00112233445566778899aabbccddeeff").ok());
  // The store still works afterwards.
  auto key = store->Generate({Algorithm::kEcdsaP256Sha256, "after"});
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_TRUE(store->Sign(key->id, "x").ok());
}

TEST(Pkcs11KeyStoreTest, KeysPersistAcrossModuleReinitialisation) {
  std::string id, pub;
  {
    auto store = OpenOrDie("persist");
    ASSERT_TRUE(store);
    auto key = store->Generate({Algorithm::kEd25519, "persisted"});
    ASSERT_TRUE(key.ok());
    id = key->id;
    pub = key->public_key;
  }
  // All stores are gone: the module was finalised. Opening again initialises it afresh.
  auto store = OpenOrDie("persist");
  ASSERT_TRUE(store);
  auto key = store->Get(id);
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_EQ(key->public_key, pub);
  EXPECT_EQ(key->label, "persisted");
  auto tokens = Pkcs11KeyStore::ListTokens(Options("persist"));
  ASSERT_TRUE(tokens.ok());
  bool seen = false;
  for (const auto& t : *tokens) seen |= t.label == "persist" && t.initialized;
  EXPECT_TRUE(seen);
}

// Sessions that die under the store (device removal, another caller's C_CloseAllSessions) surface
// as a Status naming the CK_RV; the store then recovers with a fresh, logged-in session.
TEST(Pkcs11KeyStoreTest, RecoversAfterItsSessionsAreClosedUnderIt) {
  auto store = OpenOrDie("closed");
  ASSERT_TRUE(store);
  auto key = store->Generate({Algorithm::kEcdsaP256Sha256, "k"});
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(store->Sign(key->id, "before").ok());
  void* handle = dlopen(store->module_path().c_str(), RTLD_NOW | RTLD_NOLOAD);
  ASSERT_NE(handle, nullptr);
  auto get_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(handle, "C_GetFunctionList"));
  CK_FUNCTION_LIST_PTR f = nullptr;
  ASSERT_EQ(get_list(&f), CKR_OK);
  ASSERT_EQ(f->C_CloseAllSessions(store->slot()), CKR_OK);
  auto failed = store->Sign(key->id, "during");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().kind(), ErrorKind::kKey);
  EXPECT_NE(failed.status().message().find("CKR_SESSION_HANDLE_INVALID"), std::string::npos)
      << failed.status().message();
  auto after = store->Sign(key->id, "after");
  ASSERT_TRUE(after.ok()) << after.status().message();
  EXPECT_TRUE(test_support::VerifyWithOpenSsl(*key, "after", *after));
  dlclose(handle);
}

TEST(Pkcs11KeyStoreTest, ConcurrentSigning) {
  auto store = OpenOrDie("threads");
  ASSERT_TRUE(store);
  auto key = store->Generate({Algorithm::kEcdsaP256Sha256, "k"});
  ASSERT_TRUE(key.ok());
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto s = store->Sign(key->id, "m" + std::to_string(i));
        if (!s.ok() || !test_support::VerifyWithOpenSsl(*key, "m" + std::to_string(i), *s)) ++bad;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
}  // namespace rollcage::signer
