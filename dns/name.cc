#include "dns/name.h"
#include "base/hot.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>

namespace rollcage::dns {
namespace {

RC_HOT_LEAF inline unsigned char Lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

// Offsets of the length octet of each label, leftmost first, excluding the root label.
RC_HOT_LEAF int LabelOffsets(std::string_view w, uint8_t* out) {
  int n = 0;
  size_t p = 0;
  while (p < w.size() && w[p] != 0 && n < 128) {  // (a name has at most 127 labels below the root)
    out[n++] = uint8_t(p);
    p += 1 + static_cast<unsigned char>(w[p]);
  }
  return n;
}

}  // namespace

Result<Name> Name::FromText(std::string_view text, const Name* origin) {
  if (text.empty()) return BadInput("empty domain name");
  if (text == "@") {
    if (!origin) return BadInput("'@' used without an origin");
    return *origin;
  }
  if (text == ".") return Name();
  std::string wire;
  std::string label;
  bool absolute = false;
  size_t i = 0;
  auto flush = [&]() -> Status {
    if (label.empty()) return BadInput("empty label in domain name '" + std::string(text) + "'");
    if (label.size() > 63) return BadInput("label longer than 63 octets in '" + std::string(text) + "'");
    wire.push_back(char(label.size()));
    wire += label;
    label.clear();
    return Status::Ok();
  };
  while (i < text.size()) {
    char c = text[i];
    if (c == '\\') {
      if (i + 1 >= text.size()) return BadInput("dangling escape in '" + std::string(text) + "'");
      if (std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
        if (i + 3 >= text.size()) return BadInput("bad \\DDD escape in '" + std::string(text) + "'");
        int v = 0;
        for (int k = 1; k <= 3; ++k) {
          char d = text[i + k];
          if (!std::isdigit(static_cast<unsigned char>(d))) {
            return BadInput("bad \\DDD escape in '" + std::string(text) + "'");
          }
          v = v * 10 + (d - '0');
        }
        if (v > 255) return BadInput("\\DDD escape above 255 in '" + std::string(text) + "'");
        label.push_back(char(v));
        i += 4;
      } else {
        label.push_back(text[i + 1]);
        i += 2;
      }
    } else if (c == '.') {
      RC_RETURN_IF_ERROR(flush());
      ++i;
      if (i == text.size()) absolute = true;
    } else {
      label.push_back(c);
      ++i;
    }
  }
  if (!label.empty()) RC_RETURN_IF_ERROR(flush());
  if (!absolute && origin) {
    wire += origin->wire_.substr(0, origin->wire_.size() - 1);
  }
  wire.push_back('\0');
  if (wire.size() > 255) return BadInput("domain name longer than 255 octets: '" + std::string(text) + "'");
  return Name(std::move(wire));
}

Result<Name> Name::FromWire(std::string_view wire) {
  size_t pos = 0;
  auto r = ReadWire(wire, &pos);
  if (!r.ok()) return r;
  if (pos != wire.size()) return BadInput("trailing octets after domain name");
  return r;
}

Result<Name> Name::ReadWire(std::string_view data, size_t* pos) {
  size_t p = *pos;
  size_t start = p;
  while (true) {
    if (p >= data.size()) return BadInput("truncated domain name");
    unsigned len = static_cast<unsigned char>(data[p]);
    if (len > 63) return BadInput("compressed or invalid label length in domain name");
    if (len == 0) {
      ++p;
      break;
    }
    p += 1 + len;
    if (p - start > 255) return BadInput("domain name longer than 255 octets");
  }
  if (p - start > 255) return BadInput("domain name longer than 255 octets");
  *pos = p;
  return Name(std::string(data.substr(start, p - start)));
}

std::string Name::ToText() const {
  if (IsRoot()) return ".";
  std::string out;
  size_t p = 0;
  while (wire_[p] != 0) {
    unsigned len = static_cast<unsigned char>(wire_[p]);
    for (unsigned k = 1; k <= len; ++k) {
      unsigned char c = static_cast<unsigned char>(wire_[p + k]);
      if (c == '.' || c == '\\' || c == '(' || c == ')' || c == ';' || c == '"' || c == '@' ||
          c == '$') {
        out.push_back('\\');
        out.push_back(char(c));
      } else if (c <= 0x20 || c >= 0x7f) {
        char buf[5];
        std::snprintf(buf, sizeof buf, "\\%03u", c);
        out += buf;
      } else {
        out.push_back(char(c));
      }
    }
    out.push_back('.');
    p += 1 + len;
  }
  return out;
}

int Name::LabelCount() const {
  int n = 0;
  size_t p = 0;
  while (wire_[p] != 0) {
    ++n;
    p += 1 + static_cast<unsigned char>(wire_[p]);
  }
  return n;
}

std::vector<std::string_view> Name::Labels() const {
  std::vector<std::string_view> out;
  size_t p = 0;
  while (wire_[p] != 0) {
    unsigned len = static_cast<unsigned char>(wire_[p]);
    out.emplace_back(wire_.data() + p + 1, len);
    p += 1 + len;
  }
  return out;
}

std::string_view Name::FirstLabel() const {
  if (IsRoot()) return {};
  return std::string_view(wire_.data() + 1, static_cast<unsigned char>(wire_[0]));
}

Name Name::Parent() const {
  if (IsRoot()) return *this;
  return Name(wire_.substr(1 + static_cast<unsigned char>(wire_[0])));
}

Name Name::Suffix(int labels) const {
  int n = LabelCount();
  size_t p = 0;
  for (int i = 0; i < n - labels && i < n; ++i) p += 1 + static_cast<unsigned char>(wire_[p]);
  return Name(wire_.substr(p));
}

Result<Name> Name::Prepend(std::string_view label) const {
  if (label.empty() || label.size() > 63) return BadInput("label must be 1..63 octets");
  if (wire_.size() + 1 + label.size() > 255) return BadInput("domain name longer than 255 octets");
  std::string w;
  w.reserve(wire_.size() + 1 + label.size());
  w.push_back(char(label.size()));
  w += label;
  w += wire_;
  return Name(std::move(w));
}

RC_HOT_LEAF bool Name::IsSubdomainOf(const Name& ancestor) const {
  if (ancestor.wire_.size() > wire_.size()) return false;
  // Walk labels of this name until the remaining suffix has the ancestor's length.
  size_t p = 0;
  size_t target = wire_.size() - ancestor.wire_.size();
  while (p < target) p += 1 + static_cast<unsigned char>(wire_[p]);
  if (p != target) return false;
  for (size_t i = 0; i < ancestor.wire_.size(); ++i) {
    if (Lower(wire_[p + i]) != Lower(ancestor.wire_[i])) return false;
  }
  return true;
}

RC_HOT_LEAF std::string Name::LowercaseWire() const {
  std::string w = wire_;
  for (auto& c : w) c = char(Lower(static_cast<unsigned char>(c)));
  // Length octets are < 64 and never in 'A'..'Z' (65..90), so lowercasing them is a no-op.
  return w;
}

RC_HOT_LEAF Name Name::Lowercase() const { return Name(LowercaseWire()); }

RC_HOT_LEAF bool operator==(const Name& a, const Name& b) {
  if (a.wire_.size() != b.wire_.size()) return false;
  for (size_t i = 0; i < a.wire_.size(); ++i) {
    if (Lower(a.wire_[i]) != Lower(b.wire_[i])) return false;
  }
  return true;
}

RC_HOT_LEAF int CanonicalCompare(std::string_view a, std::string_view b) {
  // Equal names first (a sort compares neighbours with one owner again and again): no label walk.
  if (a.size() == b.size()) {
    size_t k = 0;
    while (k < a.size() && Lower(a[k]) == Lower(b[k])) ++k;
    if (k == a.size()) return 0;
  }
  // Label offsets in octets (a name is at most 255 octets): small arrays, as ASan poisons and
  // unpoisons every local array's redzones on each call.
  uint8_t ao[128], bo[128];
  int an = LabelOffsets(a, ao);
  int bn = LabelOffsets(b, bo);
  int i = an - 1, j = bn - 1;
  for (; i >= 0 && j >= 0; --i, --j) {
    unsigned al = static_cast<unsigned char>(a[ao[i]]);
    unsigned bl = static_cast<unsigned char>(b[bo[j]]);
    const unsigned char* ap = reinterpret_cast<const unsigned char*>(a.data()) + ao[i] + 1;
    const unsigned char* bp = reinterpret_cast<const unsigned char*>(b.data()) + bo[j] + 1;
    unsigned m = std::min(al, bl);
    for (unsigned k = 0; k < m; ++k) {
      unsigned char ca = Lower(ap[k]), cb = Lower(bp[k]);
      if (ca != cb) return ca < cb ? -1 : 1;
    }
    if (al != bl) return al < bl ? -1 : 1;
  }
  if (i < 0 && j < 0) return 0;
  return i < 0 ? -1 : 1;
}

std::strong_ordering operator<=>(const Name& a, const Name& b) {
  int c = CanonicalCompare(a.wire_, b.wire_);
  return c < 0 ? std::strong_ordering::less
               : (c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal);
}

RC_HOT_LEAF size_t NameHash::operator()(const Name& n) const {
  size_t h = 1469598103934665603ull;
  for (unsigned char c : n.wire()) {
    h ^= Lower(c);
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace rollcage::dns
