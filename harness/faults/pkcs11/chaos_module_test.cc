// The chaos module loaded in-process over SoftHSMv2, driven by a direct PKCS#11 caller: it forwards
// everything with no plan, and each fault kind of a plan is observed by the caller and logged.
#include <gtest/gtest.h>
#include <softhsm/cryptoki.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "base/ckr.h"
#include "base/file.h"
#include "harness/faults/pkcs11/chaos_control.h"

namespace rollcage::faults {
namespace {

constexpr char kSoPin[] = "1234";
constexpr char kUserPin[] = "1111";
// DER of the prime256v1 OID (RFC 5480 §2.1.1.1), the CKA_EC_PARAMS of a P-256 key.
const std::vector<CK_BYTE> kP256Params = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};

#define ASSERT_CKR(expected, expr)                                                                   \
  do {                                                                                               \
    CK_RV rc_rv_ = (expr);                                                                           \
    ASSERT_EQ(rc_rv_, static_cast<CK_RV>(expected)) << #expr << " gave " << CkrName(rc_rv_);        \
  } while (0)
#define EXPECT_CKR(expected, expr)                                                                   \
  do {                                                                                               \
    CK_RV rc_rv_ = (expr);                                                                           \
    EXPECT_EQ(rc_rv_, static_cast<CK_RV>(expected)) << #expr << " gave " << CkrName(rc_rv_);        \
  } while (0)

ChaosControl* g_control = nullptr;

std::string Padded(const std::string& label) {
  std::string s = label;
  s.resize(32, ' ');
  return s;
}

class ChaosModuleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* tmp = std::getenv("TEST_TMPDIR");
    ASSERT_NE(tmp, nullptr);
    const std::string dir = std::string(tmp) + "/softhsm";
    ASSERT_TRUE(MakeDirs(dir + "/tokens").ok());
    {
      std::ofstream conf(dir + "/softhsm2.conf");
      conf << "directories.tokendir = " << dir << "/tokens\nobjectstore.backend = file\nlog.level = ERROR\n";
    }
    setenv("SOFTHSM2_CONF", (dir + "/softhsm2.conf").c_str(), 1);
    unsetenv("ROLLCAGE_CHAOS_PLAN");
    const char* softhsm = std::getenv("ROLLCAGE_SOFTHSM_MODULE");
    if (softhsm && *softhsm && !std::getenv("ROLLCAGE_CHAOS_REAL_MODULE")) {
      setenv("ROLLCAGE_CHAOS_REAL_MODULE", softhsm, 1);
    }
    char cwd[4096];
    ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
    auto control = ChaosControl::Load(std::string(cwd) + "/" + kChaosModuleRunfilesPath);
    ASSERT_TRUE(control.ok()) << control.status().message();
    g_control = new ChaosControl(std::move(*control));

    // Two tokens, as in a pool of two HSMs.
    CK_FUNCTION_LIST_PTR f = g_control->functions();
    ASSERT_CKR(CKR_OK, f->C_Initialize(nullptr));
    for (const char* label : {"hsm-a", "hsm-b"}) {
      CK_ULONG n = 16;
      CK_SLOT_ID slots[16];
      ASSERT_CKR(CKR_OK, f->C_GetSlotList(CK_TRUE, slots, &n));
      CK_SLOT_ID free_slot = 0;
      bool found = false;
      for (CK_ULONG i = 0; i < n && !found; ++i) {
        CK_TOKEN_INFO ti;
        ASSERT_CKR(CKR_OK, f->C_GetTokenInfo(slots[i], &ti));
        if (!(ti.flags & CKF_TOKEN_INITIALIZED)) {
          free_slot = slots[i];
          found = true;
        }
      }
      ASSERT_TRUE(found);
      std::string padded = Padded(label);
      ASSERT_CKR(CKR_OK, f->C_InitToken(free_slot, (CK_UTF8CHAR_PTR)kSoPin, 4, (CK_UTF8CHAR_PTR)padded.data()));
      // SoftHSM offers the next free slot after it is initialised again.
      ASSERT_CKR(CKR_OK, f->C_Finalize(nullptr));
      ASSERT_CKR(CKR_OK, f->C_Initialize(nullptr));
      CK_SLOT_ID slot = SlotOf(label);
      CK_SESSION_HANDLE s;
      ASSERT_CKR(CKR_OK, f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &s));
      ASSERT_CKR(CKR_OK, f->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)kSoPin, 4));
      ASSERT_CKR(CKR_OK, f->C_InitPIN(s, (CK_UTF8CHAR_PTR)kUserPin, 4));
      ASSERT_CKR(CKR_OK, f->C_CloseSession(s));
    }
    ASSERT_CKR(CKR_OK, f->C_Finalize(nullptr));
  }

  void SetUp() override {
    ASSERT_NE(g_control, nullptr);
    ASSERT_TRUE(control().ClearPlan().ok());
    control().TakeLog();
    ASSERT_CKR(CKR_OK, p11()->C_Initialize(nullptr));
  }

  void TearDown() override {
    ASSERT_TRUE(control().ClearPlan().ok());
    p11()->C_Finalize(nullptr);
  }

  static ChaosControl& control() { return *g_control; }
  static CK_FUNCTION_LIST_PTR p11() { return g_control->functions(); }

  // The slot holding the token with this label (through the module, as any caller would find it).
  static CK_SLOT_ID SlotOf(const std::string& label) {
    CK_ULONG n = 16;
    CK_SLOT_ID slots[16];
    EXPECT_CKR(CKR_OK, p11()->C_GetSlotList(CK_TRUE, slots, &n));
    for (CK_ULONG i = 0; i < n; ++i) {
      CK_TOKEN_INFO ti;
      if (p11()->C_GetTokenInfo(slots[i], &ti) != CKR_OK) continue;
      if (std::memcmp(ti.label, Padded(label).data(), 32) == 0) return slots[i];
    }
    ADD_FAILURE() << "no token " << label;
    return 0;
  }

  static void SetPlan(const std::string& text) {
    Status st = control().SetPlanText(text);
    ASSERT_TRUE(st.ok()) << st.message();
  }

  CK_SESSION_HANDLE OpenLoggedIn(CK_SLOT_ID slot) {
    CK_SESSION_HANDLE s = 0;
    EXPECT_CKR(CKR_OK, p11()->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &s));
    CK_RV rv = p11()->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)kUserPin, 4);
    EXPECT_TRUE(rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) << CkrName(rv);
    return s;
  }

  // Generates a session EC P-256 key pair labelled label; returns the CK_RV of C_GenerateKeyPair.
  CK_RV GenerateKey(CK_SESSION_HANDLE s, const std::string& label, CK_OBJECT_HANDLE* pub, CK_OBJECT_HANDLE* priv) {
    CK_MECHANISM mech = {CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    std::vector<CK_BYTE> params = kP256Params;
    CK_ATTRIBUTE pub_t[] = {
        {CKA_TOKEN, &no, sizeof no},
        {CKA_EC_PARAMS, params.data(), params.size()},
        {CKA_VERIFY, &yes, sizeof yes},
        {CKA_LABEL, (void*)label.data(), label.size()},
    };
    CK_ATTRIBUTE priv_t[] = {
        {CKA_TOKEN, &no, sizeof no},       {CKA_PRIVATE, &yes, sizeof yes},
        {CKA_SENSITIVE, &yes, sizeof yes}, {CKA_SIGN, &yes, sizeof yes},
        {CKA_LABEL, (void*)label.data(), label.size()},
    };
    return p11()->C_GenerateKeyPair(s, &mech, pub_t, 4, priv_t, 5, pub, priv);
  }

  // SHA-256 of text, computed by the token through the module.
  std::vector<CK_BYTE> Digest(CK_SESSION_HANDLE s, const std::string& text) {
    CK_MECHANISM mech = {CKM_SHA256, nullptr, 0};
    std::vector<CK_BYTE> out(32);
    CK_ULONG len = out.size();
    EXPECT_CKR(CKR_OK, p11()->C_DigestInit(s, &mech));
    EXPECT_CKR(CKR_OK, p11()->C_Digest(s, (CK_BYTE_PTR)text.data(), text.size(), out.data(), &len));
    out.resize(len);
    return out;
  }

  // C_SignInit + C_Sign with CKM_ECDSA over a digest (SoftHSM 2.6.1 has no CKM_ECDSA_SHA256).
  CK_RV Sign(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key, const std::vector<CK_BYTE>& digest,
             std::vector<CK_BYTE>* sig) {
    CK_MECHANISM mech = {CKM_ECDSA, nullptr, 0};
    CK_RV rv = p11()->C_SignInit(s, &mech, key);
    if (rv != CKR_OK) return rv;
    sig->assign(256, 0);
    CK_ULONG len = sig->size();
    rv = p11()->C_Sign(s, (CK_BYTE_PTR)digest.data(), digest.size(), sig->data(), &len);
    sig->resize(rv == CKR_OK ? len : 0);
    return rv;
  }

  CK_RV Verify(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE pub, const std::vector<CK_BYTE>& digest,
               const std::vector<CK_BYTE>& sig) {
    CK_MECHANISM mech = {CKM_ECDSA, nullptr, 0};
    CK_RV rv = p11()->C_VerifyInit(s, &mech, pub);
    if (rv != CKR_OK) return rv;
    return p11()->C_Verify(s, (CK_BYTE_PTR)digest.data(), digest.size(), (CK_BYTE_PTR)sig.data(), sig.size());
  }

  int CountObjects(CK_SESSION_HANDLE s, const std::string& label) {
    CK_ATTRIBUTE t[] = {{CKA_LABEL, (void*)label.data(), label.size()}};
    EXPECT_CKR(CKR_OK, p11()->C_FindObjectsInit(s, t, 1));
    CK_OBJECT_HANDLE found[16];
    CK_ULONG n = 0;
    EXPECT_CKR(CKR_OK, p11()->C_FindObjects(s, found, 16, &n));
    EXPECT_CKR(CKR_OK, p11()->C_FindObjectsFinal(s));
    return static_cast<int>(n);
  }

  std::vector<CK_BYTE> EcPoint(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE pub, CK_RV* rv) {
    std::vector<CK_BYTE> point(128);
    CK_ATTRIBUTE t[] = {{CKA_EC_POINT, point.data(), point.size()}};
    *rv = p11()->C_GetAttributeValue(s, pub, t, 1);
    point.resize(*rv == CKR_OK ? t[0].ulValueLen : 0);
    return point;
  }
};

TEST_F(ChaosModuleTest, ForwardsEverythingWithNoPlan) {
  CK_INFO info;
  ASSERT_CKR(CKR_OK, p11()->C_GetInfo(&info));
  EXPECT_EQ(info.cryptokiVersion.major, 2);
  CK_SLOT_ID slot = SlotOf("hsm-a");
  CK_SLOT_INFO si;
  ASSERT_CKR(CKR_OK, p11()->C_GetSlotInfo(slot, &si));
  EXPECT_TRUE(si.flags & CKF_TOKEN_PRESENT);
  CK_ULONG nmech = 0;
  ASSERT_CKR(CKR_OK, p11()->C_GetMechanismList(slot, nullptr, &nmech));
  EXPECT_GT(nmech, 10u);
  CK_MECHANISM_INFO mi;
  ASSERT_CKR(CKR_OK, p11()->C_GetMechanismInfo(slot, CKM_ECDSA, &mi));
  EXPECT_TRUE(mi.flags & CKF_SIGN);

  CK_SESSION_HANDLE s = OpenLoggedIn(slot);
  CK_OBJECT_HANDLE pub = 0, priv = 0;
  ASSERT_CKR(CKR_OK, GenerateKey(s, "k-forward", &pub, &priv));
  std::vector<CK_BYTE> digest = Digest(s, "rollcage");
  ASSERT_EQ(digest.size(), 32u);
  std::vector<CK_BYTE> sig;
  ASSERT_CKR(CKR_OK, Sign(s, priv, digest, &sig));
  EXPECT_EQ(sig.size(), 64u);
  EXPECT_CKR(CKR_OK, Verify(s, pub, digest, sig));
  sig[5] ^= 1;
  EXPECT_CKR(CKR_SIGNATURE_INVALID, Verify(s, pub, digest, sig));
  CK_RV rv;
  EXPECT_EQ(EcPoint(s, pub, &rv).size(), 67u);  // DER OCTET STRING of an uncompressed P-256 point
  CK_BYTE random[16];
  EXPECT_CKR(CKR_OK, p11()->C_GenerateRandom(s, random, sizeof random));
  EXPECT_CKR(CKR_OK, p11()->C_Logout(s));
  EXPECT_CKR(CKR_OK, p11()->C_CloseSession(s));

  for (const ChaosLogLine& line : control().TakeLog()) {
    EXPECT_NE(line.kind, "injected") << line.text;
  }
  const std::string stats = control().Stats();
  EXPECT_NE(stats.find("C_Sign calls=1 injected=0"), std::string::npos) << stats;
}

TEST_F(ChaosModuleTest, DeviceErrorOnTheSecondSignAndTheOperationIsEnded) {
  CK_SESSION_HANDLE s = OpenLoggedIn(SlotOf("hsm-a"));
  CK_OBJECT_HANDLE pub, priv;
  ASSERT_CKR(CKR_OK, GenerateKey(s, "k-rv", &pub, &priv));
  std::vector<CK_BYTE> digest = Digest(s, "x"), sig;
  SetPlan("C_Sign call 2 rv CKR_DEVICE_ERROR\n");
  EXPECT_CKR(CKR_OK, Sign(s, priv, digest, &sig));
  EXPECT_CKR(CKR_DEVICE_ERROR, Sign(s, priv, digest, &sig));
  // PKCS#11 ends an operation on failure: the next C_SignInit must work.
  EXPECT_CKR(CKR_OK, Sign(s, priv, digest, &sig));
  EXPECT_CKR(CKR_OK, Verify(s, pub, digest, sig));
  auto injected = control().TakeInjected();
  ASSERT_EQ(injected.size(), 1u);
  EXPECT_EQ(injected[0].function, "C_Sign");
  EXPECT_EQ(injected[0].call, 2u);
  EXPECT_EQ(injected[0].fault, "rv:CKR_DEVICE_ERROR");
  EXPECT_EQ(injected[0].real, "not-called");
  EXPECT_EQ(injected[0].slot, SlotOf("hsm-a"));
  EXPECT_EQ(injected[0].session, s);
}

TEST_F(ChaosModuleTest, SessionHandleInvalidAndTokenNotPresentAndDeviceRemovedAsRv) {
  CK_SLOT_ID slot = SlotOf("hsm-a");
  CK_SESSION_HANDLE s = OpenLoggedIn(slot);
  CK_OBJECT_HANDLE pub, priv;
  ASSERT_CKR(CKR_OK, GenerateKey(s, "k-rvs", &pub, &priv));
  std::vector<CK_BYTE> digest = Digest(s, "x"), sig;
  SetPlan("C_Sign call 1 rv CKR_SESSION_HANDLE_INVALID\n"
          "C_OpenSession call 1 rv CKR_TOKEN_NOT_PRESENT\n"
          "C_Login call 1 rv CKR_DEVICE_REMOVED\n");
  EXPECT_CKR(CKR_SESSION_HANDLE_INVALID, Sign(s, priv, digest, &sig));
  CK_SESSION_HANDLE s2;
  EXPECT_CKR(CKR_TOKEN_NOT_PRESENT, p11()->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &s2));
  ASSERT_CKR(CKR_OK, p11()->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &s2));
  EXPECT_CKR(CKR_DEVICE_REMOVED, p11()->C_Login(s2, CKU_USER, (CK_UTF8CHAR_PTR)kUserPin, 4));
  EXPECT_CKR(CKR_OK, Sign(s, priv, digest, &sig));
  EXPECT_EQ(control().TakeInjected().size(), 3u);
}

TEST_F(ChaosModuleTest, SucceedButReportCreatesTheKeyButReportsFailure) {
  CK_SESSION_HANDLE s = OpenLoggedIn(SlotOf("hsm-a"));
  SetPlan("C_GenerateKeyPair call 1 succeed-but-report CKR_DEVICE_ERROR\n");
  CK_OBJECT_HANDLE pub = 0, priv = 0;
  EXPECT_CKR(CKR_DEVICE_ERROR, GenerateKey(s, "k-sbr", &pub, &priv));
  EXPECT_EQ(CountObjects(s, "k-sbr"), 2);  // the HSM made the pair anyway
  auto injected = control().TakeInjected();
  ASSERT_EQ(injected.size(), 1u);
  EXPECT_EQ(injected[0].fault, "succeed-but-report:CKR_DEVICE_ERROR");
  EXPECT_EQ(injected[0].real, "CKR_OK");
  EXPECT_EQ(injected[0].rv, "CKR_DEVICE_ERROR");
}

TEST_F(ChaosModuleTest, SucceedButReportOnALengthQueryEndsTheOperation) {
  CK_SESSION_HANDLE s = OpenLoggedIn(SlotOf("hsm-a"));
  CK_OBJECT_HANDLE pub, priv;
  ASSERT_CKR(CKR_OK, GenerateKey(s, "k-sbr-len", &pub, &priv));
  std::vector<CK_BYTE> digest = Digest(s, "x"), sig;
  SetPlan("C_Sign call 1 succeed-but-report CKR_DEVICE_ERROR\n");
  CK_MECHANISM mech = {CKM_ECDSA, nullptr, 0};
  ASSERT_CKR(CKR_OK, p11()->C_SignInit(s, &mech, priv));
  CK_ULONG len = 0;
  EXPECT_CKR(CKR_DEVICE_ERROR, p11()->C_Sign(s, digest.data(), digest.size(), nullptr, &len));
  EXPECT_CKR(CKR_OK, Sign(s, priv, digest, &sig));
  EXPECT_CKR(CKR_OK, Verify(s, pub, digest, sig));
}

TEST_F(ChaosModuleTest, FailedMultiPartStepEndsTheOperation) {
  CK_SESSION_HANDLE s = OpenLoggedIn(SlotOf("hsm-a"));
  SetPlan("C_DigestUpdate call 1 rv CKR_DEVICE_ERROR\n");
  CK_MECHANISM mech = {CKM_SHA256, nullptr, 0};
  CK_BYTE part[3] = {1, 2, 3};
  ASSERT_CKR(CKR_OK, p11()->C_DigestInit(s, &mech));
  EXPECT_CKR(CKR_DEVICE_ERROR, p11()->C_DigestUpdate(s, part, 3));
  EXPECT_CKR(CKR_OK, p11()->C_DigestInit(s, &mech));
  EXPECT_CKR(CKR_OK, p11()->C_DigestUpdate(s, part, 3));
  CK_BYTE out[32];
  CK_ULONG len = sizeof out;
  EXPECT_CKR(CKR_OK, p11()->C_DigestFinal(s, out, &len));
}

TEST_F(ChaosModuleTest, CorruptFlipsABitOfTheSignatureAndOfAttributes) {
  CK_SESSION_HANDLE s = OpenLoggedIn(SlotOf("hsm-a"));
  CK_OBJECT_HANDLE pub, priv;
  ASSERT_CKR(CKR_OK, GenerateKey(s, "k-corrupt", &pub, &priv));
  std::vector<CK_BYTE> digest = Digest(s, "x"), sig;
  CK_RV rv;
  const std::vector<CK_BYTE> point = EcPoint(s, pub, &rv);
  ASSERT_CKR(CKR_OK, rv);
  SetPlan("C_Sign call 1 corrupt\nC_GetAttributeValue call 1 corrupt\n");
  ASSERT_CKR(CKR_OK, Sign(s, priv, digest, &sig));
  EXPECT_CKR(CKR_SIGNATURE_INVALID, Verify(s, pub, digest, sig));
  ASSERT_CKR(CKR_OK, Sign(s, priv, digest, &sig));
  EXPECT_CKR(CKR_OK, Verify(s, pub, digest, sig));
  std::vector<CK_BYTE> bad = EcPoint(s, pub, &rv);
  ASSERT_CKR(CKR_OK, rv);
  ASSERT_EQ(bad.size(), point.size());
  int differing_bits = 0;
  for (size_t i = 0; i < bad.size(); ++i) differing_bits += __builtin_popcount(bad[i] ^ point[i]);
  EXPECT_EQ(differing_bits, 1);
  EXPECT_EQ(EcPoint(s, pub, &rv), point);
  auto injected = control().TakeInjected();
  ASSERT_EQ(injected.size(), 2u);
  EXPECT_EQ(injected[0].fault.rfind("corrupt:part=0,byte=", 0), 0u) << injected[0].text;
  EXPECT_EQ(injected[1].function, "C_GetAttributeValue");
}

TEST_F(ChaosModuleTest, LatencyDelaysTheCall) {
  CK_SESSION_HANDLE s = OpenLoggedIn(SlotOf("hsm-a"));
  CK_OBJECT_HANDLE pub, priv;
  ASSERT_CKR(CKR_OK, GenerateKey(s, "k-lat", &pub, &priv));
  std::vector<CK_BYTE> digest = Digest(s, "x"), sig;
  SetPlan("C_Sign call 1 latency 200ms\n");
  auto start = std::chrono::steady_clock::now();
  ASSERT_CKR(CKR_OK, Sign(s, priv, digest, &sig));
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, std::chrono::milliseconds(200));
  EXPECT_CKR(CKR_OK, Verify(s, pub, digest, sig));
  auto injected = control().TakeInjected();
  ASSERT_EQ(injected.size(), 1u);
  EXPECT_EQ(injected[0].fault, "latency:200ms");
  EXPECT_EQ(injected[0].rv, "CKR_OK");
}

TEST_F(ChaosModuleTest, RemovedDeviceFailsEveryLaterCallUntilThePlanIsReplaced) {
  CK_SLOT_ID a = SlotOf("hsm-a");
  CK_SESSION_HANDLE s = OpenLoggedIn(a);
  CK_OBJECT_HANDLE pub, priv;
  ASSERT_CKR(CKR_OK, GenerateKey(s, "k-removed", &pub, &priv));
  std::vector<CK_BYTE> digest = Digest(s, "x"), sig;
  SetPlan("* after 2 removed\n");
  CK_MECHANISM mech = {CKM_ECDSA, nullptr, 0};
  ASSERT_CKR(CKR_OK, p11()->C_SignInit(s, &mech, priv));  // call 1
  CK_ULONG len = 0;
  ASSERT_CKR(CKR_OK, p11()->C_Sign(s, digest.data(), digest.size(), nullptr, &len));  // call 2
  sig.assign(len, 0);
  EXPECT_CKR(CKR_DEVICE_REMOVED, p11()->C_Sign(s, digest.data(), digest.size(), sig.data(), &len));  // 3
  EXPECT_CKR(CKR_DEVICE_REMOVED, p11()->C_SignInit(s, &mech, priv));
  CK_SESSION_HANDLE s2;
  EXPECT_CKR(CKR_TOKEN_NOT_PRESENT, p11()->C_OpenSession(a, CKF_SERIAL_SESSION, nullptr, nullptr, &s2));
  CK_TOKEN_INFO ti;
  EXPECT_CKR(CKR_TOKEN_NOT_PRESENT, p11()->C_GetTokenInfo(a, &ti));
  CK_SLOT_INFO si;
  ASSERT_CKR(CKR_OK, p11()->C_GetSlotInfo(a, &si));
  EXPECT_FALSE(si.flags & CKF_TOKEN_PRESENT);
  CK_ULONG n = 0;
  ASSERT_CKR(CKR_OK, p11()->C_GetSlotList(CK_TRUE, nullptr, &n));
  EXPECT_EQ(n, 0u);
  ASSERT_CKR(CKR_OK, p11()->C_GetSlotList(CK_FALSE, nullptr, &n));
  EXPECT_GE(n, 3u);  // the slots stay; their tokens are gone

  auto injected = control().TakeInjected();
  ASSERT_GE(injected.size(), 5u);
  EXPECT_EQ(injected[0].fault, "removed:CKR_DEVICE_REMOVED");
  EXPECT_EQ(injected[0].call, 3u);
  // seq numbers calls: it grows from call to call, and the faults of one call share it.
  for (size_t i = 1; i < injected.size(); ++i) EXPECT_GE(injected[i].seq, injected[i - 1].seq);
  EXPECT_GT(injected.back().seq, injected[0].seq);

  // The device comes back when the plan is replaced; like a real removal, its sessions are gone.
  SetPlan("");
  EXPECT_CKR(CKR_SESSION_HANDLE_INVALID, p11()->C_SignInit(s, &mech, priv));
  ASSERT_CKR(CKR_OK, p11()->C_GetSlotList(CK_TRUE, nullptr, &n));
  EXPECT_GE(n, 3u);
  CK_SESSION_HANDLE s3 = OpenLoggedIn(a);
  ASSERT_CKR(CKR_OK, GenerateKey(s3, "k-removed-2", &pub, &priv));
  EXPECT_CKR(CKR_OK, Sign(s3, priv, digest, &sig));
}

TEST_F(ChaosModuleTest, RemovedForNCallsComesBack) {
  CK_SLOT_ID a = SlotOf("hsm-a");
  SetPlan("C_OpenSession call 1 removed for 2\n");
  CK_SESSION_HANDLE s;
  EXPECT_CKR(CKR_TOKEN_NOT_PRESENT, p11()->C_OpenSession(a, CKF_SERIAL_SESSION, nullptr, nullptr, &s));
  EXPECT_CKR(CKR_TOKEN_NOT_PRESENT, p11()->C_OpenSession(a, CKF_SERIAL_SESSION, nullptr, nullptr, &s));
  EXPECT_CKR(CKR_TOKEN_NOT_PRESENT, p11()->C_OpenSession(a, CKF_SERIAL_SESSION, nullptr, nullptr, &s));
  EXPECT_CKR(CKR_OK, p11()->C_OpenSession(a, CKF_SERIAL_SESSION, nullptr, nullptr, &s));
}

TEST_F(ChaosModuleTest, OneTokenOfTwoFailsAlone) {
  CK_SLOT_ID a = SlotOf("hsm-a"), b = SlotOf("hsm-b");
  ASSERT_NE(a, b);
  CK_SESSION_HANDLE sa = OpenLoggedIn(a), sb = OpenLoggedIn(b);
  CK_OBJECT_HANDLE pa, ka, pb, kb;
  ASSERT_CKR(CKR_OK, GenerateKey(sa, "k-a", &pa, &ka));
  ASSERT_CKR(CKR_OK, GenerateKey(sb, "k-b", &pb, &kb));
  std::vector<CK_BYTE> digest = Digest(sa, "x"), sig;
  SetPlan("C_Sign always rv CKR_DEVICE_ERROR token hsm-b\nC_Sign call 2 rv CKR_FUNCTION_FAILED slot " +
          std::to_string(a) + "\n");
  for (int i = 1; i <= 3; ++i) {
    SCOPED_TRACE("call " + std::to_string(i));
    EXPECT_CKR(i == 2 ? CKR_FUNCTION_FAILED : CKR_OK, Sign(sa, ka, digest, &sig));
    EXPECT_CKR(CKR_DEVICE_ERROR, Sign(sb, kb, digest, &sig));
  }
  auto injected = control().TakeInjected();
  ASSERT_EQ(injected.size(), 4u);
  EXPECT_EQ(injected[1].slot, a);  // the 2nd C_Sign on hsm-a (4th C_Sign overall)
  EXPECT_EQ(injected[1].call, 2u);

  SetPlan("* always removed token hsm-b\n");
  EXPECT_CKR(CKR_DEVICE_REMOVED, Sign(sb, kb, digest, &sig));
  EXPECT_CKR(CKR_OK, Sign(sa, ka, digest, &sig));
  CK_ULONG n = 16;
  CK_SLOT_ID slots[16];
  ASSERT_CKR(CKR_OK, p11()->C_GetSlotList(CK_TRUE, slots, &n));
  bool saw_a = false, saw_b = false;
  for (CK_ULONG i = 0; i < n; ++i) {
    saw_a |= slots[i] == a;
    saw_b |= slots[i] == b;
  }
  EXPECT_TRUE(saw_a);
  EXPECT_FALSE(saw_b);
  CK_ULONG small = 0;
  EXPECT_CKR(CKR_BUFFER_TOO_SMALL, p11()->C_GetSlotList(CK_TRUE, slots, &small));
  EXPECT_EQ(small, n);
}

TEST_F(ChaosModuleTest, OperationActiveAfterAFailedSignUntilTheSessionIsClosed) {
  CK_SLOT_ID a = SlotOf("hsm-a");
  CK_SESSION_HANDLE s = OpenLoggedIn(a), other = OpenLoggedIn(a);
  CK_OBJECT_HANDLE pub, priv;
  ASSERT_CKR(CKR_OK, GenerateKey(other, "k-opactive", &pub, &priv));  // outlives s
  std::vector<CK_BYTE> digest = Digest(s, "x"), sig;
  SetPlan("C_Sign call 1 rv CKR_DEVICE_ERROR then operation-active\n");
  EXPECT_CKR(CKR_DEVICE_ERROR, Sign(s, priv, digest, &sig));
  EXPECT_CKR(CKR_OPERATION_ACTIVE, Sign(s, priv, digest, &sig));
  EXPECT_CKR(CKR_OPERATION_ACTIVE, Sign(s, priv, digest, &sig));
  EXPECT_CKR(CKR_OK, Sign(other, priv, digest, &sig));  // another session of the same token is fine
  EXPECT_CKR(CKR_OK, p11()->C_CloseSession(s));
  CK_SESSION_HANDLE fresh = OpenLoggedIn(a);
  EXPECT_CKR(CKR_OK, Sign(fresh, priv, digest, &sig));
  EXPECT_CKR(CKR_OK, Verify(fresh, pub, digest, sig));
  auto injected = control().TakeInjected();
  ASSERT_EQ(injected.size(), 3u);
  EXPECT_EQ(injected[0].fault, "rv:CKR_DEVICE_ERROR+then-operation-active");
  EXPECT_EQ(injected[1].fault, "operation-active:CKR_OPERATION_ACTIVE");
  EXPECT_EQ(injected[1].function, "C_SignInit");
}

TEST_F(ChaosModuleTest, LogListsEveryInjectedFaultInOrder) {
  CK_SESSION_HANDLE s = OpenLoggedIn(SlotOf("hsm-a"));
  CK_OBJECT_HANDLE pub, priv;
  ASSERT_CKR(CKR_OK, GenerateKey(s, "k-log", &pub, &priv));
  std::vector<CK_BYTE> digest = Digest(s, "x"), sig;
  SetPlan("seed 9\nC_Sign every 2 rv CKR_DEVICE_ERROR\nC_SignInit call 3 latency 1ms\n");
  int failures = 0;
  for (int i = 0; i < 6; ++i) failures += Sign(s, priv, digest, &sig) != CKR_OK;
  EXPECT_EQ(failures, 3);
  std::vector<ChaosLogLine> log = control().TakeLog();
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log[0].kind, "plan");
  EXPECT_EQ(log[0].text, "plan source=api seed=9 rules=2");
  std::vector<std::string> faults;
  uint64_t last_seq = 0;
  for (const ChaosLogLine& line : log) {
    if (line.kind != "injected") continue;
    faults.push_back(line.function + "#" + std::to_string(line.call) + " " + line.fault);
    EXPECT_GT(line.seq, last_seq);
    last_seq = line.seq;
  }
  EXPECT_EQ(faults, (std::vector<std::string>{"C_Sign#2 rv:CKR_DEVICE_ERROR", "C_SignInit#3 latency:1ms",
                                              "C_Sign#4 rv:CKR_DEVICE_ERROR", "C_Sign#6 rv:CKR_DEVICE_ERROR"}));
  EXPECT_TRUE(control().TakeLog().empty());
}

TEST_F(ChaosModuleTest, BadPlanTextIsRejectedAndTheOldPlanStays) {
  SetPlan("C_OpenSession call 1 rv CKR_DEVICE_ERROR\n");
  Status st = control().SetPlanText("seed 1\nC_Sign sometimes rv CKR_DEVICE_ERROR\n");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "<rollcage_chaos_set_plan>:2: unknown trigger 'sometimes' (call, calls, every, after, prob, always)");
  EXPECT_EQ(control().PlanText(), "seed 0\nC_OpenSession call 1 rv CKR_DEVICE_ERROR\n");
  CK_SESSION_HANDLE s;
  EXPECT_CKR(CKR_DEVICE_ERROR, p11()->C_OpenSession(SlotOf("hsm-a"), CKF_SERIAL_SESSION, nullptr, nullptr, &s));
  bool logged = false;
  for (const ChaosLogLine& line : control().TakeLog()) logged |= line.kind == "error";
  EXPECT_TRUE(logged);
}

TEST_F(ChaosModuleTest, RandomPlansFromTheGeneratorRunWithoutCrashing) {
  const CK_SLOT_ID slots[2] = {SlotOf("hsm-a"), SlotOf("hsm-b")};
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    RandomFaultPlanOptions o;
    o.seed = seed;
    o.fault_budget = 4;
    o.max_call = 4;
    o.max_latency_ms = 2;
    o.tokens = {"hsm-a", "hsm-b"};
    ASSERT_TRUE(control().SetPlan(GenerateRandomFaultPlan(o)).ok());
    CK_SLOT_ID slot = slots[seed % 2];
    CK_SESSION_HANDLE s = 0;
    if (p11()->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &s) != CKR_OK) continue;
    p11()->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)kUserPin, 4);
    CK_OBJECT_HANDLE pub = 0, priv = 0;
    if (GenerateKey(s, "k-random", &pub, &priv) == CKR_OK) {
      std::vector<CK_BYTE> digest(32, 7), sig;
      for (int i = 0; i < 6; ++i) Sign(s, priv, digest, &sig);
    }
    p11()->C_CloseSession(s);
    for (const ChaosLogLine& line : control().TakeLog()) EXPECT_NE(line.kind, "unparsed") << line.text;
  }
}

}  // namespace
}  // namespace rollcage::faults
