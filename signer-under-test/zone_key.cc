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

std::string ZoneKey::DnskeyRdata() const {
  dns::DnskeyData d;
  d.flags = flags;
  d.protocol = 3;
  d.algorithm = AlgorithmNumber(key.algorithm);
  d.public_key = key.public_key;
  return d.Encode();
}

uint16_t ZoneKey::Tag() const { return KeyTag(DnskeyRdata()); }

std::string ZoneKeyLabel(const dns::Name& origin, KeyRole role) {
  return origin.ToText() + " " + KeyRoleName(role);
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
