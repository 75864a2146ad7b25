// Whole-file reads and crash-safe writes (write to a temporary, fsync, rename).
#ifndef ROLLCAGE_BASE_FILE_H_
#define ROLLCAGE_BASE_FILE_H_

#include <string>

#include "base/status.h"

namespace rollcage {

Result<std::string> ReadFile(const std::string& path);

// Replaces path atomically: readers see the old or the new content, never a mix, even after a crash.
Status WriteFileAtomic(const std::string& path, const std::string& content);

// Creates a directory and its parents; ok when it exists.
Status MakeDirs(const std::string& path);

}  // namespace rollcage

#endif  // ROLLCAGE_BASE_FILE_H_
