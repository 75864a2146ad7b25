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

// Memory files: a path that begins with "mem:" names a file kept in this process's memory instead
// of the file system, for ReadFile, WriteFileAtomic (an all-or-nothing replacement, like the
// rename) and MakeDirs (nothing to create). A scenario fuzz target keeps the signer's state there:
// the same crash semantics without a system call per key transition.
constexpr char kMemoryPathPrefix[] = "mem:";
bool IsMemoryPath(const std::string& path);
// Forgets every memory file whose path begins with prefix.
void RemoveMemoryFiles(const std::string& prefix);

}  // namespace rollcage

#endif  // ROLLCAGE_BASE_FILE_H_
