#include "base/file.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace rollcage {
namespace {

TEST(FileTest, WriteAtomicThenReadBack) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(tmp ? tmp : "/tmp") + "/file_test_dir/sub";
  ASSERT_TRUE(MakeDirs(dir).ok());
  std::string path = dir + "/state.json";
  ASSERT_TRUE(WriteFileAtomic(path, "one").ok());
  ASSERT_TRUE(WriteFileAtomic(path, "two").ok());
  auto text = ReadFile(path);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "two");
  EXPECT_EQ(ReadFile(dir + "/missing").status().kind(), ErrorKind::kIo);
}

TEST(FileTest, MemoryFilesNeverTouchTheFileSystem) {
  std::string dir = "mem:/no/such/directory";
  EXPECT_TRUE(IsMemoryPath(dir));
  EXPECT_FALSE(IsMemoryPath("/tmp/mem:x"));
  ASSERT_TRUE(MakeDirs(dir).ok());
  EXPECT_NE(access("mem:", F_OK), 0);  // nothing was created on disk
  std::string a = dir + "/kasp.json", b = dir + "/runtime.json", other = "mem:/elsewhere/kasp.json";
  auto missing = ReadFile(a);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().kind(), ErrorKind::kIo);
  EXPECT_NE(missing.status().message().find(a), std::string::npos);
  ASSERT_TRUE(WriteFileAtomic(a, "first").ok());
  ASSERT_TRUE(WriteFileAtomic(a, "second").ok());  // replaced whole
  ASSERT_TRUE(WriteFileAtomic(b, "runtime").ok());
  ASSERT_TRUE(WriteFileAtomic(other, "kept").ok());
  EXPECT_EQ(ReadFile(a).value(), "second");
  EXPECT_EQ(ReadFile(b).value(), "runtime");
  RemoveMemoryFiles(dir + "/");
  EXPECT_FALSE(ReadFile(a).ok());
  EXPECT_FALSE(ReadFile(b).ok());
  EXPECT_EQ(ReadFile(other).value(), "kept");  // another prefix stays
  RemoveMemoryFiles("mem:/elsewhere/");
  EXPECT_FALSE(ReadFile(other).ok());
}

}  // namespace
}  // namespace rollcage
