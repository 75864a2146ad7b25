#include "oracle/zone_index.h"

#include <algorithm>
#include <numeric>

#include "base/encoding.h"

namespace rollcage::oracle {
namespace {

size_t TableSize(size_t n) {
  size_t s = 16;
  while (s < n * 2) s <<= 1;
  return s;
}

}  // namespace

ZoneIndex ZoneIndex::Build(const dns::Zone& zone, const dns::Name& apex) {
  ZoneIndex ix;
  ix.records_ = &zone.records();
  ix.apex_name_ = apex;
  const auto& recs = zone.records();

  // 1. Group by owner (case-insensitive) with an open-addressing table.
  std::vector<Node> nodes;
  std::vector<Rrset> rrsets;
  std::vector<uint32_t> table(TableSize(recs.size() + 1), 0);
  size_t mask = table.size() - 1;
  dns::NameHash hasher;
  std::vector<uint32_t> node_of(recs.size());
  for (uint32_t i = 0; i < recs.size(); ++i) {
    const dns::Name& owner = recs[i].owner;
    size_t h = hasher(owner) & mask;
    while (table[h] != 0 && !(*nodes[table[h] - 1].name == owner)) h = (h + 1) & mask;
    if (table[h] == 0) {
      nodes.push_back(Node{&owner});
      table[h] = uint32_t(nodes.size());
    }
    node_of[i] = table[h] - 1;
  }
  // 2. RRsets (everything but RRSIG), then RRSIGs attached to the type they cover.
  for (uint32_t i = 0; i < recs.size(); ++i) {
    const dns::RR& rr = recs[i];
    if (rr.type == dns::rrtype::kRRSIG) {
      ++ix.rrsig_count_;
      continue;
    }
    Node& n = nodes[node_of[i]];
    int found = -1;
    for (uint32_t r : n.rrsets) {
      if (rrsets[r].type == rr.type) {
        found = int(r);
        break;
      }
    }
    if (found < 0) {
      found = int(rrsets.size());
      rrsets.push_back(Rrset{node_of[i], rr.type, rr.rrclass, rr.ttl, true, {}, {}});
      n.rrsets.push_back(uint32_t(found));
    }
    Rrset& s = rrsets[found];
    if (rr.ttl != s.ttl) {
      s.ttl_consistent = false;
      s.ttl = std::min(s.ttl, rr.ttl);
    }
    s.records.push_back(i);
  }
  for (uint32_t i = 0; i < recs.size(); ++i) {
    const dns::RR& rr = recs[i];
    if (rr.type != dns::rrtype::kRRSIG) continue;
    Node& n = nodes[node_of[i]];
    if (rr.rdata.size() < 2) {
      n.malformed_sigs.push_back(i);
      continue;
    }
    uint16_t covered = ReadU16(reinterpret_cast<const unsigned char*>(rr.rdata.data()));
    if (covered == dns::rrtype::kRRSIG) {
      n.malformed_sigs.push_back(i);
      continue;
    }
    bool attached = false;
    for (uint32_t r : n.rrsets) {
      if (rrsets[r].type == covered) {
        rrsets[r].sigs.push_back(i);
        attached = true;
        break;
      }
    }
    if (!attached) n.orphan_sigs.push_back(i);
  }
  for (auto& n : nodes) {
    std::sort(n.rrsets.begin(), n.rrsets.end(),
              [&](uint32_t a, uint32_t b) { return rrsets[a].type < rrsets[b].type; });
    n.nsec3_only = !n.rrsets.empty();
    for (uint32_t r : n.rrsets) n.nsec3_only &= rrsets[r].type == dns::rrtype::kNSEC3;
  }
  // 3. Canonical order.
  std::vector<uint32_t> order(nodes.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return dns::CanonicalCompare(nodes[a].name->wire(), nodes[b].name->wire()) < 0;
  });
  std::vector<uint32_t> new_pos(nodes.size());
  for (uint32_t i = 0; i < order.size(); ++i) new_pos[order[i]] = i;
  ix.nodes_.reserve(nodes.size());
  for (uint32_t i : order) ix.nodes_.push_back(std::move(nodes[i]));
  for (auto& s : rrsets) s.node = new_pos[s.node];
  ix.rrsets_ = std::move(rrsets);
  for (auto& t : table) {
    if (t != 0) t = new_pos[t - 1] + 1;
  }
  ix.by_hash_ = std::move(table);

  // 4. Roles. In canonical order a name's descendants follow it directly, so one active cut at a
  // time suffices: every name below it until the first name that is not is below the cut.
  int cut = -1;
  for (uint32_t i = 0; i < ix.nodes_.size(); ++i) {
    Node& n = ix.nodes_[i];
    if (!n.name->IsSubdomainOf(apex)) {
      n.kind = NodeKind::kOutOfZone;
      continue;
    }
    if (cut >= 0 && n.name->IsSubdomainOf(*ix.nodes_[cut].name)) {
      n.kind = NodeKind::kBelowCut;
      continue;
    }
    cut = -1;
    bool is_apex = *n.name == apex;
    if (is_apex) {
      n.kind = NodeKind::kApex;
      ix.apex_ = int(i);
    } else if (ix.FindIndex(i, dns::rrtype::kNS) >= 0) {
      n.kind = NodeKind::kDelegation;
      cut = int(i);
    } else {
      n.kind = NodeKind::kAuthoritative;
    }
    // Names below a DNAME owner are occluded (RFC 6672 §2.3).
    if (cut < 0 && ix.FindIndex(i, dns::rrtype::kDNAME) >= 0) cut = int(i);
  }
  return ix;
}

int ZoneIndex::FindIndex(uint32_t node, uint16_t type) const {
  for (uint32_t r : nodes_[node].rrsets) {
    if (rrsets_[r].type == type) return int(r);
  }
  return -1;
}

const ZoneIndex::Rrset* ZoneIndex::Find(uint32_t node, uint16_t type) const {
  int r = FindIndex(node, type);
  return r < 0 ? nullptr : &rrsets_[r];
}

int ZoneIndex::FindNode(const dns::Name& name) const {
  if (by_hash_.empty()) return -1;
  size_t mask = by_hash_.size() - 1;
  size_t h = dns::NameHash()(name) & mask;
  while (by_hash_[h] != 0) {
    if (*nodes_[by_hash_[h] - 1].name == name) return int(by_hash_[h] - 1);
    h = (h + 1) & mask;
  }
  return -1;
}

std::vector<std::string_view> ZoneIndex::Rdatas(const Rrset& r) const {
  std::vector<std::string_view> out;
  out.reserve(r.records.size());
  for (uint32_t i : r.records) out.emplace_back((*records_)[i].rdata);
  return out;
}

}  // namespace rollcage::oracle
