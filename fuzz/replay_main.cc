// A main() for fuzz targets built without libFuzzer: runs LLVMFuzzerTestOneInput once per file in
// the files and directories given as arguments (recursively). Missing directories are skipped, so
// a target without regressions replays fine. Exit 0 when every input ran; a broken property aborts.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace fs = std::filesystem;

static int RunFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: cannot read %s\n", p.c_str());
    return 1;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return 0;
}

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  int files = 0, errors = 0;
  for (int i = 1; i < argc; ++i) {
    fs::path p(argv[i]);
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> all;
      for (const auto& e : fs::recursive_directory_iterator(p, ec)) {
        if (e.is_regular_file() && e.path().filename().string()[0] != '.') all.push_back(e.path());
      }
      std::sort(all.begin(), all.end());
      for (const auto& f : all) {
        errors += RunFile(f);
        ++files;
      }
    } else if (fs::exists(p, ec)) {
      errors += RunFile(p);
      ++files;
    }
  }
  std::printf("replayed %d inputs\n", files);
  return errors ? 1 : 0;
}
