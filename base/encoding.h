// Byte encodings used by DNS presentation formats: hex (RFC 4648 §8), base64 (§4), base32hex (§7).
#ifndef ROLLCAGE_BASE_ENCODING_H_
#define ROLLCAGE_BASE_ENCODING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rollcage {

std::string HexEncode(std::string_view bytes);  // upper case
std::optional<std::string> HexDecode(std::string_view text);  // ignores whitespace; nullopt on bad input
std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);  // ignores whitespace
std::string Base32HexEncode(std::string_view bytes);  // lower case, unpadded (RFC 5155 §3.3)
std::optional<std::string> Base32HexDecode(std::string_view text);  // case-insensitive, unpadded

// Big-endian readers and writers.
inline uint16_t ReadU16(const unsigned char* p) { return uint16_t(p[0] << 8 | p[1]); }
inline uint32_t ReadU32(const unsigned char* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}
inline void AppendU8(std::string& s, uint8_t v) { s.push_back(char(v)); }
inline void AppendU16(std::string& s, uint16_t v) {
  s.push_back(char(v >> 8));
  s.push_back(char(v & 0xff));
}
inline void AppendU32(std::string& s, uint32_t v) {
  AppendU16(s, uint16_t(v >> 16));
  AppendU16(s, uint16_t(v & 0xffff));
}
inline void AppendU64(std::string& s, uint64_t v) {
  AppendU32(s, uint32_t(v >> 32));
  AppendU32(s, uint32_t(v & 0xffffffffu));
}

}  // namespace rollcage

#endif  // ROLLCAGE_BASE_ENCODING_H_
