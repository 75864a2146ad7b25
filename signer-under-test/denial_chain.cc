#include "signer-under-test/denial_chain.h"

#include <algorithm>

#include "base/encoding.h"
#include "dns/rdata.h"
#include "signer-under-test/nsec3_hash.h"

namespace rollcage::signer {

namespace rt = dns::rrtype;

std::set<uint16_t> BitmapTypes(const ZoneNode& node, bool nsec3) {
  std::set<uint16_t> types;
  switch (node.kind) {
    case NodeKind::kApex:
    case NodeKind::kAuthoritative:
      for (const auto& s : node.rrsets) types.insert(s.type);
      types.insert(rt::kRRSIG);
      if (!nsec3) types.insert(rt::kNSEC);
      break;
    case NodeKind::kDelegation:
      types.insert(rt::kNS);
      if (node.secure) types.insert(rt::kDS);
      // With NSEC the NSEC RRset itself is signed here; with NSEC3 only a DS RRset is.
      if (!nsec3 || node.secure) types.insert(rt::kRRSIG);
      if (!nsec3) types.insert(rt::kNSEC);
      break;
    case NodeKind::kOccluded:
    case NodeKind::kEmptyNonTerminal:
      break;
  }
  types.erase(rt::kNSEC3);
  if (nsec3) types.erase(rt::kNSEC);
  return types;
}

std::vector<dns::RR> BuildNsecChain(const ClassifiedZone& zone, uint32_t ttl) {
  std::vector<const ZoneNode*> chain;
  for (const auto& node : zone.nodes) {
    if (node.kind == NodeKind::kApex || node.kind == NodeKind::kAuthoritative || node.kind == NodeKind::kDelegation) {
      chain.push_back(&node);
    }
  }
  std::vector<dns::RR> out;
  out.reserve(chain.size());
  for (size_t i = 0; i < chain.size(); ++i) {
    dns::NsecData nsec;
    nsec.next = chain[(i + 1) % chain.size()]->name.Lowercase();
    nsec.types = BitmapTypes(*chain[i], false);
    out.push_back(dns::RR{chain[i]->name, rt::kNSEC, dns::kClassIN, ttl, nsec.Encode()});
  }
  return out;
}

std::string Nsec3ParamRdata(const Nsec3Params& params) {
  dns::Nsec3ParamData p;
  p.hash_algorithm = kNsec3HashSha1;
  p.flags = 0;
  p.iterations = params.iterations;
  p.salt = params.salt;
  return p.Encode();
}

Result<std::vector<dns::RR>> BuildNsec3Chain(const ClassifiedZone& zone, const Nsec3Params& params, uint32_t ttl) {
  if (params.salt.size() > 255) return BadInput("NSEC3 salt longer than 255 octets");
  struct Entry {
    std::string hash;
    const ZoneNode* node;
  };
  std::vector<Entry> entries;
  for (const auto& node : zone.nodes) {
    bool include = false;
    switch (node.kind) {
      case NodeKind::kApex:
      case NodeKind::kAuthoritative:
        include = true;
        break;
      case NodeKind::kDelegation:
        include = !params.opt_out || (node.secure && !params.mutant_optout_secure);
        break;
      case NodeKind::kEmptyNonTerminal:
        include = !params.opt_out || node.secure;
        break;
      case NodeKind::kOccluded:
        break;
    }
    if (include) entries.push_back({Nsec3Hash(node.name, params.salt, params.iterations), &node});
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.hash < b.hash; });
  for (size_t i = 1; i < entries.size(); ++i) {
    if (entries[i].hash == entries[i - 1].hash) {
      return BadInput("NSEC3 hash collision between " + entries[i - 1].node->name.ToText() + " and " +
                      entries[i].node->name.ToText() + "; use another salt");
    }
  }
  std::vector<dns::RR> out;
  out.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    dns::Nsec3Data n3;
    n3.hash_algorithm = kNsec3HashSha1;
    n3.flags = params.opt_out ? 1 : 0;
    n3.iterations = params.iterations;
    n3.salt = params.salt;
    n3.next_hashed = entries[(i + 1) % entries.size()].hash;
    n3.types = BitmapTypes(*entries[i].node, true);
    if (params.mutant_delegation_bitmap && entries[i].node->kind == NodeKind::kDelegation && !entries[i].node->secure) {
      n3.types.insert(rt::kDS);  // planted bug: claims a DS (and its RRSIG) at an insecure delegation
      n3.types.insert(rt::kRRSIG);
    }
    auto owner = zone.origin.Prepend(Base32HexEncode(entries[i].hash));
    if (!owner.ok()) return owner.status().WithContext("NSEC3 owner name");
    out.push_back(dns::RR{*owner, rt::kNSEC3, dns::kClassIN, ttl, n3.Encode()});
  }
  return out;
}

}  // namespace rollcage::signer
