#include "dns/internal/convert.h"

#include <cstring>

#include "base/encoding.h"

namespace rollcage::dns::internal {

std::string StatusText(ldns_status s) { return ldns_get_errorstr_by_id(s); }

Result<RR> FromLdns(const ldns_rr* rr) {
  ldns_rdf* owner = ldns_rr_owner(rr);
  if (!owner) return BadInput("record without owner name");
  auto name = Name::FromWire(std::string_view(reinterpret_cast<const char*>(ldns_rdf_data(owner)),
                                              ldns_rdf_size(owner)));
  if (!name.ok()) return name.status();
  RR out;
  out.owner = std::move(name).value();
  out.type = ldns_rr_get_type(rr);
  // Type 0 and the meta types (RFC 6895 §3.1: OPT, TKEY, TSIG, IXFR, AXFR, MAILB, MAILA, ANY) never
  // appear in zone data.
  if (out.type == 0 || out.type == 41 || (out.type >= 249 && out.type <= 255)) {
    return BadInput("RR type " + std::to_string(out.type) + " cannot appear in a zone");
  }
  out.rrclass = ldns_rr_get_class(rr);
  out.ttl = ldns_rr_ttl(rr);
  ldns_buffer* buf = ldns_buffer_new(512);
  ldns_status s = ldns_rr_rdata2buffer_wire(buf, rr);
  if (s != LDNS_STATUS_OK) {
    ldns_buffer_free(buf);
    return BadInput("cannot encode RDATA: " + StatusText(s));
  }
  out.rdata.assign(reinterpret_cast<const char*>(ldns_buffer_begin(buf)), ldns_buffer_position(buf));
  ldns_buffer_free(buf);
  return out;
}

ldns_rr* ToLdns(const RR& rr) {
  std::string wire = rr.ToWire();
  ldns_rr* out = nullptr;
  size_t pos = 0;
  ldns_status s = ldns_wire2rr(&out, reinterpret_cast<const uint8_t*>(wire.data()), wire.size(), &pos,
                               LDNS_SECTION_ANSWER);
  if (s != LDNS_STATUS_OK) return nullptr;
  return out;
}

}  // namespace rollcage::dns::internal
