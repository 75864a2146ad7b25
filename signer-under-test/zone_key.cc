#include "signer-under-test/zone_key.h"

#include "dns/rdata.h"
#include "signer-under-test/key_tag.h"

namespace rollcage::signer {

const char* KeyRoleName(KeyRole role) {
  switch (role) {
    case KeyRole::kKsk: return "ksk";
    case KeyRole::kZsk: return "zsk";
    case KeyRole::kCsk: return "csk";
  }
  return "?";
}

Result<KeyRole> ParseKeyRole(std::string_view text) {
  for (KeyRole r : {KeyRole::kKsk, KeyRole::kZsk, KeyRole::kCsk}) {
    if (text == KeyRoleName(r)) return r;
  }
  return UsageError("unknown key role '" + std::string(text) + "' (use ksk, zsk or csk)");
}

uint16_t DefaultFlags(KeyRole role) {
  return role == KeyRole::kZsk ? kDnskeyZoneFlag : kDnskeyZoneFlag | kDnskeySepFlag;
}

ZoneKey ZoneKey::ForRole(KeyInfo key, KeyRole role) {
  ZoneKey z;
  z.key = std::move(key);
  z.flags = DefaultFlags(role);
  z.published = true;
  z.signs_dnskey = role != KeyRole::kZsk;
  z.signs_zone = role != KeyRole::kKsk;
  return z;
}

namespace {

// flags, protocol 3, algorithm: the DNSKEY RDATA before the public key.
void DnskeyHead(uint16_t flags, uint8_t algorithm, char head[4]) {
  head[0] = char(flags >> 8);
  head[1] = char(flags & 0xff);
  head[2] = 3;
  head[3] = char(algorithm);
}

}  // namespace

std::string DnskeyRdataOf(uint16_t flags, uint8_t algorithm, std::string_view public_key) {
  char head[4];
  DnskeyHead(flags, algorithm, head);
  std::string r;
  r.reserve(4 + public_key.size());
  r.append(head, 4);
  r += public_key;
  return r;
}

std::string ZoneKey::DnskeyRdata() const {
  return DnskeyRdataOf(flags, AlgorithmNumber(key.algorithm), key.public_key);  // every key of every signing
}

uint16_t ZoneKey::Tag() const {
  // KeyTag(DnskeyRdata()) without building the RDATA (every signature made asks).
  char head[4];
  DnskeyHead(flags, AlgorithmNumber(key.algorithm), head);
  return FoldKeyTag(KeyTagSum(std::string_view(head, 4)) + KeyTagSum(key.public_key));
}

std::string ZoneKeyLabel(const dns::Name& origin, KeyRole role) { return ZoneKeyLabel(origin.ToText(), role); }

std::string ZoneKeyLabel(std::string_view origin_text, KeyRole role) {
  std::string label;
  label.reserve(origin_text.size() + 16);
  label += origin_text;
  label += ' ';
  label += KeyRoleName(role);
  return label;
}

bool ParseZoneKeyLabel(std::string_view label, dns::Name* origin, KeyRole* role) {
  size_t sp = label.rfind(' ');
  if (sp == std::string_view::npos) return false;
  auto r = ParseKeyRole(label.substr(sp + 1));
  auto n = dns::Name::FromText(label.substr(0, sp));
  if (!r.ok() || !n.ok()) return false;
  *origin = *n;
  *role = *r;
  return true;
}

}  // namespace rollcage::signer
