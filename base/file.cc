#include "base/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>

namespace rollcage {
namespace {

struct MemoryFiles {
  std::mutex mu;
  std::map<std::string, std::string, std::less<>> files;
};

MemoryFiles& Memory() {
  static auto* m = new MemoryFiles();
  return *m;
}

}  // namespace

bool IsMemoryPath(const std::string& path) { return path.rfind(kMemoryPathPrefix, 0) == 0; }

void RemoveMemoryFiles(const std::string& prefix) {
  auto& m = Memory();
  std::lock_guard<std::mutex> lock(m.mu);
  for (auto it = m.files.lower_bound(prefix); it != m.files.end() && it->first.rfind(prefix, 0) == 0;) {
    it = m.files.erase(it);
  }
}

Result<std::string> ReadFile(const std::string& path) {
  if (IsMemoryPath(path)) {
    auto& m = Memory();
    std::lock_guard<std::mutex> lock(m.mu);
    auto it = m.files.find(path);
    if (it == m.files.end()) return IoError(path + ": cannot open: " + std::strerror(ENOENT));
    return it->second;
  }
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return IoError(path + ": cannot open: " + std::strerror(errno));
  std::string out;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  bool err = std::ferror(f);
  std::fclose(f);
  if (err) return IoError(path + ": read error");
  return out;
}

Status WriteFileAtomic(const std::string& path, const std::string& content) {
  if (IsMemoryPath(path)) {
    auto& m = Memory();
    std::lock_guard<std::mutex> lock(m.mu);
    m.files[path] = content;
    return Status::Ok();
  }
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoError(tmp + ": cannot create: " + std::strerror(errno));
  size_t off = 0;
  while (off < content.size()) {
    ssize_t w = ::write(fd, content.data() + off, content.size() - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return IoError(tmp + ": write failed: " + std::strerror(e));
    }
    off += size_t(w);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return IoError(tmp + ": fsync/close failed");
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return IoError(path + ": rename failed: " + std::strerror(e));
  }
  return Status::Ok();
}

Status MakeDirs(const std::string& path) {
  if (IsMemoryPath(path)) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return IoError(path + ": cannot create directory: " + ec.message());
  return Status::Ok();
}

}  // namespace rollcage
