#include "oracle/signed_data.h"
#include "base/hot.h"

#include <algorithm>

#include "base/encoding.h"

namespace rollcage::oracle {
namespace {

const unsigned char* U(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c + 32) : c; }

// Lowercases the uncompressed name starting at s[*pos] in place and moves *pos past it. Stops at
// the end of s or at a malformed length octet (leaving the rest untouched); returns false then.
bool LowerNameAt(std::string& s, size_t* pos) {
  size_t p = *pos;
  while (p < s.size()) {
    unsigned len = static_cast<unsigned char>(s[p]);
    if (len == 0) {
      *pos = p + 1;
      return true;
    }
    if (len > 63 || p + 1 + len > s.size()) return false;
    for (unsigned k = 1; k <= len; ++k) s[p + k] = Lower(s[p + k]);
    p += 1 + len;
  }
  return false;
}

// Skips a <character-string> (RFC 1035 §3.3) at s[*pos].
bool SkipCharString(const std::string& s, size_t* pos) {
  if (*pos >= s.size()) return false;
  size_t len = static_cast<unsigned char>(s[*pos]);
  if (*pos + 1 + len > s.size()) return false;
  *pos += 1 + len;
  return true;
}

bool HasEmbeddedNames(uint16_t type) {
  switch (type) {
    case 2: case 3: case 4: case 5: case 6: case 7: case 8: case 9: case 12: case 14: case 15: case 17:
    case 18: case 21: case 24: case 26: case 30: case 33: case 35: case 36: case 38: case 39: case 46:
      return true;
    default:
      return false;
  }
}

}  // namespace

Result<RrsigView> RrsigView::Parse(std::string_view rdata) {
  if (rdata.size() < 19) return BadInput("RRSIG RDATA shorter than 19 octets");
  const auto* u = U(rdata);
  RrsigView v;
  v.type_covered = ReadU16(u);
  v.algorithm = u[2];
  v.labels = u[3];
  v.original_ttl = ReadU32(u + 4);
  v.expiration = ReadU32(u + 8);
  v.inception = ReadU32(u + 12);
  v.key_tag = ReadU16(u + 16);
  size_t p = 18;
  while (true) {
    if (p >= rdata.size()) return BadInput("RRSIG signer name truncated");
    unsigned len = u[p];
    if (len > 63) return BadInput("RRSIG signer name has a compressed or invalid label");
    ++p;
    if (len == 0) break;
    p += len;
    if (p - 18 > 255) return BadInput("RRSIG signer name longer than 255 octets");
  }
  // (The root label counts too: 255 octets at most in all, RFC 1035 §3.1, as dns::Name::ReadWire.)
  if (p - 18 > 255) return BadInput("RRSIG signer name longer than 255 octets");
  if (p > rdata.size()) return BadInput("RRSIG signer name truncated");
  v.signer_wire = rdata.substr(18, p - 18);
  v.signature = rdata.substr(p);
  v.without_signature = rdata.substr(0, p);
  return v;
}

std::string CanonicalRdata(uint16_t type, std::string_view rdata) {
  std::string out;
  CanonicalRdataInto(type, rdata, &out);
  return out;
}

void CanonicalRdataInto(uint16_t type, std::string_view rdata, std::string* out_ptr) {
  std::string& out = *out_ptr;
  out.assign(rdata.data(), rdata.size());
  size_t p = 0;
  auto names = [&](size_t prefix, int n) {
    p = prefix;
    for (int i = 0; i < n; ++i) {
      if (!LowerNameAt(out, &p)) return;
    }
  };
  switch (type) {
    case 2: case 3: case 4: case 5: case 7: case 8: case 9: case 12: case 39:  // NS MD MF CNAME MB MG MR PTR DNAME
    case 30:                                                                    // NXT (name first)
      names(0, 1);
      break;
    case 6: case 14: case 17:  // SOA MINFO RP
      names(0, 2);
      break;
    case 15: case 18: case 21: case 36:  // MX AFSDB RT KX
      names(2, 1);
      break;
    case 26:  // PX
      names(2, 2);
      break;
    case 33:  // SRV
      names(6, 1);
      break;
    case 24: case 46:  // SIG RRSIG
      names(18, 1);
      break;
    case 35: {  // NAPTR: order, preference, flags, services, regexp, replacement
      p = 4;
      if (SkipCharString(out, &p) && SkipCharString(out, &p) && SkipCharString(out, &p)) {
        LowerNameAt(out, &p);
      }
      break;
    }
    case 38: {  // A6: prefix length, address suffix, prefix name (when prefix length > 0)
      if (out.empty()) break;
      unsigned plen = static_cast<unsigned char>(out[0]);
      if (plen == 0 || plen > 128) break;
      p = 1 + (128 - plen + 7) / 8;
      LowerNameAt(out, &p);
      break;
    }
    default:
      break;
  }
}

int RrsigLabelCount(const dns::Name& name) {
  int n = name.LabelCount();
  return name.IsWildcard() ? n - 1 : n;
}

RC_HOT_LEAF Status BuildSignedDataInto(const RrsigView& sig, const dns::Name& owner, uint16_t type, uint16_t rrclass,
                           const std::vector<std::string_view>& rdatas, std::string* out) {
  int fqdn_labels = owner.LabelCount();
  if (sig.labels > fqdn_labels) {
    return BadInput("RRSIG Labels " + std::to_string(sig.labels) + " exceeds the owner's " +
                    std::to_string(fqdn_labels) + " labels");
  }
  // The owner as signed: lowercased, or "*." + the rightmost Labels labels (RFC 4035 §5.3.2).
  char header[255 + 2 + 10];
  size_t hlen = 0;
  const std::string& w = owner.wire();
  size_t from = 0;
  if (sig.labels < fqdn_labels) {
    for (int i = 0; i < fqdn_labels - sig.labels; ++i) from += 1 + static_cast<unsigned char>(w[from]);
    header[hlen++] = 1;
    header[hlen++] = '*';
  }
  for (size_t i = from; i < w.size(); ++i) header[hlen++] = Lower(w[i]);
  header[hlen++] = char(type >> 8);
  header[hlen++] = char(type);
  header[hlen++] = char(rrclass >> 8);
  header[hlen++] = char(rrclass);
  for (int sh = 24; sh >= 0; sh -= 8) header[hlen++] = char(sig.original_ttl >> sh);

  out->clear();
  out->append(sig.without_signature.substr(0, 18));
  for (char c : sig.signer_wire) out->push_back(Lower(c));
  auto append_rr = [&](std::string_view c) {
    out->append(header, hlen);
    AppendU16(*out, uint16_t(c.size()));
    out->append(c);
  };
  bool names = HasEmbeddedNames(type);
  if (rdatas.size() == 1 && !names) {  // the common case: no copies, nothing to sort
    append_rr(rdatas.front());
    return Status::Ok();
  }
  // Canonical RDATA (copies only for types with embedded names), sorted, duplicates removed. Per-thread
  // scratch: no allocation once grown (every RRSIG of every zone version comes through here).
  thread_local std::vector<std::string> owned;
  thread_local std::vector<std::string_view> canon;
  canon.clear();
  if (names) {
    if (owned.size() < rdatas.size()) owned.resize(rdatas.size());
    for (size_t i = 0; i < rdatas.size(); ++i) CanonicalRdataInto(type, rdatas[i], &owned[i]);
    canon.assign(owned.begin(), owned.begin() + long(rdatas.size()));
  } else {
    canon.assign(rdatas.begin(), rdatas.end());
  }
  std::sort(canon.begin(), canon.end());
  canon.erase(std::unique(canon.begin(), canon.end()), canon.end());
  for (std::string_view c : canon) append_rr(c);
  return Status::Ok();
}

Result<std::string> BuildSignedData(const RrsigView& sig, const dns::Name& owner, uint16_t type,
                                    uint16_t rrclass, const std::vector<std::string_view>& rdatas) {
  std::string out;
  RC_RETURN_IF_ERROR(BuildSignedDataInto(sig, owner, type, rrclass, rdatas, &out));
  return out;
}

}  // namespace rollcage::oracle
