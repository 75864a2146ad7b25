#include "dns/fast_zone_reader.h"

#include <arpa/inet.h>

#include <cstring>
#include <optional>
#include <vector>

#include "base/encoding.h"
#include "base/file.h"
#include "base/time.h"
#include "dns/rdata.h"
#include "dns/rr.h"

namespace rollcage::dns {
namespace {

struct Token {
  std::string_view text;
  bool quoted = false;
};

struct Entry {
  std::vector<Token> tokens;
  int line = 0;
  bool blank_owner = false;
};

// Characters that end an unquoted token, and the backslash (which escapes the next one).
struct SpecialTable {
  bool t[256] = {};
  SpecialTable() {
    for (unsigned char c : std::string_view(" \t\r\n;()\"\\")) t[c] = true;
  }
  bool operator[](unsigned char c) const { return t[c]; }
};
const SpecialTable kSpecial;

// Splits master-file text into entries (one record or directive each), handling comments,
// parentheses spanning lines, quoted strings and backslash escapes (RFC 1035 §5.1).
class Tokenizer {
 public:
  explicit Tokenizer(std::string_view text) : t_(text) {}

  // Fills e with the next non-empty entry. Returns false at the end of the text; *error is set
  // (and false returned) on an unbalanced ')'. Like ldns, an open '(' or string ends with the input.
  bool Next(Entry* e, std::string* error) {
    e->tokens.clear();
    int depth = 0;
    int paren_line = 0;
    bool line_blank = AtLineStart() && BlankHere();
    while (p_ < t_.size()) {
      char c = t_[p_];
      if (c == '\n') {
        ++line_;
        ++p_;
        if (depth == 0) {
          if (!e->tokens.empty()) return true;
          line_blank = BlankHere();
        }
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r') {
        ++p_;
        continue;
      }
      if (c == ';') {
        while (p_ < t_.size() && t_[p_] != '\n') ++p_;
        // Inside parentheses ldns joins a token that starts the line after a comment to the token
        // before the comment ("(. ;\n0" is ".0"), even past parentheses and into a quoted string
        // ("2;c\n)0" is "20", "2;c\n\"x\"" is `2"x"`; found by the validate fuzz target): refuse it.
        size_t q = p_ + 1;
        while (q < t_.size() && (t_[q] == '(' || t_[q] == ')')) ++q;
        if (depth > 0 && q < t_.size() && t_[q] != ' ' && t_[q] != '\t' && t_[q] != '\r' && t_[q] != '\n' &&
            t_[q] != ';') {
          *error = std::to_string(line_ + 1) +
                   ": inside parentheses, a line after a comment must start with a blank";
          return false;
        }
        continue;
      }
      if (c == '(') {
        if (e->tokens.empty() && !line_blank) {
          // ldns reads a record that opens with '(' as the origin's; the owner comes first.
          *error = std::to_string(line_) + ": a parenthesis before the owner name";
          return false;
        }
        if (depth == 0) paren_line = line_;
        ++depth;
        ++p_;
        continue;
      }
      if (c == ')') {
        if (depth == 0) {
          *error = std::to_string(line_) + ": unbalanced ')'";
          return false;
        }
        --depth;
        ++p_;
        continue;
      }
      if (e->tokens.empty()) {
        e->line = line_;
        e->blank_owner = line_blank;
      }
      size_t start = p_;
      if (c == '"') {
        ++p_;
        while (p_ < t_.size() && t_[p_] != '"') {
          if (BackslashBeforeCr(error)) return false;
          if (t_[p_] == '\\' && p_ + 1 < t_.size()) ++p_;
          if (t_[p_] == '\n') ++line_;
          ++p_;
        }
        // ldns runs an unterminated string to the end of the input, trimming what it likes (found
        // by the validate fuzz target): an error here.
        if (p_ >= t_.size()) {
          *error = std::to_string(line_) + ": a quoted string without its closing quote";
          return false;
        }
        ++p_;
        // ldns toggles quoting at any quote and keeps reading the token, so `"ab"cd` and `ab"cd`
        // are single tokens with literal quotes there. RFC 1035 §5.1 does not say; rather than
        // guess, such text is an error here (found by the validate fuzz target: the two readers
        // read `TXT \001"` differently).
        if (p_ < t_.size() && !kSpecial[static_cast<unsigned char>(t_[p_])]) {
          *error = std::to_string(line_) + ": text right after a closing quote (separate it with a space)";
          return false;
        }
        e->tokens.push_back(Token{t_.substr(start, p_ - start), true});
        continue;
      }
      while (p_ < t_.size()) {
        unsigned char d = static_cast<unsigned char>(t_[p_]);
        if (d == '"') {
          *error = std::to_string(line_) + ": a quote inside a token (quote the whole string)";
          return false;
        }
        size_t after = p_;  // past a run of parentheses inside the token
        while (after < t_.size() && (t_[after] == '(' || t_[after] == ')')) ++after;
        if ((d == '(' || d == ')') && after < t_.size() && t_[after] != ' ' && t_[after] != '\t' &&
            t_[after] != '\r' && t_[after] != '\n' && t_[after] != ';') {
          // ldns drops a parenthesis inside a token and keeps reading it ("C(S" is "CS"); RFC 1035
          // makes it a separator. Rather than guess (found by the validate fuzz target):
          *error = std::to_string(line_) + ": a parenthesis inside a token (put blanks around it)";
          return false;
        }
        if (kSpecial[d]) {
          if (d != '\\') break;
          if (BackslashBeforeCr(error)) return false;
          if (p_ + 1 < t_.size() && t_[p_ + 1] != '\n') ++p_;
        }
        ++p_;
      }
      e->tokens.push_back(Token{t_.substr(start, p_ - start), false});
    }
    // Like ldns, an unclosed parenthesis ends with the input.
    (void)paren_line;
    return !e->tokens.empty();
  }

 private:
  bool AtLineStart() const { return p_ == 0 || t_[p_ - 1] == '\n'; }
  // A blank here, at a line's start, leaves the owner out. ldns reads a carriage return as a blank,
  // also the one a line starts with (found by the validate fuzz target: "\r 2001:db8::1 DNAME" had
  // no owner there).
  bool BlankHere() const { return p_ < t_.size() && (t_[p_] == ' ' || t_[p_] == '\t' || t_[p_] == '\r'); }
  // ldns reads a carriage return as a blank, so "\\<CR>" is an escaped space there and a CR octet
  // here (found by the validate fuzz target): refused, in quoted strings and tokens alike.
  bool BackslashBeforeCr(std::string* error) const {
    if (t_[p_] != '\\' || p_ + 1 >= t_.size() || t_[p_ + 1] != '\r') return false;
    *error = std::to_string(line_) + ": a backslash before a carriage return (write \\013 or \\032)";
    return true;
  }
  std::string_view t_;
  size_t p_ = 0;
  int line_ = 1;
};

bool IEquals(std::string_view a, const char* b) {
  size_t n = std::strlen(b);
  return a.size() == n && strncasecmp(a.data(), b, n) == 0;
}

bool Digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<uint64_t> ParseUint(std::string_view s, uint64_t max) {
  if (!Digits(s) || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) v = v * 10 + uint64_t(c - '0');
  if (v > max) return std::nullopt;
  return v;
}

// A TTL: plain seconds, or BIND-style units ("1h30m").
std::optional<uint32_t> ParseTtl(std::string_view s) {
  if (s.empty() || s[0] < '0' || s[0] > '9') return std::nullopt;
  if (Digits(s)) {
    auto v = ParseUint(s, 0xffffffffu);
    if (!v) return std::nullopt;
    return uint32_t(*v);
  }
  uint64_t total = 0, cur = 0;
  bool have = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      cur = cur * 10 + uint64_t(c - '0');
      have = true;
      if (cur > 0xffffffffu) return std::nullopt;
      continue;
    }
    if (!have) return std::nullopt;
    uint64_t m;
    switch (c | 0x20) {
      case 's': m = 1; break;
      case 'm': m = 60; break;
      case 'h': m = 3600; break;
      case 'd': m = 86400; break;
      case 'w': m = 604800; break;
      default: return std::nullopt;
    }
    total += cur * m;
    cur = 0;
    have = false;
  }
  total += cur;
  if (total > 0xffffffffu) return std::nullopt;
  return uint32_t(total);
}

bool IsClass(std::string_view s) {
  return IEquals(s, "IN") || IEquals(s, "CH") || IEquals(s, "HS") || IEquals(s, "CS") ||
         (s.size() > 5 && strncasecmp(s.data(), "CLASS", 5) == 0);
}

// Types encoded here; everything else goes through ldns.
int FastType(std::string_view s) {
  struct T {
    const char* name;
    uint16_t type;
  };
  static const T kTypes[] = {
      {"A", rrtype::kA},         {"NS", rrtype::kNS},         {"CNAME", rrtype::kCNAME},
      {"SOA", rrtype::kSOA},     {"PTR", rrtype::kPTR},       {"MX", rrtype::kMX},
      {"AAAA", rrtype::kAAAA},   {"DNAME", rrtype::kDNAME},   {"DS", rrtype::kDS},
      {"RRSIG", rrtype::kRRSIG}, {"NSEC", rrtype::kNSEC},     {"DNSKEY", rrtype::kDNSKEY},
      {"NSEC3", rrtype::kNSEC3}, {"NSEC3PARAM", rrtype::kNSEC3PARAM},
  };
  for (const auto& t : kTypes) {
    if (IEquals(s, t.name)) return t.type;
  }
  return -1;
}

// A type mnemonic for RRSIG Type Covered and NSEC/NSEC3 bitmaps.
std::optional<uint16_t> TypeValue(std::string_view s) {
  int f = FastType(s);
  if (f >= 0) return uint16_t(f);
  auto t = TypeFromText(s);
  if (!t.ok()) return std::nullopt;
  return *t;
}

struct Ctx {
  const Name* origin;  // for relative names; never null
  std::string* refused;  // set to why, when a field is text this reader refuses (not just does not know)
};

// ldns reads an RDATA name whose first label unescapes to "@" as the origin, ignoring the rest (found
// by the validate fuzz target: `N NS \\@`, `N NS @.w`). "@" alone is the origin; "@.", "@.w",
// "\\@", "\\064.w" and the like are refused.
bool OriginInDisguise(std::string_view t) {
  if (t == "@") return false;
  std::string_view rest;
  if (t.substr(0, 1) == "@") {
    rest = t.substr(1);
  } else if (t.substr(0, 2) == "\\@") {
    rest = t.substr(2);
  } else if (t.substr(0, 4) == "\\064") {
    rest = t.substr(4);
  } else {
    return false;
  }
  return rest.empty() || rest[0] == '.';
}

// Base64 (RFC 4648 §4) without whitespace, as the tokens of one field joined; nullopt when invalid.
std::optional<std::string> DecodeBase64(std::string_view in) {
  static const struct Table {
    int8_t v[256];
    Table() {
      for (auto& x : v) x = -1;
      const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      for (int i = 0; i < 64; ++i) v[static_cast<unsigned char>(a[i])] = int8_t(i);
    }
  } t;
  if (in.size() % 4 != 0) return std::nullopt;
  size_t pad = 0;
  while (pad < 2 && pad < in.size() && in[in.size() - 1 - pad] == '=') ++pad;
  std::string out;
  out.reserve(in.size() / 4 * 3);
  uint32_t acc = 0;
  size_t n = in.size() - pad;
  for (size_t i = 0; i < n; ++i) {
    int v = t.v[static_cast<unsigned char>(in[i])];
    if (v < 0) return std::nullopt;
    acc = acc << 6 | uint32_t(v);
    if (i % 4 == 3) {
      out.push_back(char(acc >> 16));
      out.push_back(char(acc >> 8));
      out.push_back(char(acc));
      acc = 0;
    }
  }
  if (pad == 1) {
    acc <<= 6;
    out.push_back(char(acc >> 16));
    out.push_back(char(acc >> 8));
  } else if (pad == 2) {
    acc <<= 12;
    out.push_back(char(acc >> 16));
  }
  return out;
}

// A name token without escapes, encoded directly; anything else goes through Name::FromText.
Result<Name> ReadName(std::string_view t, const Name* origin) {
  if (t.empty() || t == "@" || t == "." || t.find('\\') != std::string_view::npos) return Name::FromText(t, origin);
  std::string wire;
  wire.reserve(t.size() + 2 + (origin ? origin->wire().size() : 0));
  size_t start = 0;
  bool absolute = t.back() == '.';
  size_t end = absolute ? t.size() - 1 : t.size();
  while (start <= end) {
    size_t dot = t.find('.', start);
    if (dot == std::string_view::npos || dot > end) dot = end;
    size_t len = dot - start;
    if (len == 0 || len > 63) return Name::FromText(t, origin);  // let it name the error
    wire.push_back(char(len));
    wire.append(t.data() + start, len);
    start = dot + 1;
    if (dot == end) break;
  }
  if (!absolute && origin) {
    wire.append(origin->wire(), 0, origin->wire().size() - 1);
  }
  wire.push_back('\0');
  return Name::FromWire(wire);
}

bool AppendName(std::string& out, const Token& t, const Ctx& c) {
  if (t.quoted) return false;
  if (OriginInDisguise(t.text)) {
    *c.refused = "the name " + std::string(t.text) +
                 " in RDATA (ldns reads a first label '@' as the origin: write @ alone for the origin)";
    return false;
  }
  auto n = ReadName(t.text, c.origin);
  if (!n.ok()) return false;
  out += n->wire();
  return true;
}

bool AppendUint(std::string& out, const Token& t, int octets) {
  if (t.quoted) return false;
  auto v = ParseUint(t.text, octets == 1 ? 0xff : octets == 2 ? 0xffff : 0xffffffffu);
  if (!v) return false;
  if (octets == 1) AppendU8(out, uint8_t(*v));
  else if (octets == 2) AppendU16(out, uint16_t(*v));
  else AppendU32(out, uint32_t(*v));
  return true;
}

bool AppendRrsigTime(std::string& out, const Token& t) {
  if (t.quoted || !Digits(t.text)) return false;
  if (t.text.size() == 14) {
    auto v = ParseTime(t.text);
    if (!v.ok()) return false;
    AppendU32(out, uint32_t(*v));
    return true;
  }
  return AppendUint(out, t, 4);
}

std::string Join(const std::vector<Token>& ts, size_t from) {
  std::string s;
  for (size_t i = from; i < ts.size(); ++i) s.append(ts[i].text);
  return s;
}

bool AnyQuoted(const std::vector<Token>& ts, size_t from) {
  for (size_t i = from; i < ts.size(); ++i) {
    if (ts[i].quoted) return true;
  }
  return false;
}

bool AppendTypes(std::string& out, const std::vector<Token>& ts, size_t from) {
  std::set<uint16_t> types;
  for (size_t i = from; i < ts.size(); ++i) {
    if (ts[i].quoted) return false;
    auto t = TypeValue(ts[i].text);
    if (!t) return false;
    types.insert(*t);
  }
  out += EncodeTypeBitmap(types);
  return true;
}

// Encodes the RDATA of a fast type from tokens [k, end); false when the text is not understood.
bool EncodeRdata(uint16_t type, const std::vector<Token>& ts, size_t k, const Ctx& c, std::string& out) {
  size_t n = ts.size() - k;
  auto tok = [&](size_t i) -> const Token& { return ts[k + i]; };
  switch (type) {
    case rrtype::kA: {
      if (n != 1 || tok(0).quoted) return false;
      std::string s(tok(0).text);
      unsigned char buf[4];
      if (inet_pton(AF_INET, s.c_str(), buf) != 1) return false;
      out.append(reinterpret_cast<char*>(buf), 4);
      return true;
    }
    case rrtype::kAAAA: {
      if (n != 1 || tok(0).quoted) return false;
      std::string s(tok(0).text);
      unsigned char buf[16];
      if (inet_pton(AF_INET6, s.c_str(), buf) != 1) return false;
      out.append(reinterpret_cast<char*>(buf), 16);
      return true;
    }
    case rrtype::kNS: case rrtype::kCNAME: case rrtype::kPTR: case rrtype::kDNAME:
      return n == 1 && AppendName(out, tok(0), c);
    case rrtype::kMX:
      return n == 2 && AppendUint(out, tok(0), 2) && AppendName(out, tok(1), c);
    case rrtype::kSOA:
      return n == 7 && AppendName(out, tok(0), c) && AppendName(out, tok(1), c) && AppendUint(out, tok(2), 4) &&
             AppendUint(out, tok(3), 4) && AppendUint(out, tok(4), 4) && AppendUint(out, tok(5), 4) &&
             AppendUint(out, tok(6), 4);
    case rrtype::kDS: {
      if (n < 4 || AnyQuoted(ts, k)) return false;
      if (!AppendUint(out, tok(0), 2) || !AppendUint(out, tok(1), 1) || !AppendUint(out, tok(2), 1)) return false;
      std::string hex = Join(ts, k + 3);
      if (hex.size() % 2 != 0) return false;
      auto d = HexDecode(hex);
      if (!d) return false;
      out += *d;
      return true;
    }
    case rrtype::kDNSKEY: {
      if (n < 4 || AnyQuoted(ts, k)) return false;
      if (!AppendUint(out, tok(0), 2) || !AppendUint(out, tok(1), 1) || !AppendUint(out, tok(2), 1)) return false;
      std::string b64 = Join(ts, k + 3);
      auto d = DecodeBase64(b64);
      if (!d) return false;
      out += *d;
      return true;
    }
    case rrtype::kRRSIG: {
      if (n < 9 || AnyQuoted(ts, k)) return false;
      auto covered = TypeValue(tok(0).text);
      if (!covered) return false;
      AppendU16(out, *covered);
      if (!AppendUint(out, tok(1), 1) || !AppendUint(out, tok(2), 1) || !AppendUint(out, tok(3), 4) ||
          !AppendRrsigTime(out, tok(4)) || !AppendRrsigTime(out, tok(5)) || !AppendUint(out, tok(6), 2) ||
          !AppendName(out, tok(7), c)) {
        return false;
      }
      std::string b64 = Join(ts, k + 8);
      auto d = DecodeBase64(b64);
      if (!d) return false;
      out += *d;
      return true;
    }
    case rrtype::kNSEC:
      return n >= 1 && AppendName(out, tok(0), c) && AppendTypes(out, ts, k + 1);
    case rrtype::kNSEC3: {
      if (n < 5 || AnyQuoted(ts, k)) return false;
      if (!AppendUint(out, tok(0), 1) || !AppendUint(out, tok(1), 1) || !AppendUint(out, tok(2), 2)) return false;
      std::string salt;
      if (tok(3).text != "-") {
        if (tok(3).text.size() % 2 != 0) return false;
        auto s = HexDecode(tok(3).text);
        if (!s || s->size() > 255) return false;
        salt = *s;
      }
      AppendU8(out, uint8_t(salt.size()));
      out += salt;
      if (tok(4).text.size() % 8 != 0 || tok(4).text.empty()) return false;
      auto h = Base32HexDecode(tok(4).text);
      if (!h || h->empty() || h->size() > 255) return false;
      AppendU8(out, uint8_t(h->size()));
      out += *h;
      return AppendTypes(out, ts, k + 5);
    }
    case rrtype::kNSEC3PARAM: {
      if (n != 4) return false;
      if (!AppendUint(out, tok(0), 1) || !AppendUint(out, tok(1), 1) || !AppendUint(out, tok(2), 2)) return false;
      std::string salt;
      if (tok(3).text != "-") {
        if (tok(3).text.size() % 2 != 0) return false;
        auto s = HexDecode(tok(3).text);
        if (!s || s->size() > 255) return false;
        salt = *s;
      }
      AppendU8(out, uint8_t(salt.size()));
      out += salt;
      return true;
    }
    default:
      return false;
  }
}

std::string Where(const std::string& source, int line) { return source + ":" + std::to_string(line) + ": "; }

}  // namespace

Result<Zone> ParseZoneFast(std::string_view text, const LoadOptions& options, std::string_view source_view) {
  const std::string source(source_view);
  if (text.empty()) return BadInput(source + ": empty zone");
  RC_RETURN_IF_ERROR(CheckZoneText(text, source));
  Zone zone;
  bool have_zone_origin = options.origin.has_value();
  if (have_zone_origin) zone.set_origin(*options.origin);
  std::optional<Name> origin = options.origin;  // for relative names
  uint32_t default_ttl = options.default_ttl;
  std::optional<Name> prev_owner;
  std::string prev_owner_text;  // the owner token prev_owner was read from (same $ORIGIN)
  int origin_serial = 0, prev_owner_origin = -1;
  Tokenizer tok(text);
  Entry e;
  std::string terr;
  const Name root;
  while (true) {
    if (!tok.Next(&e, &terr)) {
      if (!terr.empty()) return BadInput(source + ":" + terr);
      break;
    }
    const auto& ts = e.tokens;
    if (!e.blank_owner && !ts[0].quoted && !ts[0].text.empty() && ts[0].text[0] == '$') {
      std::string_view d = ts[0].text;
      if (IEquals(d, "$ORIGIN")) {
        if (ts.size() < 2) return BadInput(Where(source, e.line) + "$ORIGIN needs a name");
        // A relative $ORIGIN is read differently by different tools (found by the validate fuzz
        // target: ldns and this reader disagreed); and nothing may follow the name.
        std::string_view on = ts[1].text;
        if (on.empty() || on.back() != '.' || (on.size() >= 2 && on[on.size() - 2] == '\\' &&
                                              (on.size() < 3 || on[on.size() - 3] != '\\'))) {
          return BadInput(Where(source, e.line) + "$ORIGIN needs an absolute name (ending in '.')");
        }
        if (ts.size() > 2) return BadInput(Where(source, e.line) + "text after the $ORIGIN name");
        auto n = Name::FromText(ts[1].text, origin ? &*origin : nullptr);
        if (!n.ok()) return BadInput(Where(source, e.line) + n.status().message());
        origin = *n;
        ++origin_serial;
        if (!have_zone_origin) {
          zone.set_origin(*n);
          have_zone_origin = true;
        }
      } else if (IEquals(d, "$TTL")) {
        auto v = ts.size() >= 2 ? ParseTtl(ts[1].text) : std::nullopt;
        if (!v) return BadInput(Where(source, e.line) + "bad $TTL");
        // ldns takes "$TTL 0" for no $TTL at all (3600; found by the validate fuzz target).
        if (*v == 0) return BadInput(Where(source, e.line) + "$TTL 0 (ldns reads it as no $TTL: give the records TTL 0 each)");
        if (ts.size() > 2) return BadInput(Where(source, e.line) + "text after the $TTL value");
        default_ttl = *v;
      } else if (IEquals(d, "$INCLUDE")) {
        return BadInput(Where(source, e.line) + "$INCLUDE is not supported");
      } else {
        return BadInput(Where(source, e.line) + "unknown directive " + std::string(d));
      }
      continue;
    }
    std::string refused;
    Ctx c{origin ? &*origin : &root, &refused};
    // Owner, then up to two of TTL and class, then the type.
    std::optional<Name> owner;
    size_t k = 0;
    if (!e.blank_owner && ts[0].quoted) {
      // Names are never quoted (RFC 1035 §5.1 quotes character strings); ldns and this reader read
      // `" TXT ""` differently (found by tools/oss-fuzz/run_all.sh on the validate target).
      return BadInput(Where(source, e.line) + "an owner name in quotes");
    }
    if (e.blank_owner) {
      owner = prev_owner;
    } else if (!ts[0].quoted) {
      // "@" alone is the origin; ldns also reads some owners that merely start with '@' as the
      // origin (found by the validate fuzz target: "@\351"). Write \@ for a literal '@'.
      if (ts[0].text.size() > 1 && ts[0].text[0] == '@') {
        return BadInput(Where(source, e.line) + "an owner name starting with '@' (the origin is '@' alone; write \\@ for a literal '@')");
      }
      // Signed zones repeat an owner on consecutive lines (each RRset, then its RRSIGs).
      if (prev_owner && ts[0].text == prev_owner_text && origin_serial == prev_owner_origin) {
        owner = prev_owner;
      } else {
        auto n = ReadName(ts[0].text, c.origin);
        if (n.ok()) {
          owner = *n;
          prev_owner_text = std::string(ts[0].text);
          prev_owner_origin = origin_serial;
        } else {
          prev_owner_text.clear();
        }
      }
      k = 1;
    }
    // ldns (and so Zone::Load) accepts the TTL before the class only.
    std::optional<uint32_t> ttl;
    bool odd_class = false;
    if (k < ts.size()) {
      if (auto v = ParseTtl(ts[k].text)) {
        ttl = v;
        ++k;
      }
    }
    if (k < ts.size() && IsClass(ts[k].text)) {
      odd_class = !IEquals(ts[k].text, "IN");
      ++k;
    }
    int type = k < ts.size() && !ts[k].quoted ? FastType(ts[k].text) : -1;
    RR rr;
    bool fast = false;
    // RFC 3597 generic RDATA ("\\# LENGTH HEX") is allowed for every type: ldns reads it (found by
    // the validate fuzz target: `NSEC \\# ...`).
    bool generic = k + 1 < ts.size() && !ts[k + 1].quoted && ts[k + 1].text == "\\#";
    if (owner && type >= 0 && !odd_class && !generic) {
      rr.owner = *owner;
      rr.type = uint16_t(type);
      rr.rrclass = kClassIN;
      rr.ttl = ttl ? *ttl : default_ttl;
      fast = EncodeRdata(rr.type, ts, k + 1, c, rr.rdata);
      if (!refused.empty()) return BadInput(Where(source, e.line) + refused);
    }
    if (!fast) {
      // ldns parses this record exactly as Zone::Load would.
      std::string line;
      if (e.blank_owner) {
        if (!prev_owner) return BadInput(Where(source, e.line) + "a record without an owner name");
        line = prev_owner->ToText();
      }
      for (const auto& t : ts) {
        if (!line.empty()) line.push_back(' ');
        line.append(t.text);
      }
      auto parsed = RR::FromText(line, *c.origin, default_ttl);
      if (!parsed.ok()) return BadInput(Where(source, e.line) + parsed.status().message());
      rr = std::move(parsed).value();
    }
    if (!have_zone_origin && rr.type == rrtype::kSOA) {
      zone.set_origin(rr.owner);
      have_zone_origin = true;
    }
    if (!options.allow_out_of_zone && have_zone_origin && !rr.owner.IsSubdomainOf(zone.origin())) {
      return BadInput(Where(source, e.line) + "record owner " + rr.owner.ToText() + " is outside the zone " +
                      zone.origin().ToText());
    }
    prev_owner = rr.owner;
    zone.Add(std::move(rr));
  }
  if (!have_zone_origin) return BadInput(source + ": no origin: give one, or start with $ORIGIN or an SOA");
  return zone;
}

Result<Zone> LoadZoneFast(const std::string& path, const LoadOptions& options) {
  auto text = ReadFile(path);
  if (!text.ok()) return IoError(path + ": cannot open zone file");
  return ParseZoneFast(*text, options, path);
}

}  // namespace rollcage::dns
