#include "signer-under-test/kasp/policy.h"

#include <cerrno>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <vector>

#include "base/encoding.h"

namespace rollcage::signer::kasp {
namespace {

Result<int64_t> Duration(const std::string& v) {
  if (v.empty()) return BadInput("empty duration");
  char* end = nullptr;
  errno = 0;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (end == v.c_str() || errno || n < 0) return BadInput("bad duration '" + v + "'");
  std::string u(end);
  int64_t m;
  if (u.empty() || u == "s") m = 1;
  else if (u == "m") m = 60;
  else if (u == "h") m = 3600;
  else if (u == "d") m = 86400;
  else if (u == "w") m = 7 * 86400;
  else return BadInput("bad duration unit in '" + v + "' (s, m, h, d, w)");
  if (n > (int64_t(1) << 40) / m) return BadInput("duration too large: '" + v + "'");
  return n * m;
}

Result<uint32_t> Ttl(const std::string& v) {
  auto d = Duration(v);
  if (!d.ok()) return d.status();
  if (*d > 0x7fffffff) return BadInput("TTL too large: '" + v + "'");
  return uint32_t(*d);
}

std::string Dur(int64_t s) {
  if (s != 0 && s % 86400 == 0) return std::to_string(s / 86400) + "d";
  if (s != 0 && s % 3600 == 0) return std::to_string(s / 3600) + "h";
  if (s != 0 && s % 60 == 0) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

Result<uint8_t> Algorithm(const std::string& v) {
  if (v == "8" || v == "RSASHA256") return uint8_t(8);
  if (v == "13" || v == "ECDSAP256SHA256") return uint8_t(13);
  if (v == "15" || v == "ED25519") return uint8_t(15);
  return BadInput("unsupported algorithm '" + v + "' (8, 13 or 15)");
}

struct Field {
  const char* key;
  std::function<Status(Policy&, const std::string&)> set;
  std::function<std::string(const Policy&)> get;
};

#define RC_DURATION_FIELD(name, member)                                         \
  Field {                                                                       \
    name,                                                                       \
        [](Policy& p, const std::string& v) -> Status {                         \
          auto d = Duration(v);                                                 \
          if (!d.ok()) return d.status();                                       \
          p.member = *d;                                                        \
          return Status::Ok();                                                  \
        },                                                                      \
        [](const Policy& p) { return Dur(p.member); }                           \
  }
#define RC_TTL_FIELD(name, member)                                              \
  Field {                                                                       \
    name,                                                                       \
        [](Policy& p, const std::string& v) -> Status {                         \
          auto d = Ttl(v);                                                      \
          if (!d.ok()) return d.status();                                       \
          p.member = *d;                                                        \
          return Status::Ok();                                                  \
        },                                                                      \
        [](const Policy& p) { return Dur(p.member); }                           \
  }

const std::vector<Field>& Fields() {
  static const std::vector<Field> kFields = {
      {"algorithm",
       [](Policy& p, const std::string& v) -> Status {
         auto a = Algorithm(v);
         if (!a.ok()) return a.status();
         p.algorithm = *a;
         return Status::Ok();
       },
       [](const Policy& p) { return std::to_string(p.algorithm); }},
      {"csk",
       [](Policy& p, const std::string& v) -> Status {
         if (v != "yes" && v != "no") return BadInput("expected yes or no, got '" + v + "'");
         p.csk = v == "yes";
         return Status::Ok();
       },
       [](const Policy& p) { return std::string(p.csk ? "yes" : "no"); }},
      RC_DURATION_FIELD("zsk-lifetime", zsk_lifetime),
      RC_DURATION_FIELD("ksk-lifetime", ksk_lifetime),
      RC_DURATION_FIELD("csk-lifetime", csk_lifetime),
      {"ksk-method",
       [](Policy& p, const std::string& v) -> Status {
         if (v != "double-ksk" && v != "double-ds") return BadInput("expected double-ksk or double-ds, got '" + v + "'");
         p.ksk_method = v;
         return Status::Ok();
       },
       [](const Policy& p) { return p.ksk_method; }},
      RC_TTL_FIELD("dnskey-ttl", dnskey_ttl),
      RC_TTL_FIELD("soa-minimum", soa_minimum),
      RC_DURATION_FIELD("propagation-delay", propagation_delay),
      RC_TTL_FIELD("parent-ds-ttl", parent_ds_ttl),
      RC_DURATION_FIELD("parent-propagation-delay", parent_propagation_delay),
      RC_DURATION_FIELD("publish-safety", publish_safety),
      RC_DURATION_FIELD("retire-safety", retire_safety),
      RC_DURATION_FIELD("signature-validity", signature_validity),
      RC_DURATION_FIELD("signature-refresh", signature_refresh),
      RC_DURATION_FIELD("signature-jitter", signature_jitter),
      RC_DURATION_FIELD("inception-offset", inception_offset),
      RC_DURATION_FIELD("parent-poll", parent_poll),
      {"next-algorithm",
       [](Policy& p, const std::string& v) -> Status {
         if (v == "none") {
           p.next_algorithm = 0;
           return Status::Ok();
         }
         auto a = Algorithm(v);
         if (!a.ok()) return a.status();
         p.next_algorithm = *a;
         return Status::Ok();
       },
       [](const Policy& p) { return p.next_algorithm ? std::to_string(p.next_algorithm) : std::string("none"); }},
      RC_DURATION_FIELD("algorithm-rollover-at", algorithm_rollover_at),
      {"denial",
       [](Policy& p, const std::string& v) -> Status {
         if (v != "nsec" && v != "nsec3" && v != "nsec3-optout") return BadInput("expected nsec, nsec3 or nsec3-optout");
         p.denial = v;
         return Status::Ok();
       },
       [](const Policy& p) { return p.denial; }},
      {"nsec3-iterations",
       [](Policy& p, const std::string& v) -> Status {
         char* end = nullptr;
         long n = std::strtol(v.c_str(), &end, 10);
         if (v.empty() || *end || n < 0 || n > 65535) return BadInput("bad iteration count '" + v + "'");
         p.nsec3_iterations = uint16_t(n);
         return Status::Ok();
       },
       [](const Policy& p) { return std::to_string(p.nsec3_iterations); }},
      {"nsec3-salt",
       [](Policy& p, const std::string& v) -> Status {
         if (v == "-") {
           p.nsec3_salt.clear();
           return Status::Ok();
         }
         auto s = HexDecode(v);
         if (!s || s->size() > 255) return BadInput("bad salt '" + v + "' (hex or -)");
         p.nsec3_salt = *s;
         return Status::Ok();
       },
       [](const Policy& p) { return p.nsec3_salt.empty() ? std::string("-") : HexEncode(p.nsec3_salt); }},
  };
  return kFields;
}

}  // namespace

Status Policy::Apply(const std::map<std::string, std::string>& overrides) {
  for (const auto& [k, v] : overrides) {
    const Field* f = nullptr;
    for (const auto& field : Fields()) {
      if (k == field.key) f = &field;
    }
    if (!f) return BadInput("unknown policy key '" + k + "' (see docs/kasp.md)");
    Status s = f->set(*this, v);
    if (!s.ok()) return s.WithContext("policy " + k);
  }
  if (signature_refresh >= signature_validity) {
    return BadInput("policy: signature-refresh must be shorter than signature-validity");
  }
  if (signature_jitter >= signature_validity - signature_refresh) {
    return BadInput("policy: signature-jitter must be shorter than signature-validity minus signature-refresh");
  }
  return Status::Ok();
}

Result<Policy> Policy::Parse(const std::string& text, const std::string& source) {
  Policy p;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (auto h = line.find('#'); h != std::string::npos) line = line.substr(0, h);
    std::istringstream words(line);
    std::string k, v, extra;
    if (!(words >> k)) continue;
    if (!(words >> v) || (words >> extra)) return BadInput(source + ":" + std::to_string(n) + ": expected 'key value'");
    Status s = p.Apply({{k, v}});
    if (!s.ok()) return BadInput(source + ":" + std::to_string(n) + ": " + s.message());
  }
  return p;
}

std::string Policy::Print() const {
  std::string out;
  for (const auto& f : Fields()) out += std::string(f.key) + " " + f.get(*this) + "\n";
  return out;
}

}  // namespace rollcage::signer::kasp
