// StringMap<V>: a hash map keyed by std::string that is looked up by std::string_view without
// copying the key (C++20 heterogeneous lookup), for memo tables asked on hot paths.
#ifndef ROLLCAGE_BASE_STRING_MAP_H_
#define ROLLCAGE_BASE_STRING_MAP_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace rollcage {

struct StringViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

template <class V>
using StringMap = std::unordered_map<std::string, V, StringViewHash, std::equal_to<>>;

}  // namespace rollcage

#endif  // ROLLCAGE_BASE_STRING_MAP_H_
