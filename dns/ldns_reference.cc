#include "dns/ldns_reference.h"

#include <cctype>

#include "dns/internal/ldns.h"

namespace rollcage::dns::ldns_reference {
namespace {

ldns_rdf* ToRdf(const Name& n) {
  return ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, n.wire().size(), n.wire().data());
}

}  // namespace

uint16_t KeyTag(std::string_view rdata) {
  return ldns_calc_keytag_raw(reinterpret_cast<const uint8_t*>(rdata.data()), rdata.size());
}

std::optional<std::string> Nsec3HashLabel(const Name& name, uint8_t hash_algorithm, uint16_t iterations,
                                          std::string_view salt) {
  if (salt.size() > 255) return std::nullopt;
  ldns_rdf* n = ToRdf(name);
  if (!n) return std::nullopt;
  ldns_rdf* h = ldns_nsec3_hash_name(n, hash_algorithm, iterations, uint8_t(salt.size()),
                                     reinterpret_cast<const uint8_t*>(salt.data()));
  ldns_rdf_deep_free(n);
  if (!h) return std::nullopt;
  // A one-label name: length octet, then the base32hex text.
  std::optional<std::string> out;
  const uint8_t* d = ldns_rdf_data(h);
  size_t size = ldns_rdf_size(h);
  if (size >= 2 && size_t(d[0]) + 2 <= size) {
    std::string label(reinterpret_cast<const char*>(d + 1), d[0]);
    for (auto& c : label) c = char(std::tolower(static_cast<unsigned char>(c)));
    out = label;
  }
  ldns_rdf_deep_free(h);
  return out;
}

int CompareNames(const Name& a, const Name& b) {
  ldns_rdf* x = ToRdf(a);
  ldns_rdf* y = ToRdf(b);
  int c = ldns_dname_compare(x, y);
  ldns_rdf_deep_free(x);
  ldns_rdf_deep_free(y);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace rollcage::dns::ldns_reference
