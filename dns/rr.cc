#include "dns/rr.h"
#include "base/hot.h"

#include <algorithm>
#include <optional>
#include <cstring>

#include "base/encoding.h"
#include "dns/rdata.h"
#include "dns/internal/convert.h"
#include "dns/internal/ldns.h"

namespace rollcage::dns {
namespace {

// Where the embedded domain names are in the RDATA of the types RFC 4034 §6.2 lists (less NSEC,
// RFC 6840 §5.1). Returns the number of fixed octets before the first name and how many names follow.
struct NameLayout {
  size_t prefix;
  int names;
};

bool LayoutFor(uint16_t type, NameLayout* l) {
  switch (type) {
    case rrtype::kNS: case rrtype::kCNAME: case rrtype::kPTR: case rrtype::kDNAME:
    case 3: /*MD*/ case 4: /*MF*/ case 7: /*MB*/ case 8: /*MG*/ case 9: /*MR*/
      *l = {0, 1}; return true;
    case rrtype::kSOA: case 14: /*MINFO*/ case 17: /*RP*/
      *l = {0, 2}; return true;
    case rrtype::kMX: case 18: /*AFSDB*/ case 21: /*RT*/ case 36: /*KX*/
      *l = {2, 1}; return true;
    case 26: /*PX*/
      *l = {2, 2}; return true;
    case rrtype::kSRV:
      *l = {6, 1}; return true;
    case rrtype::kRRSIG: case 24: /*SIG*/
      *l = {18, 1}; return true;
    default:
      return false;
  }
}

// Where the canonical form of RDATA lowercases (RFC 4034 §6.2): the label octets of its names, as
// [begin, end) ranges (length octets are never capitals, so a range may span them). A name ends at
// its root label or at an octet that cannot start a label (not lowercased), or with the RDATA.
struct NameRanges {
  size_t begin[2] = {0, 0}, end[2] = {0, 0};
  int n = 0;
  bool Contains(size_t i) const {
    for (int k = 0; k < n; ++k) {
      if (i >= begin[k] && i < end[k]) return true;
    }
    return false;
  }
};

RC_HOT_LEAF NameRanges RangesOf(const NameLayout& l, std::string_view s) {
  NameRanges r;
  size_t p = l.prefix;
  for (int i = 0; i < l.names && i < 2 && p < s.size(); ++i) {
    size_t start = p, stop = s.size();
    while (p < s.size()) {
      unsigned len = static_cast<unsigned char>(s[p]);
      if (len == 0 || len > 63) {
        stop = p;  // the terminator itself is not lowercased
        ++p;
        break;
      }
      p += 1 + len;
    }
    r.begin[r.n] = start;
    r.end[r.n] = std::min(stop, s.size());
    ++r.n;
  }
  return r;
}

}  // namespace

// True when `rdata` is well formed for one of the types rollcage prints in presentation format.
// Other types (and malformed RDATA) are printed in the RFC 3597 generic form, which every reader
// accepts and which reads back to the same octets.
static bool PrintableRdata(uint16_t type, std::string_view rdata) {
  auto one_name = [&](size_t prefix) {
    if (rdata.size() <= prefix) return false;
    size_t p = prefix;
    return Name::ReadWire(rdata, &p).ok() && p == rdata.size();
  };
  switch (type) {
    case rrtype::kA: return rdata.size() == 4;
    case rrtype::kAAAA: return rdata.size() == 16;
    case rrtype::kNS: case rrtype::kCNAME: case rrtype::kPTR: case rrtype::kDNAME: return one_name(0);
    case rrtype::kMX: return one_name(2);
    case rrtype::kSRV: return one_name(6);
    case rrtype::kSOA: return SoaData::Parse(rdata).ok();
    case rrtype::kTXT: {
      if (rdata.empty()) return false;
      size_t p = 0;
      while (p < rdata.size()) p += 1 + static_cast<unsigned char>(rdata[p]);
      return p == rdata.size();
    }
    case rrtype::kDS: case rrtype::kCDS: return rdata.size() >= 5;
    case rrtype::kDNSKEY: case rrtype::kCDNSKEY: return rdata.size() >= 5;
    case rrtype::kRRSIG: {
      auto d = RrsigData::Parse(rdata);
      return d.ok() && !d->signature.empty();
    }
    case rrtype::kNSEC: return NsecData::Parse(rdata).ok();
    case rrtype::kNSEC3: {
      // The next hashed owner prints as unpadded base32hex (RFC 5155 §3.3): whole 5-octet groups.
      auto d = Nsec3Data::Parse(rdata);
      return d.ok() && d->next_hashed.size() % 5 == 0;
    }
    case rrtype::kNSEC3PARAM: return Nsec3ParamData::Parse(rdata).ok();
    default: return false;
  }
}

std::string TypeToText(uint16_t type) {
  char* s = ldns_rr_type2str(static_cast<ldns_rr_type>(type));
  std::string out = s ? s : ("TYPE" + std::to_string(type));
  free(s);
  return out;
}

Result<uint16_t> TypeFromText(std::string_view text) {
  std::string t(text);
  if (t.size() > 4 && strncasecmp(t.c_str(), "TYPE", 4) == 0) {
    char* end = nullptr;
    unsigned long v = std::strtoul(t.c_str() + 4, &end, 10);
    if (*end == 0 && v <= 65535) return uint16_t(v);
  }
  ldns_rr_type r = ldns_get_rr_type_by_name(t.c_str());
  if (r == 0) return BadInput("unknown RR type '" + t + "'");
  return uint16_t(r);
}

Result<RR> RR::FromText(std::string_view text, const Name& origin, uint32_t default_ttl) {
  std::string line(text);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  // One record on one line. ldns 1.8.3's string tokenizer (ldns_bget_token) writes past its buffer
  // when a parenthesised record continues over many newlines; multi-line records go through
  // Zone::Parse, whose file tokenizer checks its limits and hands ldns single-line text.
  if (line.find_first_of(std::string("\n\r\0", 3)) != std::string::npos) {
    return BadInput("a record must be on one line (no newline, carriage return or NUL)");
  }
  // A record text starts with its owner: in a master file a leading blank repeats the previous
  // owner, which a single record does not have (ldns read " CH APL" as some record of its own
  // choosing; found by the rr_roundtrip fuzz target).
  if (!line.empty() && (line[0] == ' ' || line[0] == '\t' || line[0] == '\v' || line[0] == '\f')) {
    return BadInput("a record must start with its owner name, not a blank");
  }
  // The owner is read by Name::FromText, which has no length limit on the presentation form (ldns
  // reads at most 254 characters per name token); ldns sees "@" in its place.
  std::optional<Name> owner;
  if (!line.empty() && line[0] != ' ' && line[0] != '\t') {
    size_t end = 0;
    bool special = false;  // an unescaped ( ) ; or " : leave the whole line to ldns
    while (end < line.size() && line[end] != ' ' && line[end] != '\t' && line[end] != '\v' && line[end] != '\f') {
      if (line[end] == '\\') {
        end += 2;
        continue;
      }
      special |= line[end] == '(' || line[end] == ')' || line[end] == ';' || line[end] == '"';
      ++end;
    }
    end = std::min(end, line.size());
    std::string token = line.substr(0, end);
    if (token != "@" && !special) {
      auto n = Name::FromText(token, &origin);
      if (!n.ok()) return BadInput(n.status().message() + " in '" + line + "'");
      owner = *n;
      line = "@" + line.substr(end);
    }
  }
  ldns_rdf* origin_rdf = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, origin.wire().size(),
                                               origin.wire().data());
  ldns_rr* rr = nullptr;
  ldns_status s = ldns_rr_new_frm_str(&rr, line.c_str(), default_ttl, origin_rdf, nullptr);
  ldns_rdf_deep_free(origin_rdf);
  if (s != LDNS_STATUS_OK || !rr) {
    if (rr) ldns_rr_free(rr);
    return BadInput(internal::StatusText(s) + " in '" + line + "'");
  }
  auto out = internal::FromLdns(rr);
  ldns_rr_free(rr);
  if (!out.ok()) return out;
  if (owner) out->owner = *owner;
  // ldns accepts some RDATA (e.g. in the RFC 3597 generic form) that it cannot decode for the type;
  // refuse it here so every RR that reads also prints and reads back.
  bool known = out->type == rrtype::kA || out->type == rrtype::kAAAA || out->type == rrtype::kNS ||
               out->type == rrtype::kCNAME || out->type == rrtype::kPTR || out->type == rrtype::kDNAME ||
               out->type == rrtype::kMX || out->type == rrtype::kSRV || out->type == rrtype::kSOA ||
               out->type == rrtype::kTXT || out->type == rrtype::kDS || out->type == rrtype::kCDS ||
               out->type == rrtype::kDNSKEY || out->type == rrtype::kCDNSKEY || out->type == rrtype::kRRSIG ||
               out->type == rrtype::kNSEC || out->type == rrtype::kNSEC3 || out->type == rrtype::kNSEC3PARAM;
  bool well_formed = known ? PrintableRdata(out->type, out->rdata) : [&] {
    // Other types print in the generic form, which ldns decodes for the types it knows: it must,
    // and to the same octets (ldns drops what follows the last field: the rr_roundtrip fuzz target
    // found a KX read from `\# # ...` whose 13 octets read back from the generic form as 3).
    ldns_rr* check = internal::ToLdns(*out);
    if (!check) return false;
    auto back = internal::FromLdns(check);
    ldns_rr_free(check);
    return back.ok() && back->rdata == out->rdata;
  }();
  if (!well_formed) {
    return BadInput("malformed RDATA for type " + TypeToText(out->type) + " in '" + line + "'");
  }
  return out;
}

Result<RR> RR::ReadWire(std::string_view data, size_t* pos) {
  size_t p = *pos;
  auto owner = Name::ReadWire(data, &p);
  if (!owner.ok()) return owner.status();
  if (p + 10 > data.size()) return BadInput("truncated RR header");
  const auto* u = reinterpret_cast<const unsigned char*>(data.data()) + p;
  RR rr;
  rr.owner = std::move(owner).value();
  rr.type = ReadU16(u);
  rr.rrclass = ReadU16(u + 2);
  rr.ttl = ReadU32(u + 4);
  uint16_t rdlen = ReadU16(u + 8);
  p += 10;
  if (p + rdlen > data.size()) return BadInput("truncated RDATA");
  rr.rdata.assign(data.data() + p, rdlen);
  *pos = p + rdlen;
  return rr;
}

std::string RR::ToWire() const {
  std::string out;
  out.reserve(owner.wire().size() + 10 + rdata.size());
  AppendWire(out);
  return out;
}

void RR::AppendWire(std::string& out) const {
  out += owner.wire();
  AppendU16(out, type);
  AppendU16(out, rrclass);
  AppendU32(out, ttl);
  AppendU16(out, uint16_t(rdata.size()));
  out += rdata;
}

namespace {

// The class mnemonic (RFC 1035 §3.2.4, RFC 2136 §2.4 NONE/ANY) or the RFC 3597 CLASSnnn form.
std::string ClassText(uint16_t c) {
  switch (c) {
    case 1: return "IN";
    case 3: return "CH";
    case 4: return "HS";
    case 254: return "NONE";
    case 255: return "ANY";
    default: return "CLASS" + std::to_string(c);
  }
}

}  // namespace

std::string RR::ToText() const {
  // RFC 3597 generic form, for RDATA ldns cannot decode or print (found by the rr_roundtrip fuzz
  // target: it printed every class as IN, so a CH record read back as IN).
  auto generic = [&] {
    return owner.ToText() + "\t" + std::to_string(ttl) + "\t" + ClassText(rrclass) + "\tTYPE" + std::to_string(type) + "\t\\# " +
           std::to_string(rdata.size()) + (rdata.empty() ? "" : " " + HexEncode(rdata));
  };
  ldns_rr* rr = PrintableRdata(type, rdata) ? internal::ToLdns(*this) : nullptr;
  if (!rr) return generic();
  char* s = ldns_rr2str_fmt(ldns_output_format_nocomments, rr);
  ldns_rr_free(rr);
  std::string out = s ? s : "";
  free(s);
  if (out.find('\t') == std::string::npos) return generic();
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  // ldns does not escape '@' or '$' in labels; the owner is printed by Name::ToText, which does.
  if (auto tab = out.find('\t'); tab != std::string::npos) out = owner.ToText() + out.substr(tab);
  return out;
}

std::string RR::CanonicalRdata() const { return dns::CanonicalRdata(type, rdata); }

std::string CanonicalRdata(uint16_t type, std::string_view rdata) {
  std::string out(rdata);
  NameLayout l;
  if (!LayoutFor(type, &l)) return out;
  NameRanges r = RangesOf(l, out);
  for (int k = 0; k < r.n; ++k) {
    for (size_t i = r.begin[k]; i < r.end[k]; ++i) {
      if (out[i] >= 'A' && out[i] <= 'Z') out[i] = char(out[i] + 32);
    }
  }
  return out;
}

bool CanonicalRdataIsRdata(uint16_t type) {
  NameLayout l;
  return !LayoutFor(type, &l);
}

RC_HOT_LEAF int CompareCanonicalRdata(uint16_t type, std::string_view a, std::string_view b) {
  // The canonical forms compared octet by octet as they are made, without copies (a zone's RRSIGs
  // are sorted by this: their signer names are names, their signatures are not).
  NameLayout l;
  if (!LayoutFor(type, &l)) return a.compare(b);
  NameRanges ra = RangesOf(l, a), rb = RangesOf(l, b);
  auto lower = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c; };
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (ra.Contains(i)) x = lower(x);
    if (rb.Contains(i)) y = lower(y);
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

bool CanonicalLess(const RR& a, const RR& b) {
  int c = CanonicalCompare(a.owner.wire(), b.owner.wire());
  if (c != 0) return c < 0;
  if (a.type != b.type) return a.type < b.type;
  return CompareCanonicalRdata(a.type, a.rdata, b.rdata) < 0;
}

std::vector<RR> RRset::ToRRs() const {
  std::vector<RR> out;
  out.reserve(rdatas.size());
  for (const auto& r : rdatas) out.push_back(RR{owner, type, rrclass, ttl, r});
  return out;
}

}  // namespace rollcage::dns
