// Acceptance: real PKCS#11 consumers run through the chaos module as they would through any module.
// OpenSC's pkcs11-tool lists the slots, initialises a token, generates an EC P-256 key and signs with
// no plan, and fails with the planned CK_RV when a plan says so; softhsm2-util loads it too.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "base/file.h"
#include "base/subprocess.h"
#include "harness/faults/pkcs11/chaos_control.h"

namespace rollcage::faults {
namespace {

// Under --config=asan the module is instrumented: an uninstrumented consumer must preload the
// sanitizer runtimes this test process uses, or the loader refuses the module.
void AddSanitizerPreload(std::map<std::string, std::string>& env) {
#if defined(__SANITIZE_ADDRESS__)
  std::string preload;
  for (const char* sym : {"__asan_init", "__ubsan_handle_add_overflow"}) {
    Dl_info info;
    void* p = dlsym(RTLD_DEFAULT, sym);
    if (p && dladdr(p, &info) && info.dli_fname && std::string(info.dli_fname).find(".so") != std::string::npos) {
      if (!preload.empty()) preload += ":";
      preload += info.dli_fname;
    }
  }
  if (!preload.empty()) env["LD_PRELOAD"] = preload;
  env["ASAN_OPTIONS"] = "detect_leaks=0";
#else
  (void)env;
#endif
}

class ExternalConsumersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ProgramInPath("pkcs11-tool")) << "pkcs11-tool (Debian package opensc) is needed";
    const char* tmp = std::getenv("TEST_TMPDIR");
    ASSERT_NE(tmp, nullptr);
    const ::testing::TestInfo* t = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::string(tmp) + "/" + t->name();
    ASSERT_TRUE(MakeDirs(dir_ + "/tokens").ok());
    std::ofstream(dir_ + "/softhsm2.conf")
        << "directories.tokendir = " << dir_ << "/tokens\nobjectstore.backend = file\nlog.level = ERROR\n";
    char cwd[4096];
    ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
    module_ = std::string(cwd) + "/" + kChaosModuleRunfilesPath;
    ASSERT_EQ(access(module_.c_str(), R_OK), 0) << module_;
    env_["SOFTHSM2_CONF"] = dir_ + "/softhsm2.conf";
    env_["ROLLCAGE_CHAOS_PLAN"] = "";  // no plan unless a test sets one
    env_["ROLLCAGE_CHAOS_LOG"] = dir_ + "/chaos.log";
    if (const char* softhsm = std::getenv("ROLLCAGE_SOFTHSM_MODULE"); softhsm && *softhsm) {
      env_["ROLLCAGE_CHAOS_REAL_MODULE"] = softhsm;
    }
    AddSanitizerPreload(env_);
    digest_ = dir_ + "/digest";
    std::ofstream(digest_, std::ios::binary) << std::string(32, '\x5a');
  }

  RunResult Tool(std::vector<std::string> args, const std::string& program = "pkcs11-tool") {
    args.insert(args.begin(), {program, "--module", module_});
    auto r = RunCommand(args, {.env = env_, .timeout_seconds = 30});
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (!r.ok()) return {};
    EXPECT_FALSE(r->timed_out);
    return *r;
  }
  RunResult UserTool(std::vector<std::string> args) {
    args.insert(args.begin(), {"--token-label", "rc", "--login", "--pin", "1111"});
    return Tool(args);
  }

  void SetPlan(const std::string& text) {
    const std::string path = dir_ + "/chaos.plan";
    std::ofstream(path) << text;
    env_["ROLLCAGE_CHAOS_PLAN"] = path;
  }

  std::string Log() {
    auto text = ReadFile(dir_ + "/chaos.log");
    return text.ok() ? *text : "";
  }

  // Token "rc" with user PIN 1111, initialised through the chaos module.
  void InitToken() {
    RunResult r = Tool({"--init-token", "--slot-index", "0", "--label", "rc", "--so-pin", "1234"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("Token successfully initialized"), std::string::npos) << r.out;
    r = Tool({"--token-label", "rc", "--login", "--login-type", "so", "--so-pin", "1234", "--init-pin", "--pin", "1111"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  void GenerateKey(const std::string& id, const std::string& label) {
    RunResult r = UserTool({"--keypairgen", "--key-type", "EC:prime256v1", "--id", id, "--label", label});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("Key pair generated"), std::string::npos) << r.out;
  }

  RunResult SignWith(const std::string& id, const std::string& out) {
    return UserTool({"--sign", "--mechanism", "ECDSA", "--id", id, "--input-file", digest_, "--output-file", out});
  }

  std::string dir_, module_, digest_;
  std::map<std::string, std::string> env_;
};

TEST_F(ExternalConsumersTest, Pkcs11ToolListsInitialisesGeneratesAndSignsWithNoPlan) {
  RunResult r = Tool({"--list-slots"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Available slots:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SoftHSM slot ID"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("uninitialized"), std::string::npos) << r.out;

  InitToken();
  r = Tool({"--list-slots"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("token label        : rc"), std::string::npos) << r.out;

  GenerateKey("01", "k1");
  const std::string sig = dir_ + "/sig";
  r = SignWith("01", sig);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto bytes = ReadFile(sig);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->size(), 64u);  // r || s of P-256
  r = UserTool({"--verify", "--mechanism", "ECDSA", "--id", "01", "--input-file", digest_, "--signature-file", sig});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Signature is valid"), std::string::npos) << r.out;

  const std::string log = Log();
  EXPECT_NE(log.find("plan source=none"), std::string::npos) << log;
  EXPECT_EQ(log.find("injected"), std::string::npos) << log;
}

TEST_F(ExternalConsumersTest, Pkcs11ToolFailsWithThePlannedCkRv) {
  InitToken();
  GenerateKey("01", "k1");
  const std::string sig = dir_ + "/sig";

  // A device error on C_Sign. pkcs11-tool retries a failed C_Sign as C_SignInit + C_SignUpdate; the
  // plan fails that path too so the tool's last word names the planned error.
  SetPlan("C_Sign always rv CKR_DEVICE_ERROR\nC_SignUpdate always rv CKR_DEVICE_ERROR\n");
  RunResult r = SignWith("01", sig);
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("error: PKCS11 function C_SignUpdate failed: rv = CKR_DEVICE_ERROR (0x30)"), std::string::npos)
      << r.out << r.err;
  std::string log = Log();
  EXPECT_NE(log.find("fn=C_Sign call=1 "), std::string::npos) << log;
  EXPECT_NE(log.find("fault=rv:CKR_DEVICE_ERROR rv=CKR_DEVICE_ERROR real=not-called"), std::string::npos) << log;

  // Only the first C_Sign fails: the tool's fallback reaches SoftHSM, which has no multi-part ECDSA.
  SetPlan("C_Sign call 1 rv CKR_DEVICE_ERROR\n");
  r = SignWith("01", sig);
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;

  // The error comes straight from the first call that fails.
  SetPlan("C_SignInit call 1 rv CKR_DEVICE_ERROR\n");
  r = SignWith("01", sig);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("C_SignInit failed: rv = CKR_DEVICE_ERROR (0x30)"), std::string::npos) << r.err;

  // A buggy HSM: after the failed C_Sign, the tool's retry finds the operation still active.
  SetPlan("C_Sign call 1 rv CKR_DEVICE_ERROR then operation-active\n");
  r = SignWith("01", sig);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("C_SignInit failed: rv = CKR_OPERATION_ACTIVE (0x90)"), std::string::npos) << r.err;

  // The key pair is made inside the HSM but the tool is told it failed.
  SetPlan("C_GenerateKeyPair call 1 succeed-but-report CKR_DEVICE_ERROR\n");
  r = UserTool({"--keypairgen", "--key-type", "EC:prime256v1", "--id", "02", "--label", "k2"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("C_GenerateKeyPair failed: rv = CKR_DEVICE_ERROR (0x30)"), std::string::npos) << r.err;
  SetPlan("");
  r = UserTool({"--list-objects"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("k2"), std::string::npos) << r.out;

  // With the plan gone the tool signs again.
  r = SignWith("01", sig);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(ExternalConsumersTest, RemovedTokenLooksEmptyToPkcs11Tool) {
  InitToken();
  SetPlan("* always removed token rc\n");
  RunResult r = Tool({"--list-slots"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("(empty)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("token label        : rc"), std::string::npos) << r.out;
  r = UserTool({"--list-objects"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(Log().find("fault=token-hidden:"), std::string::npos) << Log();
}

TEST_F(ExternalConsumersTest, BadPlanRefusesInitializeAndSaysWhy) {
  SetPlan("seed 1\nC_Sign call 1 rv CKR_NOPE\n");
  RunResult r = Tool({"--list-slots"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("C_Initialize failed: rv = CKR_GENERAL_ERROR (0x5)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("chaos.plan:2: unknown CK_RV 'CKR_NOPE'"), std::string::npos) << r.err;
  EXPECT_NE(Log().find("error fault plan (ROLLCAGE_CHAOS_PLAN) rejected: "), std::string::npos) << Log();
}

TEST_F(ExternalConsumersTest, MissingRealModuleRefusesInitialize) {
  env_["ROLLCAGE_CHAOS_REAL_MODULE"] = dir_ + "/no-such-module.so";
  RunResult r = Tool({"--list-slots"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("C_Initialize failed: rv = CKR_GENERAL_ERROR"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no-such-module.so"), std::string::npos) << r.err;
  env_["ROLLCAGE_CHAOS_REAL_MODULE"] = module_;  // itself: refused, not an endless loop
  r = Tool({"--list-slots"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("is the chaos module itself"), std::string::npos) << r.err;
}

TEST_F(ExternalConsumersTest, Softhsm2UtilLoadsItToo) {
  ASSERT_TRUE(ProgramInPath("softhsm2-util"));
  RunResult r = Tool({"--init-token", "--free", "--label", "su", "--so-pin", "1234", "--pin", "1111"}, "softhsm2-util");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Tool({"--show-slots"}, "softhsm2-util");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Label:            su"), std::string::npos) << r.out;
  SetPlan("C_GetSlotList always rv CKR_DEVICE_ERROR\n");
  r = Tool({"--show-slots"}, "softhsm2-util");
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_NE(Log().find("fn=C_GetSlotList call=1 slot=- rule=1 fault=rv:CKR_DEVICE_ERROR"), std::string::npos) << Log();
}

}  // namespace
}  // namespace rollcage::faults
